//! The one error type of the codec.
//!
//! Length problems and content problems are different errors: [`Error::Truncated`] says a
//! structure needed more bytes than were there, [`Error::Malformed`] says the bytes were there
//! but cannot be what they claim to be, and [`Error::NoSpace`] says an encoder's output buffer
//! is too small. Every variant names the [`Structure`] that failed. Errors are small `Copy`
//! values: matching on them never allocates.

use core::fmt;

/// Which structure a decoder or encoder was working on when it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Structure {
    /// A `struct cmsghdr` (the control-message header).
    #[doc(alias = "cmsghdr")]
    CmsgHeader,
    /// The data of a control message, as bounded by its `cmsg_len`.
    CmsgData,
    /// A `struct sock_extended_err`.
    #[doc(alias = "sock_extended_err")]
    ExtendedErr,
    /// The offender address after a `sock_extended_err` (`SO_EE_OFFENDER`).
    #[doc(alias = "SO_EE_OFFENDER")]
    Offender,
    /// A `struct sockaddr_in`.
    #[doc(alias = "sockaddr_in")]
    SockaddrIn,
    /// A `struct sockaddr_in6`.
    #[doc(alias = "sockaddr_in6")]
    SockaddrIn6,
    /// A socket address of any family (msg_name, `IP_ORIGDSTADDR`).
    Sockaddr,
    /// A `struct timeval` (`SO_TIMESTAMP`).
    #[doc(alias = "timeval")]
    Timeval,
    /// A `struct timespec` (`SO_TIMESTAMPNS`).
    #[doc(alias = "timespec")]
    Timespec,
    /// A `struct scm_timestamping` or `scm_timestamping64`.
    #[doc(alias = "scm_timestamping")]
    ScmTimestamping,
    /// A netlink attribute (`struct nlattr`) in `SCM_TIMESTAMPING_OPT_STATS`.
    #[doc(alias = "nlattr")]
    NlAttr,
    /// A `struct in_pktinfo` (`IP_PKTINFO`).
    #[doc(alias = "in_pktinfo")]
    InPktinfo,
    /// A `struct in6_pktinfo` (`IPV6_PKTINFO`).
    #[doc(alias = "in6_pktinfo")]
    In6Pktinfo,
    /// A `struct ip6_mtuinfo` (`IPV6_PATHMTU`).
    #[doc(alias = "ip6_mtuinfo")]
    Ip6Mtuinfo,
    /// An `int`-sized control message (`IP_TTL`, `IPV6_HOPLIMIT`, ...).
    Int,
    /// A one-byte control message (`IP_TOS`).
    Byte,
    /// A `u32` control message (`IP_CHECKSUM`, `IPV6_FLOWINFO`, ...).
    U32,
    /// An ICMPv4 header.
    Icmpv4Header,
    /// An ICMPv6 header.
    Icmpv6Header,
    /// An IPv4 header (usually the one quoted inside an ICMP error).
    Ipv4Header,
    /// IPv4 options.
    Ipv4Options,
    /// An IPv6 header.
    Ipv6Header,
    /// An IPv6 extension header.
    Ipv6ExtensionHeader,
    /// A UDP header.
    UdpHeader,
    /// A TCP header.
    TcpHeader,
    /// An ICMP echo header quoted in an error.
    EchoHeader,
    /// A link-layer header (Ethernet) in front of a timestamped packet.
    LinkHeader,
    /// The RFC 4884 ICMP extension structure header.
    ExtensionHeader,
    /// An RFC 4884 extension object.
    ExtensionObject,
    /// An RFC 4950 MPLS label stack entry.
    MplsLabel,
    /// An RFC 5837 interface information object or sub-object.
    InterfaceInfo,
    /// An RFC 8335 interface identification object.
    InterfaceIdent,
    /// The output buffer of an encoder.
    OutputBuffer,
    /// `struct scm_ts_pktinfo` (`SCM_TIMESTAMPING_PKTINFO`).
    ScmTsPktinfo,
    /// The error-queue payload (the iovec), read as a kind that does not apply.
    Payload,
    /// A 32-byte io_uring completion (`struct io_uring_cqe` + `struct io_timespec`).
    #[doc(alias = "io_uring_cqe")]
    IoUringCqe,
}

impl Structure {
    /// The name of the structure as the kernel or the RFC calls it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::CmsgHeader => "cmsghdr",
            Self::CmsgData => "cmsg data",
            Self::ExtendedErr => "sock_extended_err",
            Self::Offender => "offender address",
            Self::SockaddrIn => "sockaddr_in",
            Self::SockaddrIn6 => "sockaddr_in6",
            Self::Sockaddr => "sockaddr",
            Self::Timeval => "timeval",
            Self::Timespec => "timespec",
            Self::ScmTimestamping => "scm_timestamping",
            Self::NlAttr => "nlattr",
            Self::InPktinfo => "in_pktinfo",
            Self::In6Pktinfo => "in6_pktinfo",
            Self::Ip6Mtuinfo => "ip6_mtuinfo",
            Self::Int => "int",
            Self::Byte => "byte",
            Self::U32 => "u32",
            Self::Icmpv4Header => "ICMPv4 header",
            Self::Icmpv6Header => "ICMPv6 header",
            Self::Ipv4Header => "IPv4 header",
            Self::Ipv4Options => "IPv4 options",
            Self::Ipv6Header => "IPv6 header",
            Self::Ipv6ExtensionHeader => "IPv6 extension header",
            Self::UdpHeader => "UDP header",
            Self::TcpHeader => "TCP header",
            Self::EchoHeader => "ICMP echo header",
            Self::LinkHeader => "link-layer header",
            Self::ExtensionHeader => "ICMP extension header",
            Self::ExtensionObject => "ICMP extension object",
            Self::MplsLabel => "MPLS label stack entry",
            Self::InterfaceInfo => "interface information object",
            Self::InterfaceIdent => "interface identification object",
            Self::OutputBuffer => "output buffer",
            Self::ScmTsPktinfo => "scm_ts_pktinfo",
            Self::Payload => "error-queue payload",
            Self::IoUringCqe => "io_uring CQE32",
        }
    }
}

impl fmt::Display for Structure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why bytes that were all present still do not form the structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// A length field is smaller than the header that contains it (`cmsg_len` < header size,
    /// `nla_len` < 4, an extension object length < 4, an IPv4 IHL < 5, ...).
    LengthBelowHeader {
        /// The length the field gave.
        length: u64,
        /// The smallest length that structure can have.
        minimum: usize,
    },
    /// A length field is not a multiple of what the format requires.
    LengthNotMultiple {
        /// The length the field gave.
        length: u64,
        /// The unit it must be a multiple of.
        unit: usize,
    },
    /// A length field does not fit the address space of this host.
    LengthOverflow {
        /// The length the field gave.
        length: u64,
    },
    /// An address family other than the one the structure requires.
    UnexpectedFamily {
        /// The `sa_family` (or AFI) found.
        family: u16,
    },
    /// A version field that the format does not allow.
    BadVersion {
        /// The version found.
        version: u8,
    },
    /// A control message of this level/type arrived where another one was required.
    UnexpectedCmsg {
        /// The `cmsg_level` found.
        level: i32,
        /// The `cmsg_type` found.
        kind: i32,
    },
    /// A payload whose size is not one the kernel ever writes for this record.
    UnexpectedSize {
        /// The size found.
        size: usize,
    },
    /// A value that the format does not allow in this field.
    BadValue {
        /// The name of the field.
        field: &'static str,
        /// The value found.
        value: u64,
    },
    /// A reading that does not apply: e.g. the payload of a TCP timestamp with OPT_STATS read
    /// as a TCP header.
    KindDoesNotApply {
        /// What it was asked to be read as.
        asked: crate::payload::PayloadKind,
        /// What it holds.
        holds: crate::payload::PayloadKind,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::LengthBelowHeader { length, minimum } => {
                write!(f, "length {length} is below the minimum {minimum}")
            }
            Self::LengthNotMultiple { length, unit } => {
                write!(f, "length {length} is not a multiple of {unit}")
            }
            Self::LengthOverflow { length } => {
                write!(f, "length {length} does not fit this host's address space")
            }
            Self::UnexpectedFamily { family } => write!(f, "unexpected address family {family}"),
            Self::BadVersion { version } => write!(f, "unsupported version {version}"),
            Self::UnexpectedCmsg { level, kind } => {
                write!(f, "unexpected control message level {level} type {kind}")
            }
            Self::UnexpectedSize { size } => write!(f, "unexpected size {size}"),
            Self::BadValue { field, value } => write!(f, "invalid {field} {value}"),
            Self::KindDoesNotApply { asked, holds } => {
                write!(f, "read as {}, but it holds {}", asked.name(), holds.name())
            }
        }
    }
}

/// The largest `cmsg_len` [`Error::abi_mismatch_likely`] takes as possibly genuine: 64 KiB.
/// The largest error-queue control messages are IPv6 extension headers (at most 2 KiB each)
/// and `SCM_TIMESTAMPING_OPT_STATS` (a few hundred bytes).
const MAX_PLAUSIBLE_CMSG_LEN: usize = 1 << 16;

/// A decoding or encoding failure: which structure, and what was wrong with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before the structure did.
    Truncated {
        /// The structure that was cut short.
        what: Structure,
        /// How many bytes the structure needs (from the start of the structure).
        needed: usize,
        /// How many bytes were there.
        available: usize,
    },
    /// The bytes were all there but do not form a valid structure.
    Malformed {
        /// The structure that is malformed.
        what: Structure,
        /// What is wrong with it.
        reason: Reason,
    },
    /// An encoder's output buffer is too small.
    NoSpace {
        /// The structure being written.
        what: Structure,
        /// How many bytes it needs.
        needed: usize,
        /// How many bytes were left.
        available: usize,
    },
}

impl Error {
    /// The structure that failed.
    #[must_use]
    pub const fn structure(&self) -> Structure {
        match *self {
            Self::Truncated { what, .. }
            | Self::Malformed { what, .. }
            | Self::NoSpace { what, .. } => what,
        }
    }

    /// Whether this error most likely means the bytes were decoded with the wrong
    /// [`Abi`](crate::abi::Abi) (word size or byte order), not that they are damaged: a
    /// `cmsghdr` whose `cmsg_len` runs past the end of the control buffer and is larger
    /// than any control message the error queue carries (over 64 KiB), or too large for this
    /// host's address space.
    ///
    /// The kernel never writes a `cmsg_len` past the buffer: `put_cmsg` cuts a record that
    /// does not fit and sets `MSG_CTRUNC`. A 64-bit `cmsg_len` read as 32 bits (or the
    /// reverse), or a little-endian one read as big-endian, gives such lengths: `16` stored
    /// little-endian reads as 268435456 big-endian. `Display` adds this hint.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::cmsg::Cmsgs;
    ///
    /// // The first cmsghdr of a real x86_64 capture (IP_TTL, cmsg_len 20), read as 32-bit
    /// // big-endian MIPS: `20, 0, 0, 0` is 335544320 there.
    /// let control = [20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0];
    /// let err = Cmsgs::new(&control, Abi::MIPS).next().unwrap().unwrap_err();
    /// assert!(err.abi_mismatch_likely());
    /// assert_eq!(
    ///     err.to_string(),
    ///     "cmsg data truncated: needs 335544320 bytes, 24 available \
    ///      (the ABI probably does not match the bytes: no control message is that long)"
    /// );
    /// // Read with the right ABI, the same bytes are fine.
    /// assert!(Cmsgs::new(&control, Abi::X86_64).all(|c| c.is_ok()));
    /// ```
    #[must_use]
    pub const fn abi_mismatch_likely(&self) -> bool {
        match *self {
            Self::Truncated {
                what: Structure::CmsgData,
                needed,
                available,
            } => needed > available && needed > MAX_PLAUSIBLE_CMSG_LEN,
            Self::Malformed {
                what: Structure::CmsgHeader,
                reason: Reason::LengthOverflow { .. },
            } => true,
            _ => false,
        }
    }

    /// Shorthand for a [`Error::Truncated`].
    #[must_use]
    pub const fn truncated(what: Structure, needed: usize, available: usize) -> Self {
        Self::Truncated {
            what,
            needed,
            available,
        }
    }

    /// Shorthand for a [`Error::Malformed`].
    #[must_use]
    pub const fn malformed(what: Structure, reason: Reason) -> Self {
        Self::Malformed { what, reason }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated {
                what,
                needed,
                available,
            } => write!(
                f,
                "{what} truncated: needs {needed} bytes, {available} available"
            )?,
            Self::Malformed { what, reason } => write!(f, "malformed {what}: {reason}")?,
            Self::NoSpace {
                what,
                needed,
                available,
            } => write!(
                f,
                "no space to encode {what}: needs {needed} bytes, {available} left"
            )?,
        }
        if self.abi_mismatch_likely() {
            f.write_str(
                " (the ABI probably does not match the bytes: no control message is that long)",
            )?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

/// One step of a walk that stops at its first error: a record, the end, or the error
/// (yielded once). Sets `done` on the end and on an error, so the iterator is fused.
#[inline]
pub(crate) fn fuse<T>(done: &mut bool, step: Result<Option<T>, Error>) -> Option<Result<T, Error>> {
    match step {
        Ok(Some(item)) => Some(Ok(item)),
        Ok(None) => {
            *done = true;
            None
        }
        Err(e) => {
            *done = true;
            Some(Err(e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_says_what_and_why() {
        let e = Error::truncated(Structure::CmsgHeader, 16, 7);
        assert_eq!(
            std::format!("{e}"),
            "cmsghdr truncated: needs 16 bytes, 7 available"
        );
        let e = Error::malformed(
            Structure::CmsgHeader,
            Reason::LengthBelowHeader {
                length: 3,
                minimum: 16,
            },
        );
        assert_eq!(
            std::format!("{e}"),
            "malformed cmsghdr: length 3 is below the minimum 16"
        );
    }

    #[test]
    fn abi_hint_only_for_absurd_lengths() {
        let absurd = Error::truncated(Structure::CmsgData, 268_435_456, 48);
        assert!(absurd.abi_mismatch_likely());
        assert!(std::format!("{absurd}").ends_with(
            "(the ABI probably does not match the bytes: no control message is that long)"
        ));
        // A plausible length cut short (bytes passed short of msg_controllen): no hint.
        let cut = Error::truncated(Structure::CmsgData, 48, 36);
        assert!(!cut.abi_mismatch_likely());
        assert_eq!(
            std::format!("{cut}"),
            "cmsg data truncated: needs 48 bytes, 36 available"
        );
        assert!(!Error::truncated(Structure::CmsgData, 70_000, 80_000).abi_mismatch_likely());
        assert!(!Error::truncated(Structure::Ipv4Header, 1 << 20, 8).abi_mismatch_likely());
        let overflow = Error::malformed(
            Structure::CmsgHeader,
            Reason::LengthOverflow { length: 1 << 40 },
        );
        assert!(overflow.abi_mismatch_likely());
    }

    #[test]
    fn error_is_small_and_copy() {
        fn copy<T: Copy>() {}
        copy::<Error>();
        assert!(core::mem::size_of::<Error>() <= 40);
    }
}
