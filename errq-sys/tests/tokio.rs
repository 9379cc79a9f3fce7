//! The async wait and read on tokio (feature `tokio`).
#![cfg(feature = "tokio")]

use std::net::UdpSocket;
use std::time::Duration;

use errq_sys::tokio::{recv_batch, recv_error, recv_message, wait_error};
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
async fn tokio_udp_socket_recv_message() {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    set_recverr(&socket, true).unwrap();
    socket.send_to(b"tokio", closed_port()).await.unwrap();
    let mut buffers: RecvBuffers = RecvBuffers::new();
    let (received, message) = timeout(LIMIT, recv_message(&socket, &mut buffers))
        .await
        .expect("in time")
        .unwrap();
    assert!(message.to_string().contains("ECONNREFUSED"), "{message}");
    assert_eq!(received.payload_len, 5);
}

/// A TCP connection refused by a closed port: with IP_RECVERR the RST is not queued (TCP
/// reports it through the connect error), so this checks that `TcpStream` is accepted and
/// that a TCP socket's error-queue wait finishes on a real queued entry: a TX timestamp.
#[tokio::test]
async fn tokio_tcp_stream_recv_message_reads_a_tx_timestamp() {
    use errq_sys::{set_so_timestamping, Timestamping};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (_peer, _) = listener.accept().unwrap();
    set_so_timestamping(
        &stream,
        Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_TSONLY,
    )
    .unwrap();
    stream.writable().await.unwrap();
    assert_eq!(stream.try_write(b"hello").unwrap(), 5);
    let mut buffers: RecvBuffers = RecvBuffers::new();
    let (_received, message) = timeout(LIMIT, recv_message(&stream, &mut buffers))
        .await
        .expect("in time")
        .unwrap();
    let Some(errq_sys::codec::meaning::Meaning::Timestamp(ts)) = message.meaning() else {
        panic!("not a timestamp: {message}");
    };
    // OPT_ID on TCP counts bytes: the key of the first write is its last byte, 4.
    assert_eq!(ts.key, 4, "{message}");
}

/// How many times a 1 ms ticker on the same current-thread runtime ticks while `spin` runs
/// for 300 ms (inside a timeout, which must fire too).
async fn ticks_while<F: std::future::Future<Output = ()>>(spin: F) -> u32 {
    let ticks = std::rc::Rc::new(std::cell::Cell::new(0_u32));
    let counter = ticks.clone();
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            let ticker = tokio::task::spawn_local(async move {
                let mut interval = tokio::time::interval(Duration::from_millis(1));
                loop {
                    interval.tick().await;
                    counter.set(counter.get().saturating_add(1));
                }
            });
            let timed_out = timeout(Duration::from_millis(300), spin).await.is_err();
            ticker.abort();
            assert!(timed_out, "the spinning loop ends only by the timeout");
        })
        .await;
    ticks.get()
}

/// The ticker bound: 300 ms of 1 ms ticks is ~300; a loaded 2-core machine may delay the
/// timer, so anything from 30 ticks shows the runtime kept running (a starved runtime ticks
/// at most once: the first, immediate tick).
const MIN_TICKS: u32 = 30;

/// Looping `wait_error` while one error stays unread must not starve the runtime: each
/// call consumes tokio's cooperative budget (it used to spin with a ticker at 0 ticks and a
/// surrounding timeout that never fired).
#[tokio::test(flavor = "current_thread")]
async fn wait_error_in_a_loop_with_an_unread_error_yields() {
    let fd = async_socket();
    fd.get_ref().send_to(b"spin", closed_port()).unwrap();
    timeout(LIMIT, wait_error(&fd)).await.unwrap().unwrap();
    let ticks = ticks_while(async {
        loop {
            wait_error(&fd).await.unwrap();
        }
    })
    .await;
    assert!(ticks >= MIN_TICKS, "ticker starved: {ticks} ticks");
}

/// The same for a tokio `UdpSocket` and for `recv_batch` on a queue that never empties
/// (every read is followed by a new error).
#[tokio::test(flavor = "current_thread")]
async fn every_async_fn_yields_in_a_tight_loop() {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    set_recverr(&socket, true).unwrap();
    let to = closed_port();
    socket.send_to(b"spin", to).await.unwrap();
    timeout(LIMIT, wait_error(&socket)).await.unwrap().unwrap();
    let ticks = ticks_while(async {
        loop {
            wait_error(&socket).await.unwrap();
        }
    })
    .await;
    assert!(ticks >= MIN_TICKS, "wait_error(UdpSocket): {ticks} ticks");

    let fd = async_socket();
    let ticks = ticks_while(async {
        let mut buffers: RecvBuffers = RecvBuffers::new();
        let mut batch: BatchBuffers<4> = BatchBuffers::new();
        loop {
            // Keep one error queued at every read.
            let _ = fd.get_ref().send_to(b"flood", to);
            let _ = fd.get_ref().send_to(b"flood", to);
            let _ = recv_error(&fd, &mut buffers).await.unwrap();
            let _ = recv_batch(&fd, &mut batch).await.unwrap();
            let _ = recv_message(&fd, &mut buffers).await;
        }
    })
    .await;
    assert!(ticks >= MIN_TICKS, "recv_*: {ticks} ticks");
}

/// A readiness left over after another reader emptied the queue is not reported: the
/// wait checks with `poll` and waits for a real entry.
#[tokio::test]
async fn stale_readiness_is_not_reported() {
    let fd = async_socket();
    fd.get_ref().send_to(b"once", closed_port()).unwrap();
    timeout(LIMIT, wait_error(&fd)).await.unwrap().unwrap();
    // Read it behind tokio's back, with the blocking API, and clear SO_ERROR.
    let mut buffers: RecvBuffers = RecvBuffers::new();
    assert!(buffers.recv(fd.get_ref()).unwrap().is_some());
    let _ = errq_sys::so_error(fd.get_ref()).unwrap();
    assert!(timeout(Duration::from_millis(100), wait_error(&fd))
        .await
        .is_err());
}
