//! TX timestamps through io_uring (feature `io-uring`, Linux 6.16): no system call per report.
//!
//! `IORING_OP_URING_CMD` with `SOCKET_URING_OP_TX_TIMESTAMP` on a ring with 32-byte
//! completions arms a multishot poll for `EPOLLERR` on the socket; the kernel then takes
//! every transmit timestamp without payload (`SOF_TIMESTAMPING_OPT_TSONLY`) off the error
//! queue itself and posts one completion per report, decoded here by
//! [`errq_codec::uring::TxTimestampCqe`] into the same [`TxReport`](errq_codec::track::TxReport) the `recvmsg` path gives
//! (so the trackers of `errq_codec::track` take both).
//!
//! - [`TxTimestampRing`]: a ring errq creates for one socket; [`TxTimestampRing::reap`]
//!   re-arms the request whenever the kernel ends it (a completion without
//!   `IORING_CQE_F_MORE`, e.g. after the completion ring filled up).
//! - [`arm`] and [`completion`]: the same on a ring the caller owns.
//! - [`TxTimestamps`]: one call that picks the best path: io_uring where the kernel has
//!   the command, else a `recvmmsg` drain, with the same reports.
//!
//! Entries that are not OPT_TSONLY timestamps (ICMP errors, timestamps with the packet,
//! zerocopy completions) stay on the error queue: read them with [`RecvBuffers`](crate::RecvBuffers) or
//! [`BatchBuffers`](crate::BatchBuffers). When the completion ring is full the kernel stops posting and leaves
//! the rest queued until the next `EPOLLERR`: reap while sending, and drain with `recvmsg`
//! when you stop (anything left is still there).
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! use errq_sys::uring::TxTimestampRing;
//! use errq_sys::{set_so_timestamping, Timestamping};
//! use std::os::fd::AsFd;
//!
//! let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
//! set_so_timestamping(
//!     &socket,
//!     Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID
//!         | Timestamping::OPT_TSONLY,
//! )?;
//! let mut ring = TxTimestampRing::new(socket.as_fd(), 256)?;
//! socket.send_to(b"probe", "127.0.0.1:9")?;
//! ring.wait(1)?;
//! ring.reap(|report| println!("key {} {:?} at {:?}", report.key, report.stage, report.time))?;
//! # Ok(()) }
//! ```

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use errq_codec::abi::Endian;
use errq_codec::uring::{TxTimestampCompletion, TxTimestampCqe, SOCKET_URING_OP_TX_TIMESTAMP};
use io_uring::{cqueue, opcode, squeue, types};

mod best;
mod ring;

pub use best::TxTimestamps;
pub use ring::TxTimestampRing;

/// The `io-uring` crate errq-sys is built with, for a ring of your own ([`arm`],
/// [`completion`]): the same version, whatever your `Cargo.toml` resolves.
pub use io_uring;

/// The `user_data` errq gives its own request.
pub(crate) const USER_DATA: u64 = u64::from_be_bytes(*b"errq-tx\0");
/// The `user_data` of the cancellation in [`TxTimestampRing::finish`].
pub(crate) const CANCEL_USER_DATA: u64 = u64::from_be_bytes(*b"errq-cx\0");

/// Push the TX-timestamp command for `fd` onto `sq` with `user_data`, on a ring created
/// with 32-byte completions (`IoUring::<squeue::Entry, cqueue::Entry32>`); submit it with
/// the ring's `submit`.
///
/// On a ring of your own, next to your other requests (this runs where the kernel has the
/// command, and says so where it has not):
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::os::fd::AsFd;
/// use errq_sys::codec::uring::TxTimestampCompletion;
/// use errq_sys::uring::{arm, completion};
/// use errq_sys::{set_so_timestamping, Timestamping};
/// use io_uring::{cqueue, squeue, IoUring};
///
/// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// socket.connect(peer.local_addr()?)?;
/// set_so_timestamping(
///     &socket,
///     Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID
///         | Timestamping::OPT_TSONLY,
/// )?;
/// let Ok(mut ring) = IoUring::<squeue::Entry, cqueue::Entry32>::builder().build(8) else {
///     return Ok(()); // no io_uring here
/// };
/// arm(&mut ring.submission(), socket.as_fd(), 7).expect("room in the submission queue");
/// ring.submit()?;
/// socket.send(b"probe")?;
/// ring.submit_and_wait(1)?;
/// let cqe = ring.completion().next().expect("a completion");
/// assert_eq!(cqe.user_data(), 7);
/// match completion(&cqe).expect("a valid time") {
///     TxTimestampCompletion::Report { report, more } => assert!(report.key == 0 && more),
///     TxTimestampCompletion::Ended { errno } => eprintln!("refused: errno {errno}"), // < 6.16
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
/// The submission queue is full.
pub fn arm(
    sq: &mut squeue::SubmissionQueue<'_, squeue::Entry>,
    fd: BorrowedFd<'_>,
    user_data: u64,
) -> Result<(), squeue::PushError> {
    let entry = opcode::UringCmd16::new(types::Fd(fd.as_raw_fd()), SOCKET_URING_OP_TX_TIMESTAMP)
        .build()
        .user_data(user_data);
    // SAFETY: the entry refers to no memory of this process (no address, no buffer, the
    // 16 command bytes are zero), only to the fd, which the kernel looks up and holds a
    // reference to at submission; so nothing the kernel touches can be freed under it.
    unsafe { sq.push(&entry) }
}

/// Decode one completion of a ring with 32-byte completions.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::codec::uring::TxTimestampCompletion;
/// use errq_sys::uring::completion;
/// use io_uring::{cqueue, squeue, IoUring};
/// # use std::os::fd::AsFd;
/// # use errq_sys::{set_so_timestamping, Timestamping};
/// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// # socket.connect(peer.local_addr()?)?;
/// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
/// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
/// let Ok(mut ring) = IoUring::<squeue::Entry, cqueue::Entry32>::builder().build(8) else {
///     return Ok(()); // no io_uring here
/// };
/// errq_sys::uring::arm(&mut ring.submission(), socket.as_fd(), 7).expect("room");
/// ring.submit()?;
/// socket.send(b"probe")?;
/// ring.submit_and_wait(1)?;
/// let invalid = |e| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
/// for cqe in ring.completion() {
///     match completion(&cqe).map_err(invalid)? {
///         TxTimestampCompletion::Report { report, .. } => {
///             println!("key {}: {:?}", report.key, report.time);
///         }
///         // Re-arm when `errno` is 0 (the kernel ended it); an errno is a refusal.
///         TxTimestampCompletion::Ended { errno } => println!("ended, errno {errno}"),
///     }
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
/// A completion whose time is impossible ([`TxTimestampCqe::completion`]).
pub fn completion(cqe: &cqueue::Entry32) -> Result<TxTimestampCompletion, errq_codec::Error> {
    cqe_value(cqe).completion()
}

fn cqe_value(cqe: &cqueue::Entry32) -> TxTimestampCqe {
    let [sec, nsec] = *cqe.big_cqe();
    // The codec reads the 32 bytes as the kernel lays them out in the host's byte order.
    let mut bytes = [0u8; errq_codec::uring::CQE32_LEN];
    let raw = TxTimestampCqe {
        user_data: cqe.user_data(),
        res: cqe.result(),
        flags: cqe.flags(),
        tv_sec: sec,
        tv_nsec: nsec,
    };
    let _ = raw.encode(Endian::NATIVE, &mut bytes);
    TxTimestampCqe::decode(&bytes, Endian::NATIVE).unwrap_or(raw)
}

/// Why io_uring cannot deliver TX timestamps here.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::os::fd::AsFd;
/// use errq_sys::uring::{TxTimestampRing, Unsupported};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// match TxTimestampRing::new(socket.as_fd(), 256) {
///     Ok(_ring) => println!("TX timestamps through io_uring"),
///     Err(Unsupported::Ring(e)) => println!("no io_uring here ({e}): use recvmsg"),
///     Err(Unsupported::Command(e)) => println!("kernel refused the command ({e}): use recvmsg"),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub enum Unsupported {
    /// The ring could not be created (`ENOSYS` without io_uring, `EPERM` when
    /// `kernel.io_uring_disabled` forbids it, `ENOMEM` over `RLIMIT_MEMLOCK`).
    Ring(io::Error),
    /// The kernel refused the command (`EOPNOTSUPP` before Linux 6.16 or for a socket
    /// family without it, `EINVAL`).
    Command(io::Error),
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ring(e) => write!(f, "io_uring ring setup failed: {e}"),
            Self::Command(e) => write!(f, "SOCKET_URING_OP_TX_TIMESTAMP refused: {e}"),
        }
    }
}

impl std::error::Error for Unsupported {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Ring(e) | Self::Command(e) => Some(e),
        }
    }
}

impl From<Unsupported> for io::Error {
    fn from(e: Unsupported) -> Self {
        Self::new(io::ErrorKind::Unsupported, e)
    }
}
