//! TX timestamps through io_uring (feature `io-uring`, Linux 6.16): no system call per report.
//!
//! `IORING_OP_URING_CMD` with `SOCKET_URING_OP_TX_TIMESTAMP` on a ring with 32-byte
//! completions arms a multishot poll for `EPOLLERR` on the socket; the kernel then takes
//! every transmit timestamp without payload (`SOF_TIMESTAMPING_OPT_TSONLY`) off the error
//! queue itself and posts one completion per report, decoded here by
//! [`errq_codec::uring::TxTimestampCqe`] into the same [`TxReport`] the `recvmsg` path gives
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
//! [`BatchBuffers`]. When the completion ring is full the kernel stops posting and leaves
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
use std::marker::PhantomData;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use errq_codec::abi::Endian;
use errq_codec::track::TxReport;
use errq_codec::uring::{TxTimestampCompletion, TxTimestampCqe, SOCKET_URING_OP_TX_TIMESTAMP};
use io_uring::{cqueue, opcode, squeue, types, IoUring};

use crate::{BatchBuffers, Received};
use errq_codec::message::Message;

/// The `user_data` errq gives its own request.
const USER_DATA: u64 = u64::from_be_bytes(*b"errq-tx\0");
/// The `user_data` of the cancellation in [`TxTimestampRing::finish`].
const CANCEL_USER_DATA: u64 = u64::from_be_bytes(*b"errq-cx\0");

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

/// A ring errq owns, delivering the TX timestamps of one socket.
///
/// Create it on the thread that will reap it: it is not `Send` (a single-issuer ring with
/// deferred task work, so reports cost no interruption of the thread until it reaps).
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::os::fd::AsFd;
/// use std::time::Duration;
/// use errq_sys::uring::TxTimestampRing;
/// use errq_sys::{set_so_timestamping, Timestamping};
///
/// let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// socket.connect(peer.local_addr()?)?;
/// // OPT_TSONLY: only reports without the packet go through the ring.
/// set_so_timestamping(
///     &socket,
///     Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID
///         | Timestamping::OPT_TSONLY,
/// )?;
/// let Ok(mut ring) = TxTimestampRing::new(socket.as_fd(), 256) else {
///     return Ok(()); // no io_uring TX timestamps here: see `TxTimestamps` for the fallback
/// };
/// socket.send(b"probe")?;
/// assert!(ring.wait_timeout(1, Duration::from_secs(5))?);
/// let mut keys = Vec::new();
/// ring.reap(|report| keys.push(report.key))?;
/// assert_eq!(keys, [0]);
/// # Ok(()) }
/// ```
pub struct TxTimestampRing<'fd> {
    ring: IoUring<squeue::Entry, cqueue::Entry32>,
    fd: BorrowedFd<'fd>,
    armed: bool,
    rearms: u64,
    /// A single-issuer ring: every call must come from the thread that created it.
    not_send: PhantomData<*const ()>,
}

impl std::fmt::Debug for TxTimestampRing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxTimestampRing")
            .field("fd", &self.fd)
            .field("armed", &self.armed)
            .field("rearms", &self.rearms)
            .finish_non_exhaustive()
    }
}

impl<'fd> TxTimestampRing<'fd> {
    /// Create a ring with room for `cq_entries` completions (at least 2) and arm the
    /// command for `fd`.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::fd::AsFd;
    /// use errq_sys::uring::TxTimestampRing;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// // Room for 1024 reports between two reaps.
    /// match TxTimestampRing::new(socket.as_fd(), 1024) {
    ///     Ok(ring) => assert_eq!(ring.rearms(), 0),
    ///     // Before Linux 6.16, or where a sandbox forbids io_uring: read with recvmsg instead.
    ///     Err(why) => eprintln!("{why}"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Unsupported`] when the ring cannot be created or the kernel refuses the command.
    pub fn new(fd: BorrowedFd<'fd>, cq_entries: u32) -> Result<Self, Unsupported> {
        // DEFER_TASKRUN (Linux 6.1): the kernel's work of posting completions waits until
        // this thread asks for completions, instead of interrupting it at every report; a
        // wait for N completions then wakes once per N reports. It needs SINGLE_ISSUER,
        // hence a ring used by one thread (this type is not `Send`). Older kernels: without.
        let ring = IoUring::<squeue::Entry, cqueue::Entry32>::builder()
            .setup_cqsize(cq_entries.max(2))
            .setup_single_issuer()
            .setup_defer_taskrun()
            .setup_taskrun_flag()
            .build(1)
            .or_else(|_| {
                IoUring::<squeue::Entry, cqueue::Entry32>::builder()
                    .setup_cqsize(cq_entries.max(2))
                    .build(1)
            })
            .map_err(Unsupported::Ring)?;
        let mut this = Self {
            ring,
            fd,
            armed: false,
            rearms: 0,
            not_send: PhantomData,
        };
        this.rearm().map_err(Unsupported::Ring)?;
        // A refused command completes at once; an accepted one stays armed silently.
        let mut cq = this.ring.completion();
        cq.sync();
        if let Some(cqe) = cq.next() {
            let res = cqe.result();
            if res < 0 {
                return Err(Unsupported::Command(io::Error::from_raw_os_error(
                    res.saturating_neg(),
                )));
            }
        }
        drop(cq);
        Ok(this)
    }

    fn rearm(&mut self) -> io::Result<()> {
        let mut sq = self.ring.submission();
        arm(&mut sq, self.fd, USER_DATA).map_err(|_| io::Error::from(io::ErrorKind::WouldBlock))?;
        drop(sq);
        self.ring.submit()?;
        self.armed = true;
        Ok(())
    }

    /// How many completions the kernel dropped because the completion ring was full and
    /// could not take them into its overflow list either (`cq.koverflow`): reports lost.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::uring::TxTimestampRing;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// // A ring of 2 completions for 8 reports: when it is full the kernel stops posting and
    /// // leaves the rest on the error queue, where `finish` reads them. None is lost.
    /// let Ok(mut ring) = TxTimestampRing::new(socket.as_fd(), 2) else {
    ///     return Ok(()); // no io_uring TX timestamps here
    /// };
    /// for i in 0..8_u8 {
    ///     socket.send(&[i])?;
    /// }
    /// let mut reports = ring.reap(|_| {})?;
    /// assert_eq!(ring.dropped(), 0);
    /// reports += ring.finish(|_| {})?;
    /// assert_eq!(reports, 8);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn dropped(&mut self) -> u32 {
        self.ring.completion().overflow()
    }

    /// How many times the request was armed again after the kernel ended it.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::uring::TxTimestampRing;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// let Ok(mut ring) = TxTimestampRing::new(socket.as_fd(), 2) else {
    ///     return Ok(()); // no io_uring TX timestamps here
    /// };
    /// for i in 0..8_u8 {
    ///     socket.send(&[i])?;
    /// }
    /// ring.reap(|_| {})?;
    /// // A full completion ring can end the request; `reap` armed it again each time.
    /// println!("re-armed {} times", ring.rearms());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub const fn rearms(&self) -> u64 {
        self.rearms
    }

    /// Hand every completed report to `f`, re-arming the request if the kernel ended it;
    /// returns how many reports there were. Enters the kernel once (to run the pending
    /// work that posts completions), however many reports there are.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::uring::TxTimestampRing;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// use std::time::Duration;
    /// let Ok(mut ring) = TxTimestampRing::new(socket.as_fd(), 256) else {
    ///     return Ok(()); // no io_uring TX timestamps here
    /// };
    /// for i in 0..3_u8 {
    ///     socket.send(&[i])?;
    /// }
    /// ring.wait_timeout(3, Duration::from_secs(5))?;
    /// let mut keys = Vec::new();
    /// let n = ring.reap(|report| keys.push(report.key))?;
    /// assert_eq!((n, keys), (3, vec![0, 1, 2]));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `io_uring_enter` failed; the kernel ended the request with an error (`EINVAL`,
    /// `EOPNOTSUPP`, ...); a completion held an impossible time (`InvalidData`).
    pub fn reap(&mut self, mut f: impl FnMut(TxReport)) -> io::Result<usize> {
        self.ring.submit()?;
        let mut count = 0_usize;
        let mut ended = None;
        for cqe in self.ring.completion() {
            if cqe.user_data() != USER_DATA {
                continue; // the cancellation's own completion
            }
            match completion(&cqe).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))? {
                TxTimestampCompletion::Report { report, .. } => {
                    count = count.saturating_add(1);
                    f(report);
                }
                TxTimestampCompletion::Ended { errno } => ended = Some(errno),
            }
        }
        match ended {
            Some(0 | ECANCELED) | None => {}
            Some(errno) => {
                self.armed = false;
                return Err(io::Error::from_raw_os_error(
                    i32::try_from(errno).unwrap_or(libc::EINVAL),
                ));
            }
        }
        if ended.is_some() {
            self.armed = false;
        }
        if !self.armed {
            self.rearms = self.rearms.saturating_add(1);
            self.rearm()?;
        }
        Ok(count)
    }

    /// Stop: cancel the request, then hand every report still on its way to `f`: those
    /// already in the completion ring, then those left on the error queue (read with
    /// `recvmmsg`). Returns how many there were.
    ///
    /// While the request is armed the kernel takes reports off the queue whenever the
    /// socket signals `EPOLLERR`, which a `recvmsg` on the error queue also does (it sets
    /// the next entry's error and reports it): so do not drain the queue with `recvmsg`
    /// while the ring is armed; finish the ring first.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::uring::TxTimestampRing;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// let Ok(ring) = TxTimestampRing::new(socket.as_fd(), 256) else {
    ///     return Ok(()); // no io_uring TX timestamps here
    /// };
    /// socket.send(b"last")?;
    /// // Done sending: every report still due, from the ring or the error queue.
    /// let mut keys = Vec::new();
    /// assert_eq!(ring.finish(|report| keys.push(report.key))?, 1);
    /// assert_eq!(keys, [0]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `io_uring_enter` failed, or the drain failed.
    pub fn finish(mut self, mut f: impl FnMut(TxReport)) -> io::Result<usize> {
        let cancel = opcode::AsyncCancel::new(USER_DATA)
            .build()
            .user_data(CANCEL_USER_DATA);
        // SAFETY: a cancellation refers to no memory of this process, only to a
        // `user_data` value.
        unsafe { self.ring.submission().push(&cancel) }
            .map_err(|_| io::Error::from(io::ErrorKind::WouldBlock))?;
        let mut count = 0_usize;
        let mut ended = false;
        while !ended {
            self.ring.submit_and_wait(1)?;
            for cqe in self.ring.completion() {
                if cqe.user_data() != USER_DATA {
                    continue;
                }
                match completion(&cqe) {
                    Ok(TxTimestampCompletion::Report { report, .. }) => {
                        count = count.saturating_add(1);
                        f(report);
                    }
                    Ok(TxTimestampCompletion::Ended { .. }) | Err(_) => ended = true,
                }
            }
        }
        let mut batch: Box<BatchBuffers<32, 256>> = Box::default();
        batch.drain(self.fd, |_, message| {
            if let Ok(report) = TxReport::from_message(&message) {
                count = count.saturating_add(1);
                f(report);
            }
        })?;
        Ok(count)
    }

    /// Block until at least `want` completions are ready or `timeout` passed
    /// (`io_uring_enter` with `IORING_ENTER_EXT_ARG` and a timeout, Linux 5.11); returns
    /// whether they are ready.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::uring::TxTimestampRing;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// use std::time::Duration;
    /// let Ok(mut ring) = TxTimestampRing::new(socket.as_fd(), 256) else {
    ///     return Ok(()); // no io_uring TX timestamps here
    /// };
    /// assert!(!ring.wait_timeout(1, Duration::from_millis(10))?); // nothing sent, nothing due
    /// socket.send(b"probe")?;
    /// assert!(ring.wait_timeout(1, Duration::from_secs(5))?);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `io_uring_enter` failed (other than by the timeout).
    pub fn wait_timeout(&mut self, want: usize, timeout: std::time::Duration) -> io::Result<bool> {
        if self.ring.completion().len() >= want {
            return Ok(true);
        }
        let ts = types::Timespec::from(timeout);
        let args = types::SubmitArgs::new().timespec(&ts);
        match self.ring.submitter().submit_with_args(want, &args) {
            Ok(_) => Ok(self.ring.completion().len() >= want),
            Err(e) if e.raw_os_error() == Some(libc::ETIME) => Ok(false),
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Block until at least `want` completions are ready (`io_uring_enter` with
    /// `IORING_ENTER_GETEVENTS`).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::uring::TxTimestampRing;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// let Ok(mut ring) = TxTimestampRing::new(socket.as_fd(), 256) else {
    ///     return Ok(()); // no io_uring TX timestamps here
    /// };
    /// for i in 0..4_u8 {
    ///     socket.send(&[i])?;
    /// }
    /// ring.wait(4)?; // blocks until the 4 reports are in (no timeout: see `wait_timeout`)
    /// assert_eq!(ring.reap(|_| {})?, 4);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// `io_uring_enter` failed.
    pub fn wait(&mut self, want: usize) -> io::Result<()> {
        if self.ring.completion().len() < want {
            self.ring.submit_and_wait(want)?;
        }
        Ok(())
    }
}

/// `ECANCELED` as the unsigned errno of [`TxTimestampCompletion::Ended`].
const ECANCELED: u32 = libc::ECANCELED.unsigned_abs();

/// TX timestamps by the best path the kernel offers: io_uring, else a `recvmmsg` drain.
///
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::uring::TxTimestamps;
/// use std::os::fd::AsFd;
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// let mut reports = TxTimestamps::new(socket.as_fd());
/// if let Some(why) = reports.fallback_reason() {
///     eprintln!("no io_uring timestamps ({why}); using recvmmsg");
/// }
/// reports.reap(|r| println!("{r:?}"), |_received, other| println!("{other}"))?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TxTimestamps<'fd> {
    path: Path<'fd>,
}

#[derive(Debug)]
enum Path<'fd> {
    Uring(Box<TxTimestampRing<'fd>>),
    Recvmmsg {
        fd: BorrowedFd<'fd>,
        batch: Box<BatchBuffers<32, 256>>,
        why: Unsupported,
    },
}

impl<'fd> TxTimestamps<'fd> {
    /// Try io_uring (a 4096-completion ring); fall back to a `recvmmsg` drain if the kernel
    /// or the sandbox refuses it.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// use std::time::{Duration, Instant};
    /// use errq_sys::uring::TxTimestamps;
    /// let mut reports = TxTimestamps::new(socket.as_fd()); // io_uring, else recvmmsg
    /// socket.send(b"probe")?;
    /// let mut keys = Vec::new();
    /// let deadline = Instant::now() + Duration::from_secs(5);
    /// while keys.is_empty() && Instant::now() < deadline {
    ///     reports.reap(|r| keys.push(r.key), |_, other| println!("{other}"))?;
    /// }
    /// assert_eq!(keys, [0]); // the same report by either path
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn new(fd: BorrowedFd<'fd>) -> Self {
        Self::with_ring_size(fd, 4096)
    }

    /// As [`TxTimestamps::new`], with a completion ring of `cq_entries`.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::fd::AsFd;
    /// use errq_sys::uring::TxTimestamps;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// // A small ring for a socket that sends little: 64 completions of 32 bytes.
    /// let reports = TxTimestamps::with_ring_size(socket.as_fd(), 64);
    /// println!("io_uring: {}", reports.uses_io_uring());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn with_ring_size(fd: BorrowedFd<'fd>, cq_entries: u32) -> Self {
        let path = match TxTimestampRing::new(fd, cq_entries) {
            Ok(ring) => Path::Uring(Box::new(ring)),
            Err(why) => Self::fallback(fd, why),
        };
        Self { path }
    }

    /// Use the `recvmmsg` drain whatever the kernel offers (`why` says so in
    /// [`fallback_reason`](Self::fallback_reason)).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// use errq_sys::uring::TxTimestamps;
    /// // The recvmmsg path, e.g. to compare it with io_uring.
    /// let mut reports = TxTimestamps::recvmmsg_only(socket.as_fd());
    /// assert!(!reports.uses_io_uring());
    /// socket.send(b"probe")?;
    /// let mut keys = Vec::new();
    /// assert_eq!(reports.reap(|r| keys.push(r.key), |_, _| {})?, 1);
    /// assert_eq!(keys, [0]);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn recvmmsg_only(fd: BorrowedFd<'fd>) -> Self {
        let why = Unsupported::Command(io::Error::new(
            io::ErrorKind::Unsupported,
            "recvmmsg chosen by the caller",
        ));
        Self {
            path: Self::fallback(fd, why),
        }
    }

    fn fallback(fd: BorrowedFd<'fd>, why: Unsupported) -> Path<'fd> {
        Path::Recvmmsg {
            fd,
            batch: Box::new(BatchBuffers::new()),
            why,
        }
    }

    /// Whether reports come through io_uring.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::fd::AsFd;
    /// use errq_sys::uring::TxTimestamps;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let reports = TxTimestamps::new(socket.as_fd());
    /// // Exactly one of the two holds.
    /// assert_eq!(reports.uses_io_uring(), reports.fallback_reason().is_none());
    /// assert!(!TxTimestamps::recvmmsg_only(socket.as_fd()).uses_io_uring());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub const fn uses_io_uring(&self) -> bool {
        matches!(self.path, Path::Uring(_))
    }

    /// Why io_uring is not used, if it is not.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// use std::os::fd::AsFd;
    /// use errq_sys::uring::TxTimestamps;
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// let reports = TxTimestamps::new(socket.as_fd());
    /// if let Some(why) = reports.fallback_reason() {
    ///     eprintln!("TX timestamps by recvmmsg: {why}");
    /// }
    /// let forced = TxTimestamps::recvmmsg_only(socket.as_fd());
    /// let why = forced.fallback_reason().expect("recvmmsg chosen");
    /// assert!(why.to_string().contains("recvmmsg chosen by the caller"));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub const fn fallback_reason(&self) -> Option<&Unsupported> {
        match &self.path {
            Path::Uring(_) => None,
            Path::Recvmmsg { why, .. } => Some(why),
        }
    }

    /// Hand every report that arrived to `report`, and on the `recvmmsg` path every other
    /// error-queue message to `other` (on the io_uring path those stay queued for
    /// [`RecvBuffers`](crate::RecvBuffers)). Returns how many reports there were. Does not block.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::os::fd::AsFd;
    /// # use errq_sys::{set_so_timestamping, Timestamping};
    /// # let peer = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # socket.connect(peer.local_addr()?)?;
    /// # set_so_timestamping(&socket, Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE
    /// #     | Timestamping::OPT_ID | Timestamping::OPT_TSONLY)?;
    /// use std::time::{Duration, Instant};
    /// use errq_sys::uring::TxTimestamps;
    /// let mut reports = TxTimestamps::new(socket.as_fd());
    /// let deadline = Instant::now() + Duration::from_secs(5);
    /// let mut sent = 0_u32;
    /// let mut keys = Vec::new();
    /// while keys.len() < 3 && Instant::now() < deadline {
    ///     if sent < 3 {
    ///         socket.send(&sent.to_be_bytes())?;
    ///         sent += 1;
    ///     }
    ///     // Reap between sends: it never blocks.
    ///     reports.reap(|r| keys.push(r.key), |_, other| eprintln!("not a report: {other}"))?;
    /// }
    /// assert_eq!(keys, [0, 1, 2]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`TxTimestampRing::reap`] or [`BatchBuffers::recv`].
    pub fn reap(
        &mut self,
        mut report: impl FnMut(TxReport),
        mut other: impl FnMut(Received, Message<'_>),
    ) -> io::Result<usize> {
        match &mut self.path {
            Path::Uring(ring) => ring.reap(report),
            Path::Recvmmsg { fd, batch, .. } => {
                let mut count = 0_usize;
                batch.drain(*fd, |received, message| {
                    match TxReport::from_message(&message) {
                        Ok(r) => {
                            count = count.saturating_add(1);
                            report(r);
                        }
                        Err(_) => other(received, message),
                    }
                })?;
                Ok(count)
            }
        }
    }
}

impl AsFd for TxTimestampRing<'_> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd
    }
}
