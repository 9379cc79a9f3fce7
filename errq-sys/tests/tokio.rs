//! The async wait and read on tokio (feature `tokio`).
#![cfg(feature = "tokio")]

use std::net::UdpSocket;
use std::time::Duration;

use errq_sys::tokio::{recv_batch, recv_error, recv_error_udp, wait_error};
use errq_sys::{set_recverr, BatchBuffers, RecvBuffers};
use tokio::io::unix::AsyncFd;
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(2);

fn closed_port() -> std::net::SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn async_socket() -> AsyncFd<UdpSocket> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_nonblocking(true).unwrap();
    set_recverr(&socket, true).unwrap();
    // SAFETY: the AsyncFd takes ownership of the socket, which owns its fd: the fd stays
    // open and unchanged until the AsyncFd is dropped.
    unsafe { AsyncFd::register(socket) }.unwrap()
}

#[tokio::test]
async fn async_fd_recv_error_reads_the_icmp_error() {
    let fd = async_socket();
    let mut buffers: RecvBuffers = RecvBuffers::new();
    // Nothing queued yet: the wait does not finish.
    assert!(timeout(Duration::from_millis(50), wait_error(&fd))
        .await
        .is_err());

    fd.get_ref().send_to(b"async", closed_port()).unwrap();
    let received = timeout(LIMIT, recv_error(&fd, &mut buffers))
        .await
        .expect("in time")
        .unwrap();
    assert!(buffers
        .message(&received)
        .to_string()
        .contains("ECONNREFUSED"));
    assert_eq!(buffers.payload(&received), b"async");

    // Queue empty again: the next read waits.
    assert!(
        timeout(Duration::from_millis(50), recv_error(&fd, &mut buffers))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn async_fd_recv_batch_drains_several() {
    let fd = async_socket();
    let to = closed_port();
    for _ in 0..3 {
        fd.get_ref().send_to(b"batch", to).unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
        let _ = errq_sys::so_error(fd.get_ref()).unwrap();
    }
    let mut batch: BatchBuffers<8> = BatchBuffers::new();
    let mut total = 0;
    while total < 3 {
        total += timeout(LIMIT, recv_batch(&fd, &mut batch))
            .await
            .expect("in time")
            .unwrap();
        assert!(batch
            .iter()
            .all(|(_, m)| m.to_string().contains("ECONNREFUSED")));
    }
    assert_eq!(total, 3);
}

#[tokio::test]
async fn tokio_udp_socket_recv_error() {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    set_recverr(&socket, true).unwrap();
    socket.send_to(b"tokio", closed_port()).await.unwrap();
    let mut buffers: RecvBuffers = RecvBuffers::new();
    let received = timeout(LIMIT, recv_error_udp(&socket, &mut buffers))
        .await
        .expect("in time")
        .unwrap();
    assert!(buffers
        .message(&received)
        .to_string()
        .contains("ECONNREFUSED"));
}
