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
//! The waits listen for `EPOLLERR` only. A `shutdown()` of the socket from elsewhere
//! (`EPOLLHUP`) does not wake them: tokio wakes an `Interest::ERROR` waiter only for an
//! error event, and listening for `Interest::PRIORITY` too (whose readiness includes the
//! read-closed state) would spin on a TCP connection whose peer merely half-closed, because
//! tokio never clears a closed state. Stop a waiting task by dropping or aborting it (or
//! with `tokio::time::timeout`); the blocking [`crate::wait_error`] returns
//! [`WaitOutcome::HungUp`](crate::WaitOutcome::HungUp) instead.
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

use crate::wait::error_pending;
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
    /// Wait for `POLLERR`, run `f` on the socket's fd, and clear the readiness when `f`
    /// reports `WouldBlock` (then wait again). Consumes tokio's cooperative budget.
    #[doc(hidden)]
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        f: F,
    ) -> impl Future<Output = io::Result<R>> + Send;
}

impl<T: AsRawFd + AsFd + Send + Sync> sealed::Sealed for AsyncFd<T> {}
impl<T: AsRawFd + AsFd + Send + Sync> AsyncErrorQueue for AsyncFd<T> {
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        mut f: F,
    ) -> impl Future<Output = io::Result<R>> + Send {
        self.async_io(Interest::ERROR, move |inner| f(inner.as_fd()))
    }
}

impl sealed::Sealed for ::tokio::net::UdpSocket {}
impl AsyncErrorQueue for ::tokio::net::UdpSocket {
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        mut f: F,
    ) -> impl Future<Output = io::Result<R>> + Send {
        self.async_io(Interest::ERROR, move || f(self.as_fd()))
    }
}

impl sealed::Sealed for ::tokio::net::TcpStream {}
impl AsyncErrorQueue for ::tokio::net::TcpStream {
    fn error_io<R: Send, F: FnMut(BorrowedFd<'_>) -> io::Result<R> + Send>(
        &self,
        mut f: F,
    ) -> impl Future<Output = io::Result<R>> + Send {
        self.async_io(Interest::ERROR, move || f(self.as_fd()))
    }
}

/// `WouldBlock`, which tells tokio to clear the readiness and wait for the next event.
fn would_block<T>() -> io::Result<T> {
    Err(io::Error::from(io::ErrorKind::WouldBlock))
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
/// A `poll` failure, or a failure of the tokio reactor.
#[doc(alias = "POLLERR")]
pub async fn wait_error<S: AsyncErrorQueue>(socket: &S) -> io::Result<()> {
    socket
        .error_io(|fd| {
            if error_pending(fd)? {
                Ok(())
            } else {
                would_block()
            }
        })
        .await
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
/// As [`crate::recv_error`], or a failure of the tokio reactor.
#[doc(alias = "recvmsg")]
pub async fn recv_error<S: AsyncErrorQueue, const P: usize, const C: usize>(
    socket: &S,
    buffers: &mut RecvBuffers<P, C>,
) -> io::Result<Received> {
    socket
        .error_io(|fd| match buffers.recv(fd)? {
            Some(received) => Ok(received),
            None => would_block(),
        })
        .await
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
/// As [`crate::recv_error`], or a failure of the tokio reactor.
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
/// As [`BatchBuffers::recv`], or a failure of the tokio reactor.
#[doc(alias = "recvmmsg")]
pub async fn recv_batch<S: AsyncErrorQueue, const M: usize, const P: usize, const C: usize>(
    socket: &S,
    batch: &mut BatchBuffers<M, P, C>,
) -> io::Result<usize> {
    socket
        .error_io(|fd| match batch.recv(fd)? {
            0 => would_block(),
            n => Ok(n),
        })
        .await
}
