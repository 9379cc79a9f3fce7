//! [`TxTimestamps`]: io_uring where the kernel has the command, else a `recvmmsg` drain.

use std::io;
use std::os::fd::BorrowedFd;

use errq_codec::message::Message;
use errq_codec::track::TxReport;

use super::{TxTimestampRing, Unsupported};
use crate::{BatchBuffers, Received};

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
