//! Blocking until the error queue has something: `poll` for `POLLERR`.

use std::io;
#[cfg(feature = "tokio")]
use std::os::fd::BorrowedFd;
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use crate::sockopt::so_domain;

/// How [`wait_error`] ended.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// # use std::time::Duration;
/// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
/// # // queues an ICMP port unreachable on it.
/// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
/// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// # errq_sys::set_recverr(&socket, true)?;
/// # socket.send_to(b"probe", closed)?;
/// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
/// use errq_sys::{wait_error, WaitOutcome};
///
/// let quiet = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// assert_eq!(wait_error(&quiet, Some(Duration::from_millis(10)))?, WaitOutcome::TimedOut);
/// // `socket` has a queued port unreachable.
/// assert_eq!(wait_error(&socket, Some(Duration::from_millis(10)))?, WaitOutcome::Ready);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitOutcome {
    /// `POLLERR`: the error queue is non-empty (or `SO_ERROR` is pending). Read it now.
    Ready,
    /// The timeout passed with no error.
    TimedOut,
    /// `POLLHUP` without `POLLERR`: the socket is shut down and nothing is queued.
    HungUp,
}

/// Block until `fd` reports `POLLERR` or `timeout` passes (`None`: no timeout).
///
/// `poll` reports `POLLERR` while the error queue is non-empty, whatever events were asked
/// for, so this asks for none: data waiting on the normal receive queue does not wake it.
/// `EINTR` is retried with the time that is left. A timeout is rounded up to whole
/// milliseconds; one longer than `i32::MAX` ms waits in several rounds.
///
/// # Errors
/// `ENOTSOCK` for a non-socket fd and `EBADF` for a closed one (checked with one
/// `getsockopt(SO_DOMAIN)` first, because `poll` on a pipe would just time out); any other
/// `poll` failure.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use errq_sys::{set_recverr, wait_error, RecvBuffers, WaitOutcome};
///
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_recverr(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// match wait_error(&socket, Some(Duration::from_secs(5)))? {
///     WaitOutcome::Ready => {
///         let (_, message) = buffers.recv_message(&socket)?.expect("queued");
///         assert_eq!(message.destination(), Some(closed));
///     }
///     other => panic!("no error queued: {other:?}"),
/// }
/// # Ok(()) }
/// ```
#[doc(alias = "poll")]
#[doc(alias = "POLLERR")]
pub fn wait_error<Fd: AsFd>(fd: Fd, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
    let fd = fd.as_fd();
    so_domain(fd).map_err(crate::SockoptError::into_os_error)?;
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        let ms = match (timeout, deadline) {
            (None, _) => -1,
            // A timeout so long that the deadline overflows `Instant`: wait in rounds.
            (Some(_), None) => i32::MAX,
            (Some(_), Some(deadline)) => {
                poll_ms(deadline.saturating_duration_since(Instant::now()))
            }
        };
        let mut pfd = libc::pollfd {
            fd: fd.as_raw_fd(),
            events: 0,
            revents: 0,
        };
        // SAFETY: `pfd` is one live, initialized `pollfd` and the count passed is 1; the fd
        // is borrowed for the call.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 {
            let err = io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Err(err);
        }
        if pfd.revents & libc::POLLNVAL != 0 {
            return Err(io::Error::from_raw_os_error(libc::EBADF));
        }
        if pfd.revents & libc::POLLERR != 0 {
            return Ok(WaitOutcome::Ready);
        }
        if pfd.revents & libc::POLLHUP != 0 {
            return Ok(WaitOutcome::HungUp);
        }
        // Nothing yet: either the time is up, or poll woke early / waited one round of a
        // longer timeout. (Without a timeout poll never returns 0.)
        if rc == 0 && deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Ok(WaitOutcome::TimedOut);
        }
    }
}

/// What a non-blocking `poll` says of a socket right now.
#[cfg(feature = "tokio")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PollState {
    /// `POLLERR`: the error queue holds an entry, or `SO_ERROR` is set.
    pub(crate) error: bool,
    /// `POLLHUP`: both directions are shut down (or a TCP socket is closed): nothing more
    /// will be queued.
    pub(crate) hung_up: bool,
    /// `POLLRDHUP`: the receive side is shut down (a TCP peer's `FIN`, `SHUT_RD`).
    pub(crate) read_closed: bool,
}

/// Poll `fd` once without waiting (`POLLERR` and `POLLHUP` are always reported; `POLLRDHUP`
/// is asked for).
///
/// # Errors
/// A `poll` failure, or `EBADF` for an fd that is not open (`POLLNVAL`).
#[cfg(feature = "tokio")]
pub(crate) fn poll_state(fd: BorrowedFd<'_>) -> io::Result<PollState> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLRDHUP,
        revents: 0,
    };
    loop {
        // SAFETY: `pfd` is one live, initialized `pollfd` and the count passed is 1; the fd
        // is borrowed for the call; a timeout of 0 never blocks.
        let rc = unsafe { libc::poll(&mut pfd, 1, 0) };
        if rc >= 0 {
            break;
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EINTR) {
            return Err(err);
        }
    }
    if pfd.revents & libc::POLLNVAL != 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    Ok(PollState {
        error: pfd.revents & libc::POLLERR != 0,
        hung_up: pfd.revents & libc::POLLHUP != 0,
        read_closed: pfd.revents & libc::POLLRDHUP != 0,
    })
}

/// Whether `POLLERR` is set now (see [`poll_state`]).
#[cfg(feature = "tokio")]
pub(crate) fn error_pending(fd: BorrowedFd<'_>) -> io::Result<bool> {
    Ok(poll_state(fd)?.error)
}

/// `d` as a `poll` timeout: milliseconds, rounded up, at most `i32::MAX`.
fn poll_ms(d: Duration) -> i32 {
    let ms = d
        .as_millis()
        .saturating_add(u128::from(d.subsec_nanos() % 1_000_000 != 0));
    i32::try_from(ms).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poll_ms_rounds_up_and_saturates() {
        assert_eq!(poll_ms(Duration::ZERO), 0);
        assert_eq!(poll_ms(Duration::from_nanos(1)), 1);
        assert_eq!(poll_ms(Duration::from_millis(5)), 5);
        assert_eq!(poll_ms(Duration::from_micros(5001)), 6);
        assert_eq!(poll_ms(Duration::from_secs(u64::MAX)), i32::MAX);
    }
}
