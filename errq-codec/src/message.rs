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
use core::net::{IpAddr, SocketAddr};

use crate::abi::{Abi, Endian};
use crate::addr;
use crate::cmsg::{self, Cmsg};
use crate::ee::{ExtendedError, Origin};
use crate::error::Error;
use crate::ext::Extension;
use crate::meaning::Meaning;
use crate::optstats::NlAttrs;
use crate::payload::{self, Payload, PayloadKind};
use crate::record::consts::{
    IPV6_HOPLIMIT, IPV6_RECVERR, IP_PKTINFO, IP_RECVERR, IP_TOS, IP_TTL, SOL_IP, SOL_IPV6,
    SOL_PACKET,
};
use crate::record::{self, ErrorLevel, In6Pktinfo, InPktinfo, Ip6Mtuinfo, Record, Records};
use crate::timestamp::{Layout, ScmTimestamping, Timespec, Timeval};

mod walk;

/// `MSG_ERRQUEUE`.
pub const MSG_ERRQUEUE: i32 = 0x2000;
/// `MSG_CTRUNC`: the control buffer was too small.
pub const MSG_CTRUNC: i32 = 0x8;
/// `MSG_TRUNC`: the payload was longer than the buffer.
pub const MSG_TRUNC: i32 = 0x20;

/// The companion records of a message, each the last one of its kind (the kernel sends at
/// most one of each). [`Message::companions`] builds one on demand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Companions<'a> {
    /// `SO_TIMESTAMPING` (old or new).
    pub timestamping: Option<ScmTimestamping>,
    /// `SO_TIMESTAMP` (old or new).
    pub timestamp: Option<(Layout, Timeval)>,
    /// `SO_TIMESTAMPNS` (old or new).
    pub timestampns: Option<(Layout, Timespec)>,
    /// `SCM_TIMESTAMPING_OPT_STATS`.
    pub opt_stats: Option<NlAttrs<'a>>,
    /// `IP_TTL`: the TTL of the ICMP packet.
    pub ttl: Option<i32>,
    /// `IP_TOS`: the TOS of the ICMP packet.
    pub tos: Option<u8>,
    /// `IP_PKTINFO`.
    pub pktinfo: Option<InPktinfo>,
    /// `IP_RECVOPTS`.
    pub recv_opts: Option<&'a [u8]>,
    /// `IP_RETOPTS`.
    pub ret_opts: Option<&'a [u8]>,
    /// `IP_ORIGDSTADDR` / `IPV6_ORIGDSTADDR`.
    pub orig_dst: Option<SocketAddr>,
    /// `IP_CHECKSUM`.
    pub checksum: Option<u32>,
    /// `IP_RECVFRAGSIZE` / `IPV6_RECVFRAGSIZE`.
    pub frag_size: Option<i32>,
    /// `IPV6_PKTINFO`.
    pub pktinfo6: Option<In6Pktinfo>,
    /// `IPV6_HOPLIMIT`: the hop limit of the ICMPv6 packet.
    pub hop_limit: Option<i32>,
    /// `IPV6_TCLASS`.
    pub tclass: Option<i32>,
    /// `IPV6_FLOWINFO`.
    pub flowinfo: Option<u32>,
    /// `IPV6_PATHMTU`.
    pub path_mtu: Option<Ip6Mtuinfo>,
    /// How many records were not one of the above (see [`Message::records`]).
    pub others: usize,
}

impl<'a> Companions<'a> {
    #[inline]
    fn take(&mut self, r: Record<'a>) {
        let c = self;
        match r {
            Record::Error(..) => {}
            Record::Timestamping(t) => c.timestamping = Some(t),
            Record::Timestamp(l, t) => c.timestamp = Some((l, t)),
            Record::TimestampNs(l, t) => c.timestampns = Some((l, t)),
            Record::OptStats(a) => c.opt_stats = Some(a),
            Record::Ttl(v) => c.ttl = Some(v),
            Record::Tos(v) => c.tos = Some(v),
            Record::Pktinfo(p) => c.pktinfo = Some(p),
            Record::RecvOpts(o) => c.recv_opts = Some(o),
            Record::RetOpts(o) => c.ret_opts = Some(o),
            Record::OrigDstAddr(a) => c.orig_dst = Some(a.into()),
            Record::OrigDstAddr6(a) => c.orig_dst = Some(a.into()),
            Record::Checksum(v) => c.checksum = Some(v),
            Record::FragSize(v) | Record::FragSize6(v) => c.frag_size = Some(v),
            Record::Pktinfo6(p) => c.pktinfo6 = Some(p),
            Record::HopLimit(v) => c.hop_limit = Some(v),
            Record::TrafficClass(v) => c.tclass = Some(v),
            Record::FlowInfo(v) => c.flowinfo = Some(v),
            Record::PathMtu(m) => c.path_mtu = Some(m),
            Record::Other(_) => c.others = c.others.saturating_add(1),
        }
    }
}

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
    error: Option<(ErrorLevel, ExtendedError<'a>)>,
    common: Common,
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

/// The companions that nearly every message that has any carries, decoded during the walk.
/// The others (and the count of unknown records) are decoded again from the control bytes
/// only when [`Message::companions`] is asked for, so a `Message` stays small: it is built
/// and moved on every message of a drain.
#[derive(Clone, Copy, Debug, Default)]
struct Common {
    ttl: Option<i32>,
    tos: Option<u8>,
    pktinfo: Option<InPktinfo>,
    hop_limit: Option<i32>,
    timestamping: Option<ScmTimestamping>,
    /// Whether the control buffer holds any other record (a rarer companion or an unknown
    /// record), decoded or not.
    rare: bool,
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
    /// whole.
    #[must_use]
    pub const fn error(&self) -> Option<&ExtendedError<'a>> {
        match &self.error {
            Some((_, e)) => Some(e),
            None => None,
        }
    }

    /// Which control message carried the error.
    #[must_use]
    pub fn error_level(&self) -> Option<ErrorLevel> {
        self.error.map(|(l, _)| l)
    }

    /// What the error means, by origin; a transmit timestamp comes with the timestamps of
    /// the message's `SO_TIMESTAMPING` record.
    #[must_use]
    #[inline]
    pub fn meaning(&self) -> Option<Meaning> {
        self.error.as_ref().map(|(_, e)| match Meaning::of(&e.ee) {
            Meaning::Timestamp(mut t) => {
                t.timestamps = self.common.timestamping;
                Meaning::Timestamp(t)
            }
            other => other,
        })
    }

    /// The offender: the router or host that sent the ICMP error.
    #[must_use]
    #[inline]
    pub fn offender(&self) -> Option<SocketAddr> {
        self.error.as_ref().and_then(|(_, e)| e.offender())
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
            timestamping: h.timestamping,
            ttl: h.ttl,
            tos: h.tos,
            pktinfo: h.pktinfo,
            hop_limit: h.hop_limit,
            ..Companions::default()
        };
        if h.rare {
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
    pub const fn pktinfo(&self) -> Option<InPktinfo> {
        self.common.pktinfo
    }

    /// `IPV6_HOPLIMIT`: the hop limit of the ICMPv6 packet, if the socket asked for it.
    #[must_use]
    pub const fn hop_limit(&self) -> Option<i32> {
        self.common.hop_limit
    }

    /// The timestamps of a transmit timestamp: the `SO_TIMESTAMPING` record.
    #[must_use]
    pub const fn timestamping(&self) -> Option<&ScmTimestamping> {
        self.common.timestamping.as_ref()
    }

    /// The TTL or hop limit of the ICMP packet (`IP_TTL` or `IPV6_HOPLIMIT`), if the socket
    /// asked for it.
    #[must_use]
    pub fn icmp_ttl(&self) -> Option<i32> {
        self.common.ttl.or(self.common.hop_limit)
    }

    /// The first problem met while decoding the control buffer: a broken `cmsghdr` (which
    /// ended the walk) or a record too short for its type (e.g. the error the kernel cut
    /// short under `MSG_CTRUNC`). Records before it were decoded.
    #[must_use]
    pub const fn problem(&self) -> Option<Error> {
        self.problem
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
        match &self.error {
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
    /// For routers that predate RFC 4884, see [`payload::find_compat_extension`].
    #[must_use]
    pub fn extension(&self) -> Option<Result<Extension<'a>, Error>> {
        payload::split_rfc4884(self.payload, self.rfc4884_len()).1
    }

    /// The quoted original datagram (before any extension), interpreted for the kind of
    /// socket the message was read from.
    ///
    /// # Errors
    /// Those of [`Payload::parse`].
    pub fn quoted(&self, kind: PayloadKind) -> Result<Payload<'a>, Error> {
        Payload::parse(self.original(), kind)
    }

    /// What a traceroute needs to match this error to the probe that caused it.
    #[must_use]
    pub fn probe(&self, kind: PayloadKind) -> Probe<'a> {
        let quoted = self.quoted(kind).ok();
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

/// A probe and the hop that answered it, as [`Message::probe`] finds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe<'a> {
    /// The probe's destination address and port (`msg_name`).
    pub destination: Option<SocketAddr>,
    /// The hop that sent the ICMP error (the offender, v4-mapped addresses unmapped).
    pub hop: Option<IpAddr>,
    /// The TTL or hop limit the ICMP error arrived with (`IP_TTL` / `IPV6_HOPLIMIT`), for
    /// path asymmetry.
    pub icmp_ttl: Option<i32>,
    /// Source and destination ports quoted in the payload (TCP, raw IP).
    pub ports: Option<(u16, u16)>,
    /// Echo identifier and sequence number quoted in the payload (ping and raw ICMP
    /// sockets).
    pub echo: Option<(u16, u16)>,
    /// The probe's application data as quoted (UDP payload, data after the echo header).
    pub data: Option<&'a [u8]>,
}

impl fmt::Display for Message<'_> {
    /// One line, the way a network engineer reads it, e.g. `ICMP time exceeded (TTL
    /// exceeded in transit) from 198.18.1.1 for 198.18.2.2:33434, errno EHOSTUNREACH,
    /// TTL 64`. Nothing is allocated. The destination is printed as the kernel gave it: an
    /// IPv4 LOCAL error on an unconnected socket shows port `:0` (see
    /// [`Message::destination`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((_, e)) = &self.error else {
            f.write_str("no error record")?;
            if self.control_truncated() {
                f.write_str(" (control truncated)")?;
            }
            if let Some(p) = self.problem {
                write!(f, " ({p})")?;
            }
            return Ok(());
        };
        let meaning = Meaning::of(&e.ee);
        write!(f, "{meaning}")?;
        if let Some(o) = e.offender() {
            write!(f, " from {}", o.ip())?;
        }
        if let Some(d) = self.destination() {
            write!(f, " for {d}")?;
        }
        if let Some(errno) = meaning.errno() {
            write!(f, ", errno {errno}")?;
        }
        if let Some(t) = self.common.ttl {
            write!(f, ", TTL {t}")?;
        }
        if let Some(t) = self.common.hop_limit {
            write!(f, ", hop limit {t}")?;
        }
        if let Some(ts) = self
            .common
            .timestamping
            .and_then(|t| t.software().or(t.hardware()))
        {
            write!(f, ", at {ts}")?;
        }
        if self.control_truncated() {
            f.write_str(", control truncated")?;
        }
        if self.payload_truncated() {
            f.write_str(", payload truncated")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmsg::CmsgWriter;
    use crate::ee::{Origin, SockExtendedErr};
    use crate::errno::{Errno, ErrnoNumbering};
    use crate::error::Structure;
    use std::string::ToString;

    fn time_exceeded(abi: &Abi, buf: &mut [u8]) -> usize {
        let mut w = CmsgWriter::new(buf, *abi);
        w.put_cmsg(0, 2, &abi.endian.u32_bytes(63));
        let ee = SockExtendedErr::new(
            Errno::from_name("EHOSTUNREACH", abi.errno).unwrap(),
            Origin::ICMP,
            11,
            0,
            0,
            0,
            abi.endian,
        );
        let mut d = [0u8; 32];
        ee.encode(abi.endian, &mut d).unwrap();
        addr::encode(&"198.18.1.1:0".parse().unwrap(), abi.endian, &mut d[16..]).unwrap();
        w.put_cmsg(0, 11, &d);
        w.len()
    }

    #[test]
    fn display_reads_like_tracepath() {
        for abi in Abi::PRESETS {
            let mut buf = [0u8; 128];
            let n = time_exceeded(abi, &mut buf);
            let mut name = [0u8; 16];
            addr::encode(&"198.18.2.2:33434".parse().unwrap(), abi.endian, &mut name).unwrap();
            let m = Message::decode_with(abi, &buf[..n], MSG_ERRQUEUE, &name, &[]);
            assert_eq!(
                m.to_string(),
                "ICMP time exceeded (TTL exceeded in transit) from 198.18.1.1 for 198.18.2.2:33434, errno EHOSTUNREACH, TTL 63",
                "{}",
                abi.name
            );
            assert_eq!(m.problem(), None);
            assert_eq!(m.icmp_ttl(), Some(63));
        }
    }

    /// The fixed-layout walk of `decode_with` gives exactly what the generic walk over
    /// `Records` gives, for every preset ABI and every cut of a buffer holding every kind
    /// of record (the cut ones short, bad headers, garbage tails).
    #[test]
    fn fixed_walk_equals_the_generic_walk() {
        use crate::record::consts::{IPV6_PKTINFO, IPV6_TCLASS};
        use crate::timestamp::Timespec;
        // Miri is ~1000x slower: a few ABIs (both layouts, both byte orders) and every 23rd cut.
        let (abis, every) = if cfg!(miri) {
            (&[Abi::X86_64, Abi::I686, Abi::S390X, Abi::MIPS][..], 23)
        } else {
            (Abi::PRESETS, 1)
        };
        for abi in abis {
            let s = abi.socket;
            let mut buf = [0u8; 512];
            let mut w = CmsgWriter::new(&mut buf, *abi);
            w.put_cmsg(SOL_IP, IP_TTL, &abi.endian.u32_bytes(63));
            w.put_cmsg(SOL_IP, IP_TOS, &[0x10]);
            w.put_cmsg(SOL_IP, IP_PKTINFO, &[7, 0, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
            w.put_cmsg(SOL_IPV6, IPV6_HOPLIMIT, &abi.endian.u32_bytes(9));
            w.put_cmsg(SOL_IPV6, IPV6_TCLASS, &abi.endian.u32_bytes(3));
            w.put_cmsg(SOL_IPV6, IPV6_PKTINFO, &[1; 20]);
            w.put_cmsg(SOL_IP, 99, &[1, 2, 3]);
            let ts = ScmTimestamping {
                ts: [Timespec { sec: 5, nsec: 6 }; 3],
                layout: Layout::Old,
            };
            let mut tb = [0u8; 48];
            let n = ts.encode(abi, &mut tb).unwrap();
            w.put_cmsg(s.sol_socket, s.timestamping_old, &tb[..n]);
            w.put_cmsg(s.sol_socket, s.timestamping_new, &[0; 48]);
            w.put_cmsg(s.sol_socket, s.timestamp_old, &[0; 16]);
            let n = w.len();
            let m = time_exceeded(abi, &mut buf[n..]);
            let end = n + m;
            for cut in (0..=end).step_by(every) {
                for tail in [0u8, 0xff] {
                    let mut b = buf;
                    b[cut..].fill(tail);
                    let fast = Message::decode_with(abi, &b[..end], 0, &[], &[]);
                    let mut slow = Message::decode_with(abi, &b[..end], 0, &[], &[]);
                    slow.error = None;
                    slow.common = Common::default();
                    slow.problem = None;
                    slow.walk_any(abi);
                    assert_eq!(fast.error, slow.error, "{} cut {cut}", abi.name);
                    assert_eq!(
                        fast.companions(),
                        slow.companions(),
                        "{} cut {cut}",
                        abi.name
                    );
                    assert_eq!(fast.common.rare, slow.common.rare, "{} cut {cut}", abi.name);
                    // The companions as the walk before this one kept them.
                    let mut old = Companions::default();
                    for r in Records::new(&b[..end], *abi).flatten() {
                        old.take(r);
                    }
                    assert_eq!(fast.companions(), old, "{} cut {cut}", abi.name);
                    assert_eq!(fast.problem, slow.problem, "{} cut {cut}", abi.name);
                }
            }
        }
    }

    #[test]
    fn ctrunc_keeps_the_companion_and_reports_the_cut() {
        let abi = Abi::X86_64;
        let mut full = [0u8; 128];
        let n = time_exceeded(&abi, &mut full);
        assert_eq!(n, 72);
        // The kernel with a 40-byte control buffer: TTL whole, the error cut to 16 bytes.
        let mut buf = [0u8; 40];
        let n2 = time_exceeded(&abi, &mut buf);
        let m = Message::decode_with(&abi, &buf[..n2], MSG_ERRQUEUE | MSG_CTRUNC, &[], &[]);
        assert_eq!(m.companions().ttl, Some(63));
        assert!(m.error().is_none());
        assert!(m.control_truncated());
        assert_eq!(
            m.problem(),
            Some(Error::truncated(Structure::ExtendedErr, 16, 0))
        );
        assert_eq!(
            m.to_string(),
            "no error record (control truncated) (sock_extended_err truncated: needs 16 bytes, 0 available)"
        );
        let _ = ErrnoNumbering::Generic;
    }
}
