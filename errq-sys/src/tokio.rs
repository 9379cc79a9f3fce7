//! Asynchronous waiting and reading, on tokio (feature `tokio`).
//!
//! The error queue signals readiness as `POLLERR`/`EPOLLERR`, which tokio exposes as
//! [`Interest::ERROR`]. Two ways in:
//!
//! - a socket wrapped in [`AsyncFd`] (any `AsRawFd + AsFd`, e.g. a `socket2::Socket` or
//!   `std::net::UdpSocket` set non-blocking): [`wait_error`], [`recv_error`],
//!   [`recv_batch`];
//! - a [`tokio::net::UdpSocket`]: [`recv_error_udp`].
//!
//! Registering a socket is the caller's step: `AsyncFd::register` (tokio 1.54 and later,
//! `unsafe` because the fd must stay open while registered) or `AsyncFd::new` before that.
//! The socket must be non-blocking.

use std::io;
use std::os::fd::{AsFd, AsRawFd};

use ::tokio::io::unix::AsyncFd;
use ::tokio::io::Interest;

use crate::{BatchBuffers, Received, RecvBuffers};

/// Wait until `fd` reports `POLLERR` (error queue non-empty or `SO_ERROR` pending).
///
/// The readiness is not cleared: the next read decides. Prefer [`recv_error`], which clears
/// it when the queue turns out empty.
///
/// # Errors
/// A failure of the tokio reactor.
pub async fn wait_error<T: AsRawFd>(fd: &AsyncFd<T>) -> io::Result<()> {
    let guard = fd.ready(Interest::ERROR).await?;
    drop(guard);
    Ok(())
}

/// Wait for and read one error-queue message into `buffers`; decode it with
/// [`RecvBuffers::message`].
///
/// # Errors
/// As [`crate::recv_error`], or a failure of the tokio reactor.
pub async fn recv_error<T: AsRawFd + AsFd, const P: usize, const C: usize>(
    fd: &AsyncFd<T>,
    buffers: &mut RecvBuffers<P, C>,
) -> io::Result<Received> {
    loop {
        let mut guard = fd.ready(Interest::ERROR).await?;
        match buffers.recv(guard.get_inner())? {
            Some(received) => return Ok(received),
            None => guard.clear_ready(),
        }
    }
}

/// Wait for the error queue, then read up to `M` messages with one `recvmmsg`; read them
/// with [`BatchBuffers::iter`]. Returns how many arrived (at least 1).
///
/// # Errors
/// As [`BatchBuffers::recv`], or a failure of the tokio reactor.
pub async fn recv_batch<T: AsRawFd + AsFd, const M: usize, const P: usize, const C: usize>(
    fd: &AsyncFd<T>,
    batch: &mut BatchBuffers<M, P, C>,
) -> io::Result<usize> {
    loop {
        let mut guard = fd.ready(Interest::ERROR).await?;
        match batch.recv(guard.get_inner())? {
            0 => guard.clear_ready(),
            n => return Ok(n),
        }
    }
}

/// Wait for and read one error-queue message of a tokio `UdpSocket` into `buffers`.
///
/// # Errors
/// As [`crate::recv_error`], or a failure of the tokio reactor.
pub async fn recv_error_udp<const P: usize, const C: usize>(
    socket: &::tokio::net::UdpSocket,
    buffers: &mut RecvBuffers<P, C>,
) -> io::Result<Received> {
    socket
        .async_io(Interest::ERROR, || {
            buffers
                .recv(socket)?
                .ok_or_else(|| io::Error::from(io::ErrorKind::WouldBlock))
        })
        .await
}
