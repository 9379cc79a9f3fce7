//! No file descriptor leaks: the live scenarios, run in-process three times over, leave the
//! process with exactly the descriptors it had before.
//!
//! One test only, so nothing else in this binary opens or closes descriptors while it counts
//! (`/proc/self/fd` is per process). Each round builds the three-namespace topology (veth
//! pairs, `ip` child processes, `setns` files), makes a real error of each kind the live
//! tests use (port unreachable on loopback, TTL exceeded from R, a LOCAL EMSGSIZE), reads
//! them with every reading path of errq-sys (`recv_error`, `RecvBuffers`, `BatchBuffers`,
//! blocking `wait_error`, the error paths on a non-socket and a bad fd, and the tokio
//! functions on an `AsyncFd` and a tokio `UdpSocket` inside a runtime that is then dropped),
//! and drops everything. A leak of even one descriptor per round shows as a difference.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use errq_sys::{set_ip_mtu_discover, wait_error, BatchBuffers, PmtuDisc, RecvBuffers, WaitOutcome};
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::{closed_port, recverr_udp};
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::await_error;

/// The open descriptors of this process, number -> what it points to.
fn open_fds() -> BTreeMap<u32, String> {
    let mut fds = BTreeMap::new();
    // The directory handle itself is one of the entries while it is read; it is opened
    // the same way every time, so it cancels out (and is dropped by the `read_link` check:
    // it no longer exists afterwards).
    for entry in std::fs::read_dir("/proc/self/fd").unwrap() {
        let entry = entry.unwrap();
        let Ok(n) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(target) = std::fs::read_link(entry.path()) {
            fds.insert(n, target.to_string_lossy().into_owned());
        }
    }
    fds
}

/// One round of the live scenarios, everything dropped at the end.
fn round() {
    // Port unreachable on loopback in a private namespace, read one by one and in a batch.
    let ns = Netns::new("F").unwrap();
    let s = recverr_udp(&ns, "127.0.0.1:0");
    let to = closed_port(&ns);
    let mut buffers: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut buffers, || s.send_to(b"fd", to).map(drop)).unwrap();
    assert!(buffers.message(&r).error().is_some());
    for _ in 0..3 {
        let _ = s.send_to(b"fd", to);
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut batch: BatchBuffers<4> = BatchBuffers::new();
    assert!(batch.drain(&s, |_, _| {}).unwrap() > 0);
    assert_eq!(
        wait_error(&s, Some(Duration::from_millis(1))).unwrap(),
        WaitOutcome::TimedOut
    );
    let mut control = errq_sys::ControlBuffer::<256>::new();
    let mut name = errq_sys::NameBuffer::new();
    let queued = errq_sys::recv_error(&s, &mut [0u8; 64], &mut control, &mut name).unwrap();
    assert!(queued.is_none());

    // The error paths: a file is not a socket.
    let file = std::fs::File::open("/dev/null").unwrap();
    assert!(wait_error(&file, Some(Duration::from_millis(1))).is_err());
    assert!(buffers.recv(&file).is_err());

    // TTL exceeded from R and a LOCAL EMSGSIZE across the topology.
    let topo = Topology::new().unwrap();
    let a = recverr_udp(&topo.a, "0.0.0.0:0");
    a.set_ttl(1).unwrap();
    let far = SocketAddr::from((addr::B4, 9));
    let r = await_error(&a, &mut buffers, || a.send_to(b"ttl", far).map(drop)).unwrap();
    assert!(buffers.message(&r).error().is_some());
    set_ip_mtu_discover(&a, PmtuDisc::DO).unwrap();
    a.set_ttl(64).unwrap();
    let big = [0u8; 1600];
    let _ = a.send_to(&big, far);

    // The tokio paths, on a runtime that is dropped with its epoll and event fds.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let std_socket = recverr_udp(&ns, "127.0.0.1:0");
        std_socket.set_nonblocking(true).unwrap();
        let udp = tokio::net::UdpSocket::from_std(std_socket).unwrap();
        udp.send_to(b"tokio", to).await.unwrap();
        let limit = Duration::from_secs(5);
        errq_sys::tokio::wait_error(&udp).await.unwrap();
        let mut buffers: RecvBuffers = RecvBuffers::new();
        tokio::time::timeout(limit, errq_sys::tokio::recv_message(&udp, &mut buffers))
            .await
            .expect("in time")
            .unwrap();

        let std_socket = recverr_udp(&ns, "127.0.0.1:0");
        std_socket.set_nonblocking(true).unwrap();
        // SAFETY: the AsyncFd takes ownership of the socket, which owns its fd: the fd
        // stays open and unchanged until the AsyncFd is dropped.
        let fd = unsafe { tokio::io::unix::AsyncFd::register(std_socket) }.unwrap();
        fd.get_ref().send_to(b"asyncfd", to).unwrap();
        let mut batch: BatchBuffers<4> = BatchBuffers::new();
        tokio::time::timeout(limit, errq_sys::tokio::recv_batch(&fd, &mut batch))
            .await
            .expect("in time")
            .unwrap();
        // A wait that is abandoned (its future dropped) leaves nothing behind.
        assert!(tokio::time::timeout(
            Duration::from_millis(5),
            errq_sys::tokio::recv_error(&fd, &mut buffers)
        )
        .await
        .is_err());
    });
    drop(rt);
}

#[test]
fn live_scenarios_leak_no_file_descriptor() {
    if !require_root() {
        return;
    }
    // A first round opens what stays open for the life of the process (std's and tokio's
    // lazily created globals, if any), so the count starts after it.
    round();
    let before = open_fds();
    for _ in 0..3 {
        round();
    }
    let after = open_fds();
    let opened: Vec<_> = after
        .iter()
        .filter(|(n, _)| !before.contains_key(n))
        .collect();
    let closed: Vec<_> = before
        .iter()
        .filter(|(n, _)| !after.contains_key(n))
        .collect();
    assert!(
        opened.is_empty() && closed.is_empty() && before.len() == after.len(),
        "descriptors before: {}, after three rounds: {}; left open: {opened:?}; \
         gone: {closed:?}",
        before.len(),
        after.len()
    );
}
