//! The one-pass walk behind [`Message::decode`]: monomorphized per `cmsghdr` layout
//! (word size, byte order), common records decoded straight into the message, rare ones
//! through [`Record::decode`] out of line.

use super::*;

impl<'a> Message<'a> {
    /// The decode, with `abi` the ABI `slot` holds.
    #[inline(always)]
    pub(super) fn decode_in(
        slot: AbiSlot,
        abi: &Abi,
        control: &'a [u8],
        msg_flags: i32,
        name: &'a [u8],
        payload: &'a [u8],
    ) -> Self {
        let mut m = Self {
            abi: slot,
            control,
            flags: msg_flags,
            name,
            payload,
            error: None,
            common: Common::default(),
            problem: None,
        };
        // Dispatch once per message on the `cmsghdr` layout; the walk itself is compiled
        // for each layout, so it has no word-size or byte-order branch.
        match (abi.word, abi.endian) {
            (8, Endian::Little) => m.walk::<8, false>(abi),
            (8, Endian::Big) => m.walk::<8, true>(abi),
            (4, Endian::Little) => m.walk::<4, false>(abi),
            (4, Endian::Big) => m.walk::<4, true>(abi),
            _ => m.walk_any(abi),
        }
        m
    }

    /// Keep the first problem.
    #[inline]
    pub(super) fn note(&mut self, e: Error) {
        if self.problem.is_none() {
            self.problem = Some(e);
        }
    }

    /// The walk of [`Records`], for a `cmsghdr` layout fixed at compile time, decoding the
    /// common records straight into the message (the others go through [`Record::decode`]).
    /// Same records, same errors, same order as the generic walk ([`Message::walk_any`]).
    #[inline]
    pub(super) fn walk<const W: usize, const BE: bool>(&mut self, abi: &Abi) {
        let mut pos = 0;
        loop {
            match cmsg::step_fixed::<W, BE>(self.control, pos) {
                Ok(Some((c, next))) => {
                    pos = next;
                    if let Err(e) = self.take_cmsg::<BE>(c, abi) {
                        self.note(e);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    self.note(e);
                    break;
                }
            }
        }
    }

    /// The walk for an ABI with an unusual word size: [`Record::decode`] on each record,
    /// the same decoding the fixed walk's rare records go through.
    pub(super) fn walk_any(&mut self, abi: &Abi) {
        for c in Cmsgs::new(self.control, *abi) {
            match c.and_then(|c| Ok((c.offset, Record::decode(c, abi)?))) {
                Ok((offset, r)) => self.take(r, offset),
                Err(e) => self.note(e),
            }
        }
    }

    /// Keep a decoded record found at `offset`: the error, a common companion, or note
    /// where a rare one is.
    #[inline]
    pub(super) fn take(&mut self, r: Record<'a>, offset: usize) {
        let c = &mut self.common;
        match r {
            Record::Error(level, e) => self.error = Some((level, e)),
            Record::Timestamping(t) => c.timestamping = Some(t),
            Record::Ttl(v) => c.ttl = Some(v),
            Record::Tos(v) => c.tos = Some(v),
            Record::Pktinfo(p) => c.pktinfo = Some(p),
            Record::HopLimit(v) => c.hop_limit = Some(v),
            other => {
                c.rare.any = true;
                c.rare.note(&other, offset);
            }
        }
    }

    /// [`Record::decode`] then [`Message::take`], with the common records decoded in place.
    #[inline(always)]
    pub(super) fn take_cmsg<const BE: bool>(
        &mut self,
        c: Cmsg<'a>,
        abi: &Abi,
    ) -> Result<(), Error> {
        let e = if BE { Endian::Big } else { Endian::Little };
        let d = c.data;
        let offset = c.offset;
        let comp = &mut self.common;
        let numbers = &abi.socket;
        // The socket level, where a hand-made ABI does not put it on a fixed level (those
        // win in `Record::decode`).
        let sol_socket =
            !matches!(c.level, SOL_IP | SOL_IPV6 | SOL_PACKET) && c.level == numbers.sol_socket;
        match (c.level, c.kind) {
            (SOL_IP, IP_RECVERR) => {
                self.error = Some((Level::IP, ExtendedError::decode_in(d, e, abi.errno)?));
            }
            (SOL_IPV6, IPV6_RECVERR) => {
                self.error = Some((Level::IPV6, ExtendedError::decode_in(d, e, abi.errno)?));
            }
            (SOL_IP, IP_TTL) => comp.ttl = Some(record::int(d, e)?),
            (SOL_IP, IP_TOS) => comp.tos = Some(record::tos(d)?),
            (SOL_IP, IP_PKTINFO) => comp.pktinfo = Some(InPktinfo::decode_in(d, e)?),
            (SOL_IPV6, IPV6_HOPLIMIT) => comp.hop_limit = Some(record::int(d, e)?),
            (_, t) if sol_socket && t == numbers.timestamping_old => {
                comp.timestamping = Some(ScmTimestamping::decode_fixed::<BE>(
                    d,
                    Layout::Old,
                    abi.time_t,
                )?);
            }
            (_, t) if sol_socket && t == numbers.timestamping_new => {
                comp.timestamping = Some(ScmTimestamping::decode_fixed::<BE>(
                    d,
                    Layout::New,
                    abi.time_t,
                )?);
            }
            _ => {
                // A rare record (the other families' error records among them): decoded by
                // `Record::decode`, then only noted (`take`); its accessor decodes it again.
                let r = rare_record(c.level, c.kind, c.len, offset, d, abi)?;
                self.take(r, offset);
            }
        }
        Ok(())
    }
}

/// [`Record::decode`] for the walk's rare records, out of line and taking the `cmsghdr`
/// fields as scalars: the common path then never stores a [`Cmsg`] to memory.
#[cold]
#[inline(never)]
fn rare_record<'a>(
    level: i32,
    kind: i32,
    len: u64,
    offset: usize,
    data: &'a [u8],
    abi: &Abi,
) -> Result<Record<'a>, Error> {
    Record::decode(
        Cmsg {
            level,
            kind,
            len,
            offset,
            data,
        },
        abi,
    )
}
