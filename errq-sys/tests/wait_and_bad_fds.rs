//! Waiting with a timeout, and what bad file descriptors give.
// Tests report failures by panicking, and use small known values.
#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]

mod common;

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use common::{bind, closed_port};
use errq_sys::{
    recv_error, set_ip_recverr, set_recverr, so_error, wait_error, BatchBuffers, ControlBuffer,
    NameBuffer, RecvBuffers, WaitOutcome,
};

#[test]
fn wait_times_out_on_an_empty_queue() {
    let socket = bind("127.0.0.1").unwrap();
    set_recverr(&socket, true).unwrap();
    let start = Instant::now();
    let outcome = wait_error(&socket, Some(Duration::from_millis(60))).unwrap();
    assert_eq!(outcome, WaitOutcome::TimedOut);
    assert!(start.elapsed() >= Duration::from_millis(60));
    assert_eq!(
        wait_error(&socket, Some(Duration::ZERO)).unwrap(),
        WaitOutcome::TimedOut
    );
}

#[test]
fn wait_ignores_normal_data_and_wakes_for_errors() {
    let socket = bind("127.0.0.1").unwrap();
    set_recverr(&socket, true).unwrap();
    // Data on the normal receive queue must not wake a wait for errors.
    let peer = bind("127.0.0.1").unwrap();
    peer.send_to(b"data", socket.local_addr().unwrap()).unwrap();
    assert_eq!(
        wait_error(&socket, Some(Duration::from_millis(50))).unwrap(),
        WaitOutcome::TimedOut
    );

    // An error from another thread wakes a wait without timeout.
    let sender = socket.try_clone().unwrap();
    let to = closed_port("127.0.0.1");
    let thread = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        sender.send_to(b"late", to).unwrap();
    });
    assert_eq!(wait_error(&socket, None).unwrap(), WaitOutcome::Ready);
    thread.join().unwrap();
    let mut buffers: RecvBuffers = RecvBuffers::new();
    assert!(buffers.recv(&socket).unwrap().is_some());
}

fn assert_os_error<T: std::fmt::Debug, E: Into<std::io::Error>>(
    result: Result<T, E>,
    errno: i32,
    what: &str,
) {
    let Err(err) = result else {
        panic!("{what}: no error")
    };
    let err: std::io::Error = err.into();
    assert_eq!(errq_sys::os_error(&err), Some(errno), "{what}: {err}");
}

#[test]
fn a_non_socket_gives_enotsock() {
    let file = File::open("/dev/null").unwrap();
    assert_os_error(set_ip_recverr(&file, true), libc::ENOTSOCK, "setsockopt");
    assert_os_error(set_recverr(&file, true), libc::ENOTSOCK, "set_recverr");
    assert_os_error(so_error(&file), libc::ENOTSOCK, "SO_ERROR");
    let mut buffers: RecvBuffers = RecvBuffers::new();
    assert_os_error(buffers.recv(&file), libc::ENOTSOCK, "recvmsg");
    let mut batch: BatchBuffers<2> = BatchBuffers::new();
    assert_os_error(batch.recv(&file), libc::ENOTSOCK, "recvmmsg");
    assert_os_error(
        wait_error(&file, Some(Duration::from_millis(10))),
        libc::ENOTSOCK,
        "wait",
    );
}

#[test]
fn a_closed_fd_gives_ebadf() {
    // SAFETY: no process has a million files open (far above RLIMIT_NOFILE), so this number
    // names no open file; it is only passed to system calls, which must refuse it.
    let closed = unsafe { BorrowedFd::borrow_raw(1_000_000) };
    assert_os_error(set_ip_recverr(closed, true), libc::EBADF, "setsockopt");
    let mut payload = [0_u8; 16];
    let mut control = ControlBuffer::<64>::new();
    let mut name = NameBuffer::new();
    assert_os_error(
        recv_error(closed, &mut payload, &mut control, &mut name),
        libc::EBADF,
        "recvmsg",
    );
    let mut batch: BatchBuffers<2> = BatchBuffers::new();
    assert_os_error(batch.recv(closed), libc::EBADF, "recvmmsg");
    assert_os_error(
        wait_error(closed, Some(Duration::from_millis(10))),
        libc::EBADF,
        "wait",
    );
}

#[test]
fn a_tcp_socket_without_errors_has_an_empty_queue() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let stream = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let _accepted = listener.accept().unwrap();
    set_recverr(&stream, true).unwrap();
    let mut buffers: RecvBuffers = RecvBuffers::new();
    assert_eq!(buffers.recv(&stream).unwrap(), None);
    let mut batch: BatchBuffers<2> = BatchBuffers::new();
    assert_eq!(batch.recv(&stream).unwrap(), 0);
    assert_eq!(
        wait_error(&stream, Some(Duration::from_millis(20))).unwrap(),
        WaitOutcome::TimedOut
    );
    assert_eq!(so_error(&stream).unwrap(), None);
}
