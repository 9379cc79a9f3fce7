//! Asynchronous waiting and reading, on tokio (feature `tokio`, tokio 1.36 or later).
//!
//! The error queue signals readiness as `POLLERR`/`EPOLLERR`, which tokio exposes as
//! [`Interest::ERROR`]. Every function here takes any [`AsyncErrorQueue`]: a
//! [`tokio::net::UdpSocket`], a [`tokio::net::TcpStream`], or any socket wrapped in an
//! [`AsyncFd`] (a `socket2::Socket` or `std::net::UdpSocket` set non-blocking). The shapes
//! match the blocking ones: [`recv_message`] is [`RecvBuffers::recv_message`] that waits,
//! [`recv_error`] is [`RecvBuffers::recv`] that waits, [`recv_batch`] is
//! [`BatchBuffers::recv`] that waits.
//!
//! A `socket2::Socket` reaches tokio without `unsafe`: set it non-blocking, turn it into a
//! `std::net::UdpSocket` (`socket.into()`), then `tokio::net::UdpSocket::from_std`.
//!
//! # Fairness
//! Every function consumes one unit of tokio's cooperative budget per call and only reports
//! readiness that a non-blocking `poll` confirms: a loop that waits without reading yields
//! to the runtime every budget's worth of calls instead of starving other tasks, and a stale
//! readiness (the queue was emptied by some other read) is cleared, not reported again.
//!
//! # Shutdown
//! A socket shut down in both directions while a task waits (`shutdown(SHUT_RDWR)` from
//! another thread, or a TCP connection closed: `POLLHUP`) ends the wait with an error of
//! kind [`io::ErrorKind::NotConnected`] once the queue is empty: nothing more can be
//! queued. Entries queued before the shutdown are still returned first. The blocking
//! [`crate::wait_error`] returns [`WaitOutcome::HungUp`](crate::WaitOutcome::HungUp) there.
//!
//! How: tokio wakes an [`Interest::ERROR`] waiter only for `EPOLLERR`, so each wait first
//! listens for [`Interest::PRIORITY`] too, whose readiness includes the read-closed state
//! that `EPOLLHUP` sets, and tells the states apart with a non-blocking `poll`. tokio never
//! clears a closed state, so a socket that is only half closed (a TCP peer's `FIN`:
//! `POLLRDHUP` without `POLLHUP`) would wake that waiter forever: there the wait falls back
//! to `EPOLLERR` alone, so it cannot spin (and a full shutdown after a half close, while
//! that wait runs, ends it only through its own `EPOLLERR`, a timeout or an abort).
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use errq_sys::{set_recverr, RecvBuffers};
//!
//! let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
//! set_recverr(&socket, true)?;
//! socket.send_to(b"probe", "127.0.0.1:9").await?; // nothing listens on port 9
//! let mut buffers: RecvBuffers = RecvBuffers::new();
//! let (_received, message) = errq_sys::tokio::recv_message(&socket, &mut buffers).await?;
//! println!("{message}"); // ICMP destination unreachable (port unreachable) from 127.0.0.1 ...
//! # Ok(()) }
//! ```

use std::future::Future;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use ::tokio::io::unix::AsyncFd;
use ::tokio::io::Interest;
use errq_codec::message::Message;

use crate::wait::{error_pending, poll_state};
use crate::{BatchBuffers, Received, RecvBuffers};

mod sealed {
    pub trait Sealed {}
}

/// A tokio-registered socket whose error queue can be awaited: [`AsyncFd`],
/// [`tokio::net::UdpSocket`], [`tokio::net::TcpStream`].
///
/// Sealed: the functions of this module are the interface.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use tokio::io::unix::AsyncFd;
/// use errq_sys::tokio::{recv_message, AsyncErrorQueue};
/// use errq_sys::RecvBuffers;
///
/// // Generic over the socket types of the module.
/// async fn first_error<S: AsyncErrorQueue>(socket: &S) -> std::io::Result<String> {
///     let mut buffers: RecvBuffers = RecvBuffers::new();
///     let (_received, message) = recv_message(socket, &mut buffers).await?;
///     Ok(message.to_string())
/// }
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// // A tokio socket as it is...
/// let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
/// errq_sys::set_recverr(&socket, true)?;
/// socket.send_to(b"probe", closed).await?;
/// assert!(first_error(&socket).await?.contains("port unreachable"));
/// // ...or a std socket, non-blocking, in an AsyncFd.
/// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// std_socket.set_nonblocking(true)?;
/// errq_sys::set_recverr(&std_socket, true)?;
/// std_socket.send_to(b"probe", closed)?;
/// let registered = AsyncFd::new(std_socket)?;
/// assert!(first_error(&registered).await?.contains("port unreachable"));
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub trait AsyncErrorQueue: sealed::Sealed {
    /// Wait for readiness of `interest`, run `f` on the socket's fd, and clear the
    /// readiness when `f` reports `WouldBlock` (then wait again). Consumes tokio's
    /// cooperative budget.
    #[doc(hidden)]
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        interest: Interest,
        f: F,
    ) -> impl Future<Output = io::Result<R>> + Send;
}

impl<T: AsRawFd + AsFd + Send + Sync> sealed::Sealed for AsyncFd<T> {}
impl<T: AsRawFd + AsFd + Send + Sync> AsyncErrorQueue for AsyncFd<T> {
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        interest: Interest,
        mut f: F,
    ) -> impl Future<Output = io::Result<R>> + Send {
        self.async_io(interest, move |inner| f(inner.as_fd()))
    }
}

impl sealed::Sealed for ::tokio::net::UdpSocket {}
impl AsyncErrorQueue for ::tokio::net::UdpSocket {
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        interest: Interest,
        mut f: F,
    ) -> impl Future<Output = io::Result<R>> + Send {
        self.async_io(interest, move || f(self.as_fd()))
    }
}

impl sealed::Sealed for ::tokio::net::TcpStream {}
impl AsyncErrorQueue for ::tokio::net::TcpStream {
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        interest: Interest,
        mut f: F,
    ) -> impl Future<Output = io::Result<R>> + Send {
        self.async_io(interest, move || f(self.as_fd()))
    }
}

/// `WouldBlock`, which tells tokio to clear the readiness and wait for the next event.
fn would_block<T>() -> io::Result<T> {
    Err(io::Error::from(io::ErrorKind::WouldBlock))
}

/// The error of a wait on a socket that was shut down in both directions.
fn hung_up() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "the socket was shut down (POLLHUP) with its error queue empty",
    )
}

/// Run `attempt` whenever the socket may have something, until it returns `Some`; end with
/// [`hung_up`] when the socket is shut down and `attempt` found nothing (see the module's
/// "Shutdown"). Every `attempt` is a non-blocking try that confirms its own readiness.
async fn until<S, R, F>(socket: &S, mut attempt: F) -> io::Result<R>
where
    S: AsyncErrorQueue,
    R: Send,
    F: FnMut(BorrowedFd<'_>) -> io::Result<Option<R>> + Send,
{
    /// Wakes that find nothing (no entry, no hang-up, no half close) before falling back
    /// to `EPOLLERR` alone: a closed state tokio keeps set while `poll` no longer shows it
    /// (a TCP socket reset by `connect(AF_UNSPEC)` clears its shutdown flags) would wake the
    /// waiter again at once, forever. A stale readiness (the queue emptied by another
    /// reader) costs one of them.
    const IDLE_WAKES: u32 = 16;
    let mut idle_wakes = 0u32;
    let first = socket
        .error_io(Interest::ERROR | Interest::PRIORITY, |fd| {
            if let Some(r) = attempt(fd)? {
                return Ok(Some(r));
            }
            let state = poll_state(fd)?;
            if state.hung_up {
                Err(hung_up())
            } else if state.read_closed || idle_wakes >= IDLE_WAKES {
                // Half closed: tokio keeps the read-closed readiness set for good.
                Ok(None)
            } else {
                idle_wakes = idle_wakes.saturating_add(1);
                would_block()
            }
        })
        .await?;
    match first {
        Some(r) => Ok(r),
        None => {
            socket
                .error_io(Interest::ERROR, |fd| {
                    attempt(fd)?.map_or_else(would_block, Ok)
                })
                .await
        }
    }
}

/// Wait until the socket reports `POLLERR` (error queue non-empty, or `SO_ERROR` pending).
///
/// Nothing is read: the entry stays queued for [`recv_error`] or a blocking read. The
/// readiness is confirmed with a non-blocking `poll` first, so an error queue emptied by
/// another reader does not wake this again; and each call consumes tokio's cooperative
/// budget, so a loop that waits without reading yields to other tasks instead of spinning
/// the runtime.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
/// errq_sys::set_recverr(&socket, true)?;
/// socket.send_to(b"probe", closed).await?;
/// errq_sys::tokio::wait_error(&socket).await?; // an ICMP port unreachable is queued
/// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
/// assert!(buffers.recv(&socket)?.is_some()); // still there: waiting read nothing
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// # Errors
/// [`io::ErrorKind::NotConnected`] when the socket is shut down (`POLLHUP`) with nothing
/// queued (see the module's "Shutdown"); a `poll` failure; a failure of the tokio reactor.
#[doc(alias = "POLLERR")]
pub async fn wait_error<S: AsyncErrorQueue>(socket: &S) -> io::Result<()> {
    until(socket, |fd| Ok(error_pending(fd)?.then_some(()))).await
}

/// Wait for and read one error-queue message into `buffers`; decode it with
/// [`RecvBuffers::message`], or use [`recv_message`], which does both.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use errq_sys::RecvBuffers;
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
/// errq_sys::set_recverr(&socket, true)?;
/// socket.send_to(b"probe", closed).await?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let received = errq_sys::tokio::recv_error(&socket, &mut buffers).await?;
/// assert_eq!(buffers.payload(&received), b"probe"); // the datagram the ICMP error is about
/// assert_eq!(buffers.message(&received).destination(), Some(closed));
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// # Errors
/// As [`crate::recv_error`]; [`io::ErrorKind::NotConnected`] when the socket is shut down
/// (`POLLHUP`) with nothing queued; a failure of the tokio reactor.
#[doc(alias = "recvmsg")]
pub async fn recv_error<S: AsyncErrorQueue, const P: usize, const C: usize>(
    socket: &S,
    buffers: &mut RecvBuffers<P, C>,
) -> io::Result<Received> {
    until(socket, |fd| buffers.recv(fd)).await
}

/// Wait for, read and decode one error-queue message: the async
/// [`RecvBuffers::recv_message`].
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use errq_sys::{set_recverr, RecvBuffers};
/// let stream = tokio::net::TcpStream::connect("127.0.0.1:8080").await?;
/// set_recverr(&stream, true)?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let (received, message) = errq_sys::tokio::recv_message(&stream, &mut buffers).await?;
/// println!("{message} ({} payload bytes)", received.payload_len);
/// # Ok(()) }
/// ```
///
/// # Errors
/// As [`recv_error`].
pub async fn recv_message<'b, S: AsyncErrorQueue, const P: usize, const C: usize>(
    socket: &S,
    buffers: &'b mut RecvBuffers<P, C>,
) -> io::Result<(Received, Message<'b>)> {
    let received = recv_error(socket, buffers).await?;
    Ok((received, buffers.message(&received)))
}

/// Wait for the error queue, then read up to `M` messages with one `recvmmsg`; read them
/// with [`BatchBuffers::iter`]. Returns how many arrived (at least 1).
///
/// One call is one system call's worth of work: a task draining a flooded socket in a loop
/// of `recv_batch` yields to the runtime when its cooperative budget runs out.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use errq_sys::BatchBuffers;
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
/// errq_sys::set_recverr(&socket, true)?;
/// socket.send_to(b"probe", closed).await?;
/// let mut batch: Box<BatchBuffers<16>> = Box::default();
/// let n = errq_sys::tokio::recv_batch(&socket, &mut *batch).await?;
/// assert_eq!(n, 1);
/// for (_received, message) in batch.iter() {
///     assert_eq!(message.destination(), Some(closed));
/// }
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// # Errors
/// As [`BatchBuffers::recv`]; [`io::ErrorKind::NotConnected`] when the socket is shut down
/// (`POLLHUP`) with nothing queued; a failure of the tokio reactor.
#[doc(alias = "recvmmsg")]
pub async fn recv_batch<S: AsyncErrorQueue, const M: usize, const P: usize, const C: usize>(
    socket: &S,
    batch: &mut BatchBuffers<M, P, C>,
) -> io::Result<usize> {
    until(socket, |fd| {
        Ok(match batch.recv(fd)? {
            0 => None,
            n => Some(n),
        })
    })
    .await
}
