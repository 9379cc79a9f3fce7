//! One error-queue message, decoded in one pass: the error, its companions, the original
//! destination and what was truncated.
//!
//! ```
//! use errq_codec::abi::Abi;
//! use errq_codec::message::Message;
//!
//! // A real x86_64 capture: UDP to a closed port on 127.0.0.1 with IP_RECVTTL.
//! let control = [
//!     20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0,
//!     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0,
//!     111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
//!     2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
//! ];
//! let name = [2, 0, 0, 9, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
//! let m = Message::decode_with(&Abi::X86_64, &control, 0x2000, &name, b"ping");
//! assert_eq!(
//!     m.to_string(),
//!     "ICMP destination unreachable (port unreachable) from 127.0.0.1 for 127.0.0.1:9, \
//!      errno ECONNREFUSED, TTL 64"
//! );
//! assert_eq!(m.companions().ttl, Some(64));
//! ```

use core::fmt;
use core::net::SocketAddr;

use crate::abi::{with_order, Abi, Width};
use crate::addr;
use crate::cmsg::{self, Cmsgs};
use crate::ee::{ExtendedError, Origin};
use crate::error::Error;
use crate::ext::Extension;
use crate::level::Level;
use crate::meaning::{Context, Meaning};
use crate::optstats::OptStats;
use crate::payload::{self, Payload, PayloadKind};
use crate::record::{In6Pktinfo, InPktinfo, Record, Records};
use crate::timestamp::{Layout, ScmTimestamping};

mod companions;
mod display;
mod kept;
mod kind;
mod probe;
mod walk;

use kept::{Common, TimestampingAt};

pub use companions::Companions;
pub use probe::Probe;

pub use crate::consts::{MSG_CTRUNC, MSG_ERRQUEUE, MSG_TRUNC};

/// One error-queue message; see the [module docs](self).
///
/// ```
/// use errq_codec::abi::Abi;
/// use errq_codec::message::Message;
///
/// // A real x86_64 capture: UDP to a closed port on 127.0.0.1 with IP_RECVTTL.
/// let control = [
///     20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, // IP_TTL 64
///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, // IP_RECVERR
///     111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ECONNREFUSED, ICMP 3/3
///     2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, // offender 127.0.0.1
/// ];
/// let name = [2, 0, 0, 9, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]; // 127.0.0.1:9
/// let m = Message::decode_with(&Abi::X86_64, &control, 0x2000, &name, b"ping");
/// assert_eq!(m.error().map(|e| e.ee.errno.raw), Some(111));
/// assert_eq!(m.offender(), Some("127.0.0.1:0".parse().unwrap()));
/// assert_eq!(m.destination(), Some("127.0.0.1:9".parse().unwrap()));
/// assert_eq!(m.ttl(), Some(64));
/// assert_eq!(m.payload(), b"ping");
/// assert_eq!(m.problem(), None);
/// assert!(!m.control_truncated() && !m.payload_truncated());
/// ```
#[derive(Clone, Debug)]
pub struct Message<'a> {
    abi: AbiSlot,
    control: &'a [u8],
    flags: i32,
    name: &'a [u8],
    payload: &'a [u8],
    /// The error record: its level and its data (at least the 16 bytes of the
    /// `sock_extended_err`: the walk checked), decoded again by each accessor. Keeping the
    /// bytes costs the walk three words where the decoded error cost ten.
    error: Option<(Level, &'a [u8])>,
    common: Common<'a>,
    problem: Option<Error>,
}

/// The ABI a message was decoded with: the native one is not copied into every message
/// (and the walk sees it as a constant).
#[derive(Clone, Copy)]
enum AbiSlot {
    /// [`Abi::NATIVE`] ([`Message::decode`]).
    Native,
    /// Any other (as given to [`Message::decode_with`]).
    Given(Abi),
}

impl AbiSlot {
    #[inline]
    const fn get(&self) -> &Abi {
        match self {
            Self::Native => &Abi::NATIVE,
            Self::Given(abi) => abi,
        }
    }
}

impl fmt::Debug for AbiSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.get().fmt(f)
    }
}

impl<'a> Message<'a> {
    /// Decode a message written for the native ABI: the control bytes (`msg_controllen`
    /// long), `msg_flags`, the `msg_name` bytes (`msg_namelen` long) and the payload bytes
    /// `recvmsg` returned. Never fails: problems are kept in the view ([`Message::problem`]).
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::message::{Message, MSG_CTRUNC, MSG_ERRQUEUE};
    ///
    /// // What the kernel leaves for the native ABI when the control buffer is too small for
    /// // the error record (the udp4_ctrunc_24 capture): IP_TTL whole, then IP_RECVERR cut to
    /// // the buffer by put_cmsg, and MSG_CTRUNC. Built here the way put_cmsg writes it.
    /// let mut control = [0u8; 24];
    /// let mut w = errq_codec::cmsg::CmsgWriter::new(&mut control, Abi::NATIVE);
    /// w.put_cmsg(0, 2, &64i32.to_ne_bytes()); // SOL_IP, IP_TTL
    /// w.put_cmsg(0, 11, &[0u8; 32]); // SOL_IP, IP_RECVERR: does not fit
    /// let n = w.len();
    /// let m = Message::decode(&control[..n], MSG_ERRQUEUE | MSG_CTRUNC, &[], &[]);
    /// assert!(m.control_truncated());
    /// assert!(m.error().is_none()); // the error record was cut: what is missing is said
    /// assert_eq!(m.ttl(), Some(64)); // and the records before it are kept
    /// assert_eq!(m.to_string().starts_with("no error record (control truncated)"), true);
    /// ```
    #[must_use]
    #[inline]
    pub fn decode(control: &'a [u8], msg_flags: i32, name: &'a [u8], payload: &'a [u8]) -> Self {
        Self::decode_in(
            AbiSlot::Native,
            &Abi::NATIVE,
            control,
            msg_flags,
            name,
            payload,
        )
    }

    /// [`Message::decode`] for a capture made on another ABI.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::message::Message;
    ///
    /// // A real x86_64 capture: UDP to a closed port on 127.0.0.1 with IP_RECVTTL.
    /// let control = [
    ///     20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, // IP_TTL 64
    ///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, // IP_RECVERR
    ///     111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ECONNREFUSED, ICMP 3/3
    ///     2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, // offender 127.0.0.1
    /// ];
    /// let name = [2, 0, 0, 9, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]; // 127.0.0.1:9
    /// // Decoded on any host, whatever its own ABI.
    /// let m = Message::decode_with(&Abi::X86_64, &control, 0x2000, &name, &[]);
    /// assert_eq!(
    ///     m.to_string(),
    ///     "ICMP destination unreachable (port unreachable) from 127.0.0.1 for 127.0.0.1:9, \
    ///      errno ECONNREFUSED, TTL 64"
    /// );
    /// // The same bytes read as a 32-bit ABI are not an error record: the view says so.
    /// let wrong = Message::decode_with(&Abi::I686, &control, 0x2000, &name, &[]);
    /// assert!(wrong.error().is_none());
    /// ```
    #[must_use]
    #[inline]
    pub fn decode_with(
        abi: &Abi,
        control: &'a [u8],
        msg_flags: i32,
        name: &'a [u8],
        payload: &'a [u8],
    ) -> Self {
        Self::decode_in(AbiSlot::Given(*abi), abi, control, msg_flags, name, payload)
    }

    /// The ABI the message was decoded with.
    #[must_use]
    pub const fn abi(&self) -> &Abi {
        self.abi.get()
    }

    /// The extended error (the last record of an error-queue message), if it was there
    /// whole. Decoded from the control bytes on each call (a few loads).
    #[must_use]
    #[inline]
    pub fn error(&self) -> Option<ExtendedError<'a>> {
        self.err().map(|(_, e)| e)
    }

    /// Which level (and so which family) the error record came under.
    #[must_use]
    pub fn error_level(&self) -> Option<Level> {
        self.error.map(|(l, _)| l)
    }

    /// The error record's level and the error, decoded from the bytes the walk kept.
    #[inline(always)]
    fn err(&self) -> Option<(Level, ExtendedError<'a>)> {
        let (level, data) = self.error?;
        let abi = self.abi.get();
        // Cannot fail: the walk kept the data only after decoding it.
        ExtendedError::decode_in(data, abi.endian, abi.errno)
            .ok()
            .map(|e| (level, e))
    }

    /// What the error means ([`Meaning::read`] with this message's records): by origin in
    /// the light of its level; a transmit timestamp comes with the timestamps of the
    /// message's `SO_TIMESTAMPING` record, a J1939 report with those and its typed
    /// `J1939_NLA_*` statistics.
    #[must_use]
    #[inline]
    pub fn meaning(&self) -> Option<Meaning> {
        self.err().map(|(l, e)| {
            let context = Context {
                timestamping: self.timestamping(),
                opt_stats: self.opt_stats(),
            };
            Meaning::read(l, &e.ee, context)
        })
    }

    /// The offender: the router or host that sent the ICMP error.
    #[must_use]
    #[inline]
    pub fn offender(&self) -> Option<SocketAddr> {
        self.err().and_then(|(_, e)| e.offender())
    }

    /// The companion records, each the last one of its kind.
    ///
    /// Built on demand: `IP_TTL`, `IP_TOS`, `IP_PKTINFO`, `IPV6_HOPLIMIT` and
    /// `SO_TIMESTAMPING` were decoded by [`Message::decode`]; when the message holds any
    /// other record, the control bytes are walked again for them (and for
    /// [`Companions::others`]). Records that could not be decoded are left out, as
    /// [`Message::problem`] says.
    #[must_use]
    pub fn companions(&self) -> Companions<'a> {
        let h = &self.common;
        let mut c = Companions {
            timestamping: self.timestamping(),
            ttl: h.ttl,
            tos: h.tos,
            pktinfo: self.pktinfo(),
            hop_limit: h.hop_limit,
            ..Companions::default()
        };
        if h.rare.any {
            c = Companions::default();
            for r in self.records().flatten() {
                c.take(r);
            }
        }
        c
    }

    /// `IP_TTL`: the TTL of the ICMP packet, if the socket asked for it.
    #[must_use]
    pub const fn ttl(&self) -> Option<i32> {
        self.common.ttl
    }

    /// `IP_TOS`: the TOS of the ICMP packet, if the socket asked for it.
    #[must_use]
    pub const fn tos(&self) -> Option<u8> {
        self.common.tos
    }

    /// `IP_PKTINFO`, if the socket asked for it.
    #[must_use]
    #[inline]
    pub fn pktinfo(&self) -> Option<InPktinfo> {
        // Cannot fail: the walk kept the data only after decoding it.
        InPktinfo::decode_in(self.common.pktinfo?, self.abi.get().endian).ok()
    }

    /// `IPV6_HOPLIMIT`: the hop limit of the ICMPv6 packet, if the socket asked for it.
    #[must_use]
    pub const fn hop_limit(&self) -> Option<i32> {
        self.common.hop_limit
    }

    /// `IPV6_TCLASS`: the traffic class of the ICMPv6 packet, if the socket asked for it
    /// (the IPv6 twin of [`Message::tos`]).
    #[must_use]
    pub fn tclass(&self) -> Option<i32> {
        self.rare(self.common.rare.tclass, |r| match r {
            Record::TrafficClass(v) => Some(v),
            _ => None,
        })
    }

    /// `IPV6_PKTINFO`, if the socket asked for it (the IPv6 twin of
    /// [`Message::pktinfo`]).
    #[must_use]
    pub fn pktinfo6(&self) -> Option<In6Pktinfo> {
        self.rare(self.common.rare.pktinfo6, |r| match r {
            Record::Pktinfo6(p) => Some(p),
            _ => None,
        })
    }

    /// `SCM_TIMESTAMPING_OPT_STATS`, named by the protocol that sent it: `TCP_NLA_*` under
    /// an IP error record, `J1939_NLA_*` under a J1939 one ([`OptStats`]).
    #[must_use]
    pub fn opt_stats(&self) -> Option<OptStats<'a>> {
        let attrs = self.rare(self.common.rare.opt_stats, |r| match r {
            Record::OptStats(a) => Some(a),
            _ => None,
        })?;
        Some(match self.error_level() {
            Some(l) if l.is_ip() => OptStats::Tcp(attrs),
            Some(Level::CAN_J1939) => OptStats::J1939(attrs),
            _ => OptStats::Unknown(attrs),
        })
    }

    /// The rare record the walk noted at `at` (see [`Rare`]), picked by `pick`.
    fn rare<T>(&self, at: u32, pick: impl Fn(Record<'a>) -> Option<T>) -> Option<T> {
        let abi = *self.abi.get();
        match at {
            0 => None,
            u32::MAX => self.records().flatten().filter_map(pick).last(),
            at => {
                let from = usize::try_from(at.checked_sub(1)?).ok()?;
                let c = Cmsgs::new(self.control.get(from..)?, abi).next()?.ok()?;
                pick(Record::decode(c, &abi).ok()?)
            }
        }
    }

    /// The timestamps of a transmit timestamp: the `SO_TIMESTAMPING` record.
    #[must_use]
    #[inline]
    pub fn timestamping(&self) -> Option<ScmTimestamping> {
        let abi = self.abi.get();
        // Cannot fail: each array holds the layout's three pairs.
        with_order!(abi.endian, O => match self.common.timestamping? {
            TimestampingAt::Wide(b, layout) => ScmTimestamping::decode_as::<O>(b, layout, Width::Eight),
            TimestampingAt::Narrow(b) => ScmTimestamping::decode_as::<O>(b, Layout::Old, Width::Four),
        })
        .ok()
    }

    /// The TTL or hop limit of the ICMP packet (`IP_TTL` or `IPV6_HOPLIMIT`), if the socket
    /// asked for it.
    #[must_use]
    pub fn icmp_ttl(&self) -> Option<i32> {
        self.common.ttl.or(self.common.hop_limit)
    }

    /// The first problem met while decoding: a broken `cmsghdr` (which ended the walk), a
    /// record too short for its type (e.g. the error the kernel cut short under
    /// `MSG_CTRUNC`, or a cut companion), or else an offender the error record cannot hold
    /// ([`ExtendedError::offender_checked`]). Records before it were decoded.
    #[must_use]
    #[inline]
    pub fn problem(&self) -> Option<Error> {
        self.problem.or_else(|| self.offender_problem())
    }

    /// Every problem, in the order of the control buffer: each record that could not be
    /// decoded (the walk goes on after a bad record, and ends at a broken `cmsghdr`), then
    /// a cut or odd offender. Walks the records again; empty when [`Message::problem`] is
    /// `None`.
    pub fn problems(&self) -> impl Iterator<Item = Error> + 'a {
        let walk = self.problem.map(|_| self.records().filter_map(Result::err));
        walk.into_iter().flatten().chain(self.offender_problem())
    }

    /// Why the offender cannot be read, if it cannot: cut short, or naming a family it
    /// cannot hold. `ip_recv_error` always writes a whole `sockaddr_in` after the error,
    /// `ipv6_recv_error` a whole `sockaddr_in6`, even when it is `AF_UNSPEC`: part of one,
    /// or none under `MSG_CTRUNC`, means `put_cmsg` cut the record. (None without
    /// `MSG_CTRUNC` is how kTLS, RDS and ovpn-TCP sockets write `SOL_IP`/`IP_RECVERR`:
    /// through `sock_recv_errqueue`, bare.)
    fn offender_problem(&self) -> Option<Error> {
        let (level, e) = self.err()?;
        let whole = match level {
            Level::IP => addr::SOCKADDR_IN_LEN,
            Level::IPV6 => addr::SOCKADDR_IN6_LEN,
            _ => 0,
        };
        let have = e.offender_bytes.len();
        if have < whole && (have > 0 || self.control_truncated()) {
            return Some(Error::truncated(crate::Structure::Offender, whole, have));
        }
        e.offender_checked().err()
    }

    /// The original destination from `msg_name` (address and port of the datagram that
    /// failed); `None` for timestamp and zerocopy messages (namelen 0) or an undecodable
    /// name.
    ///
    /// **Port 0 on IPv4 LOCAL errors.** For an ICMP error the kernel takes the port from the
    /// quoted transport header. For a LOCAL error (e.g. `EMSGSIZE` over a known path MTU) on
    /// an IPv4 socket it has no packet: `__ip_append_data` (and `raw_send_hdrinc`) call
    /// `ip_local_error(sk, EMSGSIZE, fl4->daddr, inet->inet_dport, mtu)`, which stores the
    /// flow's destination address but the *socket's connected* port, `inet_dport`: 0 on an
    /// unconnected socket, so the destination reads `198.18.2.2:0`. A connected socket gets
    /// its peer's port. IPv6 LOCAL errors (`ipv6_local_error`) take the port from the flow,
    /// `fl6->fl6_dport`, and carry the real one either way.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::message::Message;
    ///
    /// // A real x86_64 capture: a *connected* UDP socket with IP_PMTUDISC_DO sent 1600
    /// // bytes to 198.18.1.2:33438 over a 1500-byte link: LOCAL EMSGSIZE, MTU 1500. The port
    /// // is the connected one; unconnected, port 0 (tests/tests/live_local.rs checks both).
    /// let control = [
    ///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, // SOL_IP, IP_RECVERR
    ///     90, 0, 0, 0, 1, 0, 0, 0, 220, 5, 0, 0, 0, 0, 0, 0, // EMSGSIZE, LOCAL, info 1500
    ///     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // no offender (AF_UNSPEC)
    /// ];
    /// let name = [2, 0, 0x82, 0x9e, 198, 18, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0];
    /// let m = Message::decode_with(&Abi::X86_64, &control, 0x2000, &name, &[]);
    /// assert_eq!(m.destination(), Some("198.18.1.2:33438".parse().unwrap()));
    /// assert_eq!(m.meaning().and_then(|x| x.mtu()), Some(1500));
    /// ```
    #[must_use]
    #[inline]
    pub fn destination(&self) -> Option<SocketAddr> {
        addr::decode(self.name, self.abi.get().endian)
            .ok()
            .flatten()
    }

    /// `msg_flags` as returned.
    #[must_use]
    pub const fn flags(&self) -> i32 {
        self.flags
    }

    /// `MSG_CTRUNC`: the control buffer was too small; the last records (the error first)
    /// are missing or cut short.
    #[must_use]
    pub const fn control_truncated(&self) -> bool {
        self.flags & MSG_CTRUNC != 0
    }

    /// `MSG_TRUNC`: the payload was longer than the buffer.
    #[must_use]
    pub const fn payload_truncated(&self) -> bool {
        self.flags & MSG_TRUNC != 0
    }

    /// The control bytes.
    #[must_use]
    pub const fn control(&self) -> &'a [u8] {
        self.control
    }

    /// The `msg_name` bytes.
    #[must_use]
    pub const fn name(&self) -> &'a [u8] {
        self.name
    }

    /// The payload: what the kernel quoted of the datagram (see `crate::payload`).
    #[must_use]
    pub const fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Every record again, typed, unknown ones included.
    #[must_use]
    pub const fn records(&self) -> Records<'a> {
        Records::new(self.control, *self.abi.get())
    }

    /// The RFC 4884 length the kernel reported for an ICMP or ICMPv6 error (0 = none).
    fn rfc4884_len(&self) -> u16 {
        match self.err() {
            Some((_, e)) if matches!(e.ee.origin, Origin::ICMP | Origin::ICMP6) => {
                e.ee.rfc4884().len
            }
            _ => 0,
        }
    }

    /// The payload up to the RFC 4884 extension, if any: what the socket quoted of the
    /// original datagram (zero-padded by the router when it was short).
    #[must_use]
    pub fn original(&self) -> &'a [u8] {
        payload::split_rfc4884(self.payload, self.rfc4884_len()).0
    }

    /// The RFC 4884 extension structure at `ee_rfc4884.len` of the payload (the socket must
    /// have set `IP_RECVERR_RFC4884` / `IPV6_RECVERR_RFC4884`); `None` when the kernel
    /// reported no extension. A bad checksum is not an error here: see
    /// [`Extension::checksum_status`] (and the kernel's `SO_EE_RFC4884_FLAG_INVALID` in
    /// [`crate::ee::Rfc4884::invalid`]).
    ///
    /// For routers that predate RFC 4884 (the structure at offset 128, length 0), see
    /// [`Message::probe_extension`].
    #[must_use]
    pub fn extension(&self) -> Option<Result<Extension<'a>, Error>> {
        payload::split_rfc4884(self.payload, self.rfc4884_len()).1
    }

    /// The payload (before any RFC 4884 extension), read as `kind`.
    ///
    /// # Errors
    /// [`Error::Malformed`] ([`crate::Structure::Payload`],
    /// [`crate::Reason::KindDoesNotApply`]) when `kind` cannot apply to what this message
    /// holds (see [`Message::payload_kind`]): e.g. [`PayloadKind::Tcp`] on a TCP timestamp
    /// with OPT_STATS, whose payload is the statistics; then those of [`Payload::parse`].
    pub fn quoted(&self, kind: PayloadKind) -> Result<Payload<'a>, Error> {
        self.check_kind(kind)?;
        Payload::parse(self.original(), kind)
    }

    /// The payload read as [`Message::payload_kind`] chooses (`socket`: the kind of socket
    /// it came from, when the caller knows it).
    ///
    /// # Errors
    /// Those of [`Payload::parse`].
    pub fn read_payload(&self, socket: Option<PayloadKind>) -> Result<Payload<'a>, Error> {
        Payload::parse(self.original(), self.payload_kind(socket))
    }

    /// What a traceroute needs to match this error to the probe that caused it, the
    /// payload read as `kind`.
    #[must_use]
    pub fn probe(&self, kind: PayloadKind) -> Probe<'a> {
        self.probe_from(self.quoted(kind).ok())
    }

    /// [`Message::probe`] with the payload read as [`Message::payload_kind`] chooses.
    #[must_use]
    pub fn probe_auto(&self, socket: Option<PayloadKind>) -> Probe<'a> {
        self.probe_from(self.read_payload(socket).ok())
    }

    fn probe_from(&self, quoted: Option<Payload<'a>>) -> Probe<'a> {
        Probe {
            destination: self.destination(),
            hop: self.offender().map(|a| crate::addr::unmap(a).ip()),
            icmp_ttl: self.icmp_ttl(),
            ports: quoted.and_then(|q| q.ports()),
            echo: quoted.and_then(|q| q.echo()),
            data: quoted.and_then(|q| q.data()),
        }
    }
}

#[cfg(test)]
mod tests;
