//! What an extended error means, by origin: one value to match on.
//!
//! [`Meaning::of`] reads a [`SockExtendedErr`] the way the kernel filled it for each
//! origin (`ip_icmp_error`/`ipv6_icmp_error` for ICMP, `ip_local_error`/`ipv6_local_error`
//! for LOCAL, `__skb_tstamp_tx`, `__msg_zerocopy_callback`, the etf qdisc's
//! `report_sock_error`): the next-hop MTU of a fragmentation-needed, the pointer of a
//! parameter problem, the OPT_ID key of a timestamp, the counter range of a zerocopy
//! completion, the 64-bit txtime of a dropped `SO_TXTIME` packet. Unknown origins are kept
//! raw.

use core::fmt;

use crate::ee::{
    Origin, Rfc4884, SockExtendedErr, SO_EE_CODE_TXTIME_INVALID_PARAM, SO_EE_CODE_TXTIME_MISSED,
    SO_EE_CODE_ZEROCOPY_COPIED,
};
use crate::errno::{Code, Errno};
use crate::icmp::{Icmpv4Code, Icmpv4Type, Icmpv6Code, Icmpv6Type};
use crate::j1939::J1939Status;
use crate::level::Level;
use crate::optstats::OptStats;
use crate::timestamp::{ScmTimestamping, TstampKind};

/// An error the local stack raised (`SO_EE_ORIGIN_LOCAL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LocalError {
    /// `ee_errno`.
    pub errno: Errno,
    /// `ee_info`: for `EMSGSIZE`, the MTU the send exceeded.
    pub info: u32,
}

impl LocalError {
    /// The MTU the datagram exceeded, for `EMSGSIZE`.
    #[must_use]
    #[inline]
    pub fn mtu(&self) -> Option<u32> {
        self.errno.is_code(Code::EMSGSIZE).then_some(self.info)
    }
}

/// An ICMPv4 error (`SO_EE_ORIGIN_ICMP`; also on a dual-stack IPv6 socket).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IcmpError {
    /// `ee_type`.
    pub kind: Icmpv4Type,
    /// `ee_code`.
    pub code: Icmpv4Code,
    /// `ee_errno`, as the kernel converted the type and code.
    pub errno: Errno,
    /// `ee_info`.
    pub info: u32,
    /// The RFC 4884 view of `ee_data`.
    pub rfc4884: Rfc4884,
}

impl IcmpError {
    /// The next-hop MTU of a fragmentation-needed (type 3 code 4).
    #[must_use]
    #[inline]
    pub fn mtu(&self) -> Option<u32> {
        (self.kind == Icmpv4Type::DEST_UNREACH && self.code == Icmpv4Code::FRAG_NEEDED)
            .then_some(self.info)
    }

    /// The pointer of a parameter problem (type 12): the offset of the bad octet in the
    /// original datagram.
    #[must_use]
    pub fn pointer(&self) -> Option<u32> {
        (self.kind == Icmpv4Type::PARAMETER_PROBLEM).then_some(self.info)
    }

    /// Whether the kernel treats this error as fatal (`icmp_err_convert[].fatal`): a
    /// connected socket reports it through `SO_ERROR`/the next call even without
    /// `IP_RECVERR`.
    #[must_use]
    pub fn is_fatal(&self) -> bool {
        icmpv4_fatal(self.kind, self.code)
    }
}

/// The kernel's verdict for an ICMPv4 type and code (`icmp_err_convert` in
/// `net/ipv4/icmp.c`, and `icmp_err` for time exceeded and parameter problem).
#[must_use]
pub const fn icmpv4_fatal(kind: Icmpv4Type, code: Icmpv4Code) -> bool {
    match kind.0 {
        // Destination unreachable: fatal except net/host unreachable (and their TOS
        // variants), fragmentation needed and source route failed.
        3 => !matches!(code.0, 0 | 1 | 4 | 5 | 11 | 12) && code.0 <= 15,
        // Parameter problem.
        12 => true,
        _ => false,
    }
}

/// An ICMPv6 error (`SO_EE_ORIGIN_ICMP6`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Icmp6Error {
    /// `ee_type`.
    pub kind: Icmpv6Type,
    /// `ee_code`.
    pub code: Icmpv6Code,
    /// `ee_errno`, as the kernel converted the type and code.
    pub errno: Errno,
    /// `ee_info`: the whole 32-bit word after the ICMPv6 checksum.
    pub info: u32,
    /// The RFC 4884 view of `ee_data`.
    pub rfc4884: Rfc4884,
}

impl Icmp6Error {
    /// The MTU of a packet too big (type 2).
    #[must_use]
    #[inline]
    pub fn mtu(&self) -> Option<u32> {
        (self.kind == Icmpv6Type::PACKET_TOO_BIG).then_some(self.info)
    }

    /// The pointer of a parameter problem (type 4).
    #[must_use]
    pub fn pointer(&self) -> Option<u32> {
        (self.kind == Icmpv6Type::PARAMETER_PROBLEM).then_some(self.info)
    }

    /// Whether the kernel treats this error as fatal (`icmpv6_err_convert`).
    #[must_use]
    pub fn is_fatal(&self) -> bool {
        icmpv6_fatal(self.kind, self.code)
    }
}

/// The kernel's verdict for an ICMPv6 type and code (`icmpv6_err_convert` in
/// `net/ipv6/icmp.c`).
#[must_use]
pub const fn icmpv6_fatal(kind: Icmpv6Type, code: Icmpv6Code) -> bool {
    match kind.0 {
        1 => !matches!(code.0, 0 | 2 | 3),
        4 => true,
        _ => false,
    }
}

/// What a message holds besides its error record that completes its [`Meaning`]
/// ([`Meaning::read`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context<'a> {
    /// The message's `SO_TIMESTAMPING` record: a transmit timestamp's timestamps.
    pub timestamping: Option<ScmTimestamping>,
    /// The message's `SCM_TIMESTAMPING_OPT_STATS` record: a J1939 status's statistics.
    pub opt_stats: Option<OptStats<'a>>,
}

/// A transmit timestamp notification (`SO_EE_ORIGIN_TIMESTAMPING` with `ENOMSG`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TxTimestamp {
    /// `ee_info`: which moment (`SCM_TSTAMP_*`).
    pub kind: TstampKind,
    /// `ee_data`: the `SOF_TIMESTAMPING_OPT_ID` key (bytes or packets sent before).
    pub key: u32,
    /// The timestamps, from the `SO_TIMESTAMPING` record of the same message. Filled by
    /// [`Meaning::read`] (so [`crate::message::Message::meaning`]); [`Meaning::of`] and
    /// [`Meaning::at`] see only the extended error and leave it `None`.
    pub timestamps: Option<ScmTimestamping>,
}

/// A `MSG_ZEROCOPY` completion: the inclusive, wrapping range of send counters whose
/// buffers the kernel released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ZerocopyRange {
    /// `ee_info`: the first counter.
    pub lo: u32,
    /// `ee_data`: the last counter (inclusive).
    pub hi: u32,
    /// `ee_code` had `SO_EE_CODE_ZEROCOPY_COPIED`: the kernel copied the data after all.
    pub copied: bool,
}

impl ZerocopyRange {
    /// How many sends completed (`hi - lo + 1`, modulo 2^32; at least 1 up to 2^32).
    #[must_use]
    pub const fn count(&self) -> u64 {
        // Widen first: a full wrap counts 2^32 sends.
        (self.hi.wrapping_sub(self.lo) as u64).saturating_add(1)
    }

    /// Whether send counter `n` is in the range (wrapping).
    #[must_use]
    pub const fn contains(&self, n: u32) -> bool {
        n.wrapping_sub(self.lo) <= self.hi.wrapping_sub(self.lo)
    }
}

/// A packet dropped by `SO_TXTIME` (`SO_EE_ORIGIN_TXTIME`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TxTimeError {
    /// `ee_errno`: `ECANCELED` for missed, `EINVAL` for an invalid parameter.
    pub errno: Errno,
    /// `ee_code`.
    pub code: u8,
    /// The packet's txtime: `ee_data` << 32 | `ee_info`.
    pub txtime: u64,
}

impl TxTimeError {
    /// `SO_EE_CODE_TXTIME_MISSED`: the deadline passed.
    #[must_use]
    pub const fn missed(&self) -> bool {
        self.code == SO_EE_CODE_TXTIME_MISSED
    }

    /// `SO_EE_CODE_TXTIME_INVALID_PARAM`.
    #[must_use]
    pub const fn invalid_param(&self) -> bool {
        self.code == SO_EE_CODE_TXTIME_INVALID_PARAM
    }
}

/// What an extended error means; see the [module docs](self).
///
/// ```
/// use errq_codec::abi::Abi;
/// use errq_codec::ee::SockExtendedErr;
/// use errq_codec::meaning::Meaning;
///
/// // sock_extended_err of a real i686 capture: frag needed from a router, next-hop MTU 1280.
/// let bytes = [90, 0, 0, 0, 2, 3, 4, 0, 0, 5, 0, 0, 0, 0, 0, 0];
/// let ee = SockExtendedErr::decode(&bytes, &Abi::I686)?;
/// match Meaning::of(&ee) {
///     Meaning::Icmp(icmp) => {
///         assert_eq!(icmp.mtu(), Some(1280));
///         assert_eq!(icmp.errno.name(), Some("EMSGSIZE"));
///         assert!(!icmp.is_fatal());
///     }
///     other => panic!("{other}"),
/// }
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Meaning {
    /// `SO_EE_ORIGIN_NONE`.
    None(SockExtendedErr),
    /// `SO_EE_ORIGIN_LOCAL`.
    Local(LocalError),
    /// `SO_EE_ORIGIN_ICMP`.
    Icmp(IcmpError),
    /// `SO_EE_ORIGIN_ICMP6`.
    Icmp6(Icmp6Error),
    /// `SO_EE_ORIGIN_TIMESTAMPING` with `ENOMSG`: a transmit timestamp. The timestamps
    /// themselves are in the `SO_TIMESTAMPING` record of the same message.
    Timestamp(TxTimestamp),
    /// `SO_EE_ORIGIN_TXSTATUS` (the same number as TIMESTAMPING) with another errno.
    TxStatus(SockExtendedErr),
    /// `SO_EE_ORIGIN_ZEROCOPY`.
    Zerocopy(ZerocopyRange),
    /// `SO_EE_ORIGIN_TXTIME`.
    TxTime(TxTimeError),
    /// An origin this crate does not know, raw.
    Unknown(SockExtendedErr),
    /// A J1939 transfer status (`SOL_CAN_J1939` / `SCM_J1939_ERRQUEUE`): its `LOCAL` and
    /// `TIMESTAMPING` origins name session states, not errors ([`crate::j1939`]).
    #[doc(alias = "SCM_J1939_ERRQUEUE")]
    J1939(J1939Status),
}

impl Meaning {
    /// Interpret `ee` by its origin, in the light of the level its record came under: on
    /// `SOL_CAN_J1939` every origin names a session state ([`Meaning::J1939`]); on the
    /// other levels of [`Level`] the origins mean what [`Meaning::of`] says (vsock
    /// completions are [`Meaning::Zerocopy`], CAN raw and Bluetooth reports
    /// [`Meaning::Timestamp`], `SCM_TSTAMP_COMPLETION` included).
    #[must_use]
    #[inline]
    pub fn at(level: Level, ee: &SockExtendedErr) -> Self {
        if level == Level::CAN_J1939 {
            return Self::J1939(J1939Status::of(ee));
        }
        Self::of(ee)
    }

    /// The whole meaning of an error record: [`Meaning::at`], completed with what the same
    /// message holds besides it. A transmit timestamp gets the `SO_TIMESTAMPING`
    /// timestamps, a J1939 status those and its typed `J1939_NLA_*` statistics (from
    /// `SCM_TIMESTAMPING_OPT_STATS`). [`Message::meaning`](crate::message::Message::meaning)
    /// is this with the message's own records.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::ee::SockExtendedErr;
    /// use errq_codec::level::Level;
    /// use errq_codec::meaning::{Context, Meaning};
    /// use errq_codec::timestamp::{Layout, ScmTimestamping, Timespec};
    ///
    /// // A real software TX timestamp (SCM_TSTAMP_SND, key 0) and its SO_TIMESTAMPING.
    /// let bytes = [42, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// let ee = SockExtendedErr::decode(&bytes, &Abi::X86_64)?;
    /// let sw = Timespec { sec: 1_795_300_418, nsec: 211_963_732 };
    /// let ts = ScmTimestamping { ts: [sw, Timespec::default(), Timespec::default()], layout: Layout::New };
    /// let context = Context { timestamping: Some(ts), opt_stats: None };
    /// let Meaning::Timestamp(t) = Meaning::read(Level::IP, &ee, context) else { panic!() };
    /// assert_eq!((t.key, t.timestamps.and_then(|t| t.software())), (0, Some(sw)));
    /// // Without the context, the same record has no timestamps.
    /// let Meaning::Timestamp(t) = Meaning::at(Level::IP, &ee) else { panic!() };
    /// assert_eq!(t.timestamps, None);
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[must_use]
    #[inline]
    pub fn read(level: Level, ee: &SockExtendedErr, context: Context<'_>) -> Self {
        match Self::at(level, ee) {
            Self::Timestamp(mut t) => {
                t.timestamps = context.timestamping;
                Self::Timestamp(t)
            }
            Self::J1939(mut j) => {
                j.timestamps = context.timestamping;
                j.stats = context
                    .opt_stats
                    .and_then(|s| s.j1939())
                    .and_then(Result::ok);
                Self::J1939(j)
            }
            other => other,
        }
    }

    /// Interpret `ee` by its origin alone, as an IP socket's kernel fills it (see
    /// [`Meaning::at`] for the other levels).
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::ee::SockExtendedErr;
    /// use errq_codec::meaning::Meaning;
    ///
    /// // A real MSG_ZEROCOPY completion (x86_64): sends 0 to 3, copied on loopback.
    /// let bytes = [0, 0, 0, 0, 5, 0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 0];
    /// let ee = SockExtendedErr::decode(&bytes, &Abi::X86_64)?;
    /// let Meaning::Zerocopy(range) = Meaning::of(&ee) else { panic!() };
    /// assert_eq!((range.lo, range.hi, range.count(), range.copied), (0, 3, 4, true));
    /// assert!(range.contains(2));
    /// assert_eq!(Meaning::of(&ee).to_string(), "zerocopy completion 0..=3 (copied)");
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[must_use]
    #[inline]
    pub fn of(ee: &SockExtendedErr) -> Self {
        match ee.origin {
            Origin::NONE => Self::None(*ee),
            Origin::LOCAL => Self::Local(LocalError {
                errno: ee.errno,
                info: ee.info,
            }),
            Origin::ICMP => Self::Icmp(IcmpError {
                kind: Icmpv4Type(ee.kind),
                code: Icmpv4Code(ee.code),
                errno: ee.errno,
                info: ee.info,
                rfc4884: ee.rfc4884(),
            }),
            Origin::ICMP6 => Self::Icmp6(Icmp6Error {
                kind: Icmpv6Type(ee.kind),
                code: Icmpv6Code(ee.code),
                errno: ee.errno,
                info: ee.info,
                rfc4884: ee.rfc4884(),
            }),
            Origin::TIMESTAMPING if ee.errno.is_code(Code::ENOMSG) => {
                Self::Timestamp(TxTimestamp {
                    kind: TstampKind(ee.info),
                    key: ee.data,
                    timestamps: None,
                })
            }
            Origin::TXSTATUS => Self::TxStatus(*ee),
            Origin::ZEROCOPY => Self::Zerocopy(ZerocopyRange {
                lo: ee.info,
                hi: ee.data,
                copied: ee.code & SO_EE_CODE_ZEROCOPY_COPIED != 0,
            }),
            Origin::TXTIME => Self::TxTime(TxTimeError {
                errno: ee.errno,
                code: ee.code,
                txtime: (u64::from(ee.data) << 32) | u64::from(ee.info),
            }),
            _ => Self::Unknown(*ee),
        }
    }

    /// The errno the kernel reported, for every variant.
    #[must_use]
    pub const fn errno(&self) -> Option<Errno> {
        match self {
            Self::None(e) | Self::TxStatus(e) | Self::Unknown(e) => Some(e.errno),
            Self::Local(l) => Some(l.errno),
            Self::Icmp(i) => Some(i.errno),
            Self::Icmp6(i) => Some(i.errno),
            Self::TxTime(t) => Some(t.errno),
            Self::J1939(j) => match j.abort_errno() {
                Some(e) => Some(e),
                None => Some(j.errno),
            },
            Self::Timestamp(_) | Self::Zerocopy(_) => None,
        }
    }

    /// The path MTU this error reports, if any (LOCAL `EMSGSIZE`, fragmentation needed,
    /// packet too big).
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::ee::SockExtendedErr;
    /// use errq_codec::meaning::Meaning;
    ///
    /// // A real LOCAL EMSGSIZE (x86_64): a send over a 1500-byte link with IP_PMTUDISC_DO.
    /// let bytes = [90, 0, 0, 0, 1, 0, 0, 0, 220, 5, 0, 0, 0, 0, 0, 0];
    /// let ee = SockExtendedErr::decode(&bytes, &Abi::X86_64)?;
    /// assert_eq!(Meaning::of(&ee).mtu(), Some(1500));
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[must_use]
    #[inline]
    pub fn mtu(&self) -> Option<u32> {
        match self {
            Self::Local(l) => l.mtu(),
            Self::Icmp(i) => i.mtu(),
            Self::Icmp6(i) => i.mtu(),
            _ => None,
        }
    }

    /// Whether a router said the probe's TTL (hop limit) ran out on the way: ICMP time
    /// exceeded code 0, or ICMPv6 time exceeded code 0 (also an ICMPv4 one on a dual-stack
    /// socket). The answer traceroute looks for at every hop but the last; the kernel
    /// reports it as `EHOSTUNREACH`, like a host-unreachable, so the errno cannot tell them
    /// apart.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::ee::SockExtendedErr;
    /// use errq_codec::meaning::Meaning;
    ///
    /// // EHOSTUNREACH, origin ICMP, type 11 (time exceeded), code 0: a router on the way.
    /// let ttl = [113, 0, 0, 0, 2, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// assert!(Meaning::of(&SockExtendedErr::decode(&ttl, &Abi::X86_64)?).is_hop_limit_exceeded());
    /// // EHOSTUNREACH, origin ICMP, type 3 code 1 (host unreachable): the end of the road.
    /// let host = [113, 0, 0, 0, 2, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    /// assert!(!Meaning::of(&SockExtendedErr::decode(&host, &Abi::X86_64)?).is_hop_limit_exceeded());
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[must_use]
    pub fn is_hop_limit_exceeded(&self) -> bool {
        match self {
            Self::Icmp(i) => {
                i.kind == Icmpv4Type::TIME_EXCEEDED && i.code == Icmpv4Code::TTL_EXCEEDED
            }
            Self::Icmp6(i) => {
                i.kind == Icmpv6Type::TIME_EXCEEDED && i.code == Icmpv6Code::HOP_LIMIT_EXCEEDED
            }
            _ => false,
        }
    }
}

impl fmt::Display for Meaning {
    /// A short description: `ICMP time exceeded (TTL exceeded in transit)`,
    /// `ICMPv6 packet too big (MTU 1280)`, `local error (MTU 1280)`, `TX timestamp SND
    /// key 3`, `zerocopy completion 0..=4 (copied)`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None(e) => write!(f, "error with no origin (type {} code {})", e.kind, e.code),
            Self::Local(l) => match l.mtu() {
                Some(m) => write!(f, "local error (MTU {m})"),
                None => f.write_str("local error"),
            },
            Self::Icmp(i) => {
                f.write_str("ICMP ")?;
                write_icmp(
                    f,
                    i.kind.name(),
                    i.kind.0,
                    i.kind.code_name(i.code),
                    i.code.0,
                )?;
                if let Some(m) = i.mtu() {
                    write!(f, " (MTU {m})")?;
                }
                if let Some(p) = i.pointer() {
                    write!(f, " (pointer {p})")?;
                }
                Ok(())
            }
            Self::Icmp6(i) => {
                f.write_str("ICMPv6 ")?;
                write_icmp(
                    f,
                    i.kind.name(),
                    i.kind.0,
                    i.kind.code_name(i.code),
                    i.code.0,
                )?;
                if let Some(m) = i.mtu() {
                    write!(f, " (MTU {m})")?;
                }
                if let Some(p) = i.pointer() {
                    write!(f, " (pointer {p})")?;
                }
                Ok(())
            }
            Self::Timestamp(t) => write!(f, "TX timestamp {} key {}", t.kind, t.key),
            Self::TxStatus(e) => write!(f, "TX status (info {} data {})", e.info, e.data),
            Self::Zerocopy(z) => {
                write!(f, "zerocopy completion {}..={}", z.lo, z.hi)?;
                if z.copied {
                    f.write_str(" (copied)")?;
                }
                Ok(())
            }
            Self::TxTime(t) => {
                let what = if t.missed() {
                    "missed"
                } else if t.invalid_param() {
                    "invalid parameter"
                } else {
                    "error"
                };
                write!(f, "txtime {what} (txtime {})", t.txtime)
            }
            Self::Unknown(e) => write!(f, "{} (type {} code {})", e.origin, e.kind, e.code),
            Self::J1939(j) => j.fmt(f),
        }
    }
}

fn write_icmp(
    f: &mut fmt::Formatter<'_>,
    name: Option<&str>,
    kind: u8,
    code_name: Option<&str>,
    code: u8,
) -> fmt::Result {
    match name {
        Some(n) => f.write_str(n)?,
        None => write!(f, "type {kind}")?,
    }
    match code_name {
        // Types without codes name code 0 "no code": nothing worth printing.
        Some(c) if c != name.unwrap_or("") && c != "no code" => write!(f, " ({c})"),
        Some(_) => Ok(()),
        None if code == 0 => Ok(()),
        None => write!(f, " (code {code})"),
    }
}

#[cfg(test)]
mod tests;
