//! Shutting a socket down while another thread or task waits on its error queue: the wait
//! ends with a clear outcome, it does not hang.
//!
//! In safe Rust a socket cannot be closed while another thread borrows it for a wait, and
//! `close(2)` would not wake a `poll` in progress anyway (the poll holds its own reference
//! to the file). What a program can do is `shutdown(fd, SHUT_RDWR)`: `inet_shutdown` sets
//! `sk_shutdown` and calls `sk_state_change`, which wakes the waiters, and
//! `datagram_poll` then reports `POLLHUP` (it does so even for an unconnected UDP socket,
//! whose `shutdown` itself fails with `ENOTCONN`): the blocking wait returns `HungUp`, the
//! tokio ones end with `NotConnected` once the queue is empty. A tokio task can also be
//! dropped (aborted), which drops the wait and the socket it owns. Every wait here is
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

/// A tokio wait (`wait_error`, `recv_error`, `recv_batch`) on a socket shut down from
/// another task ends with `NotConnected`, as the blocking wait ends with `HungUp`: tokio
/// wakes the waiter for `EPOLLHUP` through `Interest::PRIORITY`, and a non-blocking `poll`
/// sees `POLLHUP` (`datagram_poll`: `sk_shutdown == SHUTDOWN_MASK`).
#[test]
fn tokio_waits_end_on_shutdown() {
    if !require_root() {
        return;
    }
    for which in ["wait_error", "recv_error", "recv_batch"] {
        on_tokio_socket(|socket| async move {
            let socket = Arc::new(socket);
            let waiting = Arc::clone(&socket);
            let waiter = tokio::spawn(async move {
                let s = waiting.as_ref();
                match which {
                    "wait_error" => errq_sys::tokio::wait_error(s).await,
                    "recv_error" => {
                        let mut buffers: RecvBuffers = RecvBuffers::new();
                        errq_sys::tokio::recv_error(s, &mut buffers).await.map(drop)
                    }
                    _ => {
                        let mut batch: Box<errq_sys::BatchBuffers<4>> = Box::default();
                        errq_sys::tokio::recv_batch(s, &mut *batch).await.map(drop)
                    }
                }
            });
            tokio::time::sleep(Duration::from_millis(50)).await;
            shutdown(socket.as_ref());
            let r = tokio::time::timeout(BOUND, waiter)
                .await
                .unwrap_or_else(|_| panic!("{which}: no end within {BOUND:?} of the shutdown"));
            let e = r.unwrap().expect_err(which);
            assert_eq!(e.kind(), std::io::ErrorKind::NotConnected, "{which}: {e}");
        });
    }
}

/// Entries queued before the shutdown still come out of a tokio read, in order; only then
/// does it end with `NotConnected`.
#[test]
fn tokio_read_after_shutdown_returns_the_queue_first() {
    if !require_root() {
        return;
    }
    on_tokio_socket(|socket| async move {
        // A port nobody listens on, in the same namespace: each send queues a port
        // unreachable (loopback delivers it before send_to returns).
        let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let dest = closed.local_addr().unwrap();
        drop(closed);
        // Each queued error also sets SO_ERROR, which fails the next send once (that
        // datagram is not sent): send until two went out.
        let mut sent = 0;
        while sent < 2 {
            match socket.send_to(b"probe", dest).await {
                Ok(_) => sent += 1,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
                Err(e) => panic!("send_to: {e}"),
            }
        }
        errq_sys::tokio::wait_error(&socket).await.unwrap();
        shutdown(&socket);
        let mut buffers: RecvBuffers = RecvBuffers::new();
        for _ in 0..2 {
            let r = tokio::time::timeout(BOUND, errq_sys::tokio::recv_error(&socket, &mut buffers))
                .await
                .expect("a queued entry is read at once");
            let received = r.expect("a queued entry, not the hang-up");
            assert_eq!(buffers.message(&received).destination(), Some(dest));
        }
        let e = tokio::time::timeout(BOUND, errq_sys::tokio::recv_error(&socket, &mut buffers))
            .await
            .expect("an empty, shut-down queue ends the read")
            .expect_err("nothing left");
        assert_eq!(e.kind(), std::io::ErrorKind::NotConnected);
    });
}

/// A TCP connection whose peer only half-closed (`FIN`: `POLLRDHUP`, no `POLLHUP`) keeps
/// tokio's read-closed readiness set for good. A `wait_error` loop there must not spin: it
/// falls back to waiting for `EPOLLERR` alone. Measured: the CPU time of the runtime's
/// thread while one `wait_error` runs into a 500 ms timeout; a spinning wait would use
/// about all of it, an idle one a few milliseconds (the bound, 100 ms, holds on a loaded
/// 2-core machine).
#[test]
fn tokio_wait_does_not_spin_on_a_half_closed_connection() {
    if !require_root() {
        return;
    }
    let ns = flood_support::flood_ns();
    let (client, accepted) = errq_tests::sockets::tcp_pair(&ns);
    errq_sys::set_recverr(&client, true).unwrap();
    accepted.shutdown(std::net::Shutdown::Write).unwrap(); // the peer's FIN
    client.set_nonblocking(true).unwrap();
    // A spinning wait never returns to the runtime, so its timeout never fires: run the
    // runtime on a thread of its own and fail if it has not finished long after.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        flood_support::runtime().block_on(async {
            let stream = tokio::net::TcpStream::from_std(client).unwrap();
            // The FIN has arrived: the client reads end of file.
            let mut buf = [0u8; 1];
            stream.readable().await.unwrap();
            assert_eq!(stream.try_read(&mut buf).unwrap(), 0);
            for round in 0..2 {
                let cpu0 = ffi::thread_cpu();
                let t0 = Instant::now();
                let r = tokio::time::timeout(
                    Duration::from_millis(500),
                    errq_sys::tokio::wait_error(&stream),
                )
                .await;
                let (cpu, wall) = (ffi::thread_cpu() - cpu0, t0.elapsed());
                assert!(
                    r.is_err(),
                    "round {round}: no error is queued, the wait must time out"
                );
                assert!(
                    cpu < Duration::from_millis(100),
                    "round {round}: the wait used {cpu:?} of CPU in {wall:?}: it spins"
                );
            }
        });
        done.send(()).unwrap();
    });
    match finished.recv_timeout(BOUND) {
        Ok(()) => {}
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("the wait never gave the runtime back within {BOUND:?}: it spins")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("the runtime's thread panicked (its message is above)")
        }
    }
    drop(accepted);
}
