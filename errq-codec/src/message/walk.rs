//! The one-pass walk behind [`Message::decode`]: the walk of [`Records`], monomorphized per
//! `cmsghdr` layout (word size, byte order), each record kept as it is decoded.

use super::*;
use crate::abi::Width;
use crate::cmsg::layout::{with_layout, CmsgLayout};
use crate::record::Keep;

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
        with_layout!(abi, L => m.walk::<L>(abi));
        m
    }

    /// Keep the first problem.
    #[inline]
    pub(super) fn note(&mut self, e: Error) {
        if self.problem.is_none() {
            self.problem = Some(e);
        }
    }

    /// The walk of [`Records`] for a `cmsghdr` layout fixed at compile time: the same
    /// step ([`cmsg::layout::step`]) and the same record decoder
    /// ([`Record::decode_into`]), which hands the everyday records to the message
    /// ([`Keeper`]: the error, `IP_PKTINFO` and `SO_TIMESTAMPING` are kept as their checked
    /// bytes, the small values as values).
    #[inline]
    pub(super) fn walk<L: CmsgLayout>(&mut self, abi: &Abi) {
        let mut pos = 0;
        loop {
            match cmsg::layout::step::<L>(self.control, pos) {
                Ok(Some((c, next))) => {
                    pos = next;
                    let keep = Keeper {
                        m: self,
                        at: c.offset,
                        data: c.data,
                        time_t: abi.time_t,
                    };
                    if let Err(e) = Record::decode_into::<L::Order, _>(c, abi, keep) {
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

    /// Keep a decoded record found at `offset`: the error, a common companion, or note
    /// where a rare one is.
    #[inline(always)]
    pub(super) fn take(&mut self, r: Record<'a>, offset: usize, data: &'a [u8]) {
        let c = &mut self.common;
        match r {
            Record::Error(level, _) => self.error = Some((level, data)),
            Record::Timestamping(t) => {
                c.timestamping = TimestampingAt::new(data, t.layout, self.abi.get().time_t);
            }
            Record::Ttl(v) => c.ttl = Some(v),
            Record::Tos(v) => c.tos = Some(v),
            Record::Pktinfo(_) => c.pktinfo = Some(data),
            Record::HopLimit(v) => c.hop_limit = Some(v),
            other => {
                c.rare.any = true;
                c.rare.note(&other, offset);
            }
        }
    }
}

/// How the message keeps what [`Record::decode_into`] decodes: the everyday records in its
/// fields, any other through [`Message::take`] (which notes where it is).
struct Keeper<'m, 'a> {
    m: &'m mut Message<'a>,
    /// Where the record's `cmsghdr` is.
    at: usize,
    /// The record's data.
    data: &'a [u8],
    /// The ABI's `time_t`.
    time_t: Width,
}

impl<'a> Keep<'a> for Keeper<'_, 'a> {
    type Out = ();
    #[inline(always)]
    fn record(self, r: Record<'a>) {
        self.m.take(r, self.at, self.data);
    }
    #[inline(always)]
    fn error(self, level: Level, _: ExtendedError<'a>) {
        self.m.error = Some((level, self.data));
    }
    #[inline(always)]
    fn ttl(self, v: i32) {
        self.m.common.ttl = Some(v);
    }
    #[inline(always)]
    fn tos(self, v: u8) {
        self.m.common.tos = Some(v);
    }
    #[inline(always)]
    fn pktinfo(self, _: InPktinfo) {
        self.m.common.pktinfo = Some(self.data);
    }
    #[inline(always)]
    fn hop_limit(self, v: i32) {
        self.m.common.hop_limit = Some(v);
    }
    #[inline(always)]
    fn timestamping(self, t: ScmTimestamping) {
        self.m.common.timestamping = TimestampingAt::new(self.data, t.layout, self.time_t);
    }
}
