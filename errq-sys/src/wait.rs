//! Blocking until the error queue has something: `poll` for `POLLERR`.

use std::io;
#[cfg(feature = "tokio")]
use std::os::fd::BorrowedFd;
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant};

use crate::sockopt::so_domain;

/// How [`wait_error`] ended.
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

/// Whether `poll(fd, 0)` reports `POLLERR` right now (error queue non-empty or `SO_ERROR`
/// pending), without waiting.
///
/// # Errors
/// A `poll` failure; `EBADF` when the fd is not open (`POLLNVAL`).
#[cfg(feature = "tokio")]
pub(crate) fn error_pending(fd: BorrowedFd<'_>) -> io::Result<bool> {
    let mut pfd = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: 0,
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
    Ok(pfd.revents & libc::POLLERR != 0)
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
