//! [`TxTimestampRing`]: a ring errq owns for one socket's TX timestamps.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsFd, BorrowedFd};

use errq_codec::track::TxReport;
use errq_codec::uring::TxTimestampCompletion;
use io_uring::{cqueue, opcode, squeue, types, IoUring};

use super::{arm, completion, Unsupported, CANCEL_USER_DATA, USER_DATA};
use crate::BatchBuffers;

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

impl AsFd for TxTimestampRing<'_> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd
    }
}
