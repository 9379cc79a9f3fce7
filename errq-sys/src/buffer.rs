//! Caller-owned buffers for `recvmsg`, and how big the control buffer must be.

use std::mem::{align_of, size_of};

use errq_codec::abi::Abi;

/// Room for `SO_TIMESTAMP`/`SO_TIMESTAMPNS` (old or new): a `timeval` or `timespec`, at most
/// two 64-bit words.
const TIMESTAMP: usize = 16;
/// Room for `SO_TIMESTAMPING`: `scm_timestamping` (3 x `timespec` of the task) or
/// `scm_timestamping64` (3 x `{i64, i64}`).
const TIMESTAMPING: usize = 48;
/// Room for `SCM_TIMESTAMPING_OPT_STATS`: the kernel's `tcp_opt_stats_get_size()` is a little
/// under 300 bytes of netlink attributes (Linux 6.x); this leaves headroom for new ones.
const OPT_STATS: usize = 320;
/// Room for `SCM_TIMESTAMPING_PKTINFO` (`struct scm_ts_pktinfo`).
const TS_PKTINFO: usize = 16;
/// Room for the largest error record: `sock_extended_err` (16) + `sockaddr_in6` (28).
const EXTENDED_ERR: usize = 16 + 28;

/// The control-buffer size that holds the largest error-queue message of the native ABI,
/// with every companion record the kernel may put before the error record.
///
/// Counted: `SO_TIMESTAMP*`, `SO_TIMESTAMPING`, `SCM_TIMESTAMPING_OPT_STATS`,
/// `SCM_TIMESTAMPING_PKTINFO`; the larger of the IPv4 companions (`IP_PKTINFO`, `IP_TTL`,
/// `IP_TOS`, `IP_RECVOPTS` and `IP_RETOPTS` at 40 bytes each, `IP_ORIGDSTADDR`,
/// `IP_CHECKSUM`, `IP_RECVFRAGSIZE`) and the IPv6 ones (`IPV6_PKTINFO`, `IPV6_HOPLIMIT`,
/// `IPV6_TCLASS`, `IPV6_FLOWINFO`, `IPV6_ORIGDSTADDR`); and the error record with an IPv6
/// offender. Each is `CMSG_SPACE` of its data for [`Abi::NATIVE`].
///
/// Not counted: IPv6 extension-header records (`IPV6_HOPOPTS`, `IPV6_RTHDR`,
/// `IPV6_DSTOPTS`, only sent if you enable them; up to 2 KiB each). If a buffer is still too
/// small the kernel sets `MSG_CTRUNC` (see [`Received::control_truncated`]) and, because the
/// error record is last, the error record is what is lost.
///
/// [`Received::control_truncated`]: crate::Received::control_truncated
#[must_use]
pub const fn error_control_space() -> usize {
    let abi = Abi::NATIVE;
    let ipv4 = sum(&[
        abi.cmsg_space(12), // IP_PKTINFO: in_pktinfo
        abi.cmsg_space(4),  // IP_TTL: int
        abi.cmsg_space(1),  // IP_TOS: byte
        abi.cmsg_space(40), // IP_RECVOPTS
        abi.cmsg_space(40), // IP_RETOPTS
        abi.cmsg_space(16), // IP_ORIGDSTADDR: sockaddr_in
        abi.cmsg_space(4),  // IP_CHECKSUM
        abi.cmsg_space(4),  // IP_RECVFRAGSIZE
    ]);
    let ipv6 = sum(&[
        abi.cmsg_space(20), // IPV6_PKTINFO: in6_pktinfo
        abi.cmsg_space(4),  // IPV6_HOPLIMIT
        abi.cmsg_space(4),  // IPV6_TCLASS
        abi.cmsg_space(4),  // IPV6_FLOWINFO
        abi.cmsg_space(28), // IPV6_ORIGDSTADDR: sockaddr_in6
    ]);
    sum(&[
        abi.cmsg_space(TIMESTAMP),
        abi.cmsg_space(TIMESTAMPING),
        abi.cmsg_space(OPT_STATS),
        abi.cmsg_space(TS_PKTINFO),
        if ipv4 > ipv6 { ipv4 } else { ipv6 },
        abi.cmsg_space(EXTENDED_ERR),
    ])
}

/// The saturating sum of `parts`.
const fn sum(parts: &[usize]) -> usize {
    let mut total = 0_usize;
    let mut rest = parts;
    while let [first, tail @ ..] = rest {
        total = total.saturating_add(*first);
        rest = tail;
    }
    total
}

/// [`error_control_space()`] as a constant: the default size of a [`ControlBuffer`].
pub const ERROR_CONTROL_SPACE: usize = error_control_space();

/// The size of `struct sockaddr_storage`, the room [`NameBuffer`] gives `msg_name`.
pub const NAME_SPACE: usize = size_of::<libc::sockaddr_storage>();

/// A caller-owned control (ancillary data) buffer of `N` bytes, aligned for `struct cmsghdr`.
///
/// `recvmsg` writes `cmsghdr` records into it; the alignment makes the kernel's layout and
/// `CMSG_*` arithmetic line up with the buffer's start. The default size is
/// [`ERROR_CONTROL_SPACE`].
#[derive(Clone)]
#[repr(C, align(8))]
pub struct ControlBuffer<const N: usize = ERROR_CONTROL_SPACE> {
    bytes: [u8; N],
}

// `align(8)` covers `struct cmsghdr` on every Linux ABI (its widest field is a `size_t`).
const _: () = assert!(align_of::<libc::cmsghdr>() <= align_of::<ControlBuffer<0>>());

impl<const N: usize> ControlBuffer<N> {
    /// The buffer's size in bytes.
    pub const LEN: usize = N;

    /// A zeroed buffer.
    #[must_use]
    pub const fn new() -> Self {
        Self { bytes: [0; N] }
    }

    /// The whole buffer.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; N] {
        &self.bytes
    }

    /// The first `len` bytes (all of them if `len` is larger): what a call filled.
    #[must_use]
    pub fn filled(&self, len: usize) -> &[u8] {
        self.bytes.get(..len).unwrap_or(&self.bytes)
    }

    /// The start of the buffer, for `msg_control`.
    pub(crate) fn as_mut_ptr(&mut self) -> *mut u8 {
        self.bytes.as_mut_ptr()
    }

    /// The whole buffer, writable: for building a control message to send.
    pub(crate) fn as_mut_bytes(&mut self) -> &mut [u8; N] {
        &mut self.bytes
    }
}

impl<const N: usize> Default for ControlBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> std::fmt::Debug for ControlBuffer<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlBuffer")
            .field("len", &N)
            .finish_non_exhaustive()
    }
}

/// A caller-owned `msg_name` buffer: the size and alignment of `struct sockaddr_storage`.
///
/// Bytes rather than a `sockaddr_storage` value so that reading what the kernel wrote needs no
/// `unsafe`; the layout is the same.
#[derive(Clone)]
#[repr(C, align(8))]
pub struct NameBuffer {
    bytes: [u8; NAME_SPACE],
}

const _: () = assert!(align_of::<libc::sockaddr_storage>() <= align_of::<NameBuffer>());

impl NameBuffer {
    /// A zeroed buffer.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            bytes: [0; NAME_SPACE],
        }
    }

    /// The first `len` bytes (all of them if `len` is larger): the address a call wrote.
    #[must_use]
    pub fn filled(&self, len: usize) -> &[u8] {
        self.bytes.get(..len).unwrap_or(&self.bytes)
    }

    /// The start of the buffer, for `msg_name`.
    pub(crate) fn as_mut_ptr(&mut self) -> *mut u8 {
        self.bytes.as_mut_ptr()
    }
}

impl Default for NameBuffer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for NameBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameBuffer").finish_non_exhaustive()
    }
}
