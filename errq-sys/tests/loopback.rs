//! Real kernel errors that need no privileges: UDP to a closed port on loopback.
// Tests report failures by panicking, and use small known values.
#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use common::{bind, closed_port, wait_ready};
use errq_sys::{
    recv_error, set_ip_recverr, set_ipv6_recverr, set_recverr, set_recverr_dual_stack, so_error,
    wait_error, BatchBuffers, ControlBuffer, NameBuffer, RecvBuffers, WaitOutcome,
};

const PROBE: &[u8] = b"errq probe";

/// Send `count` probes to `to`, clearing the pending SO_ERROR after each (a pending error
/// would fail the next send once).
fn send_probes(socket: &UdpSocket, to: SocketAddr, count: usize) {
    for _ in 0..count {
        socket.send_to(PROBE, to).expect("send_to");
        std::thread::sleep(Duration::from_millis(2));
        let _ = so_error(socket).expect("SO_ERROR");
    }
}

/// The original destination as the kernel wrote it: family, port, address.
fn destination_bytes(to: SocketAddr) -> Vec<u8> {
    match to {
        SocketAddr::V4(a) => {
            let mut v = (libc::AF_INET as u16).to_ne_bytes().to_vec();
            v.extend(a.port().to_be_bytes());
            v.extend(a.ip().octets());
            v.extend([0; 8]);
            v
        }
        SocketAddr::V6(a) => {
            let mut v = (libc::AF_INET6 as u16).to_ne_bytes().to_vec();
            v.extend(a.port().to_be_bytes());
            v.extend(a.flowinfo().to_be_bytes());
            v.extend(a.ip().octets());
            v.extend(a.scope_id().to_ne_bytes());
            v
        }
    }
}

fn port_unreachable(ip: &str) {
    let Some(socket) = bind(ip) else { return };
    set_recverr(&socket, true).unwrap();
    let to = closed_port(ip);
    socket.send_to(PROBE, to).unwrap();
    wait_ready(&socket);

    let mut buffers: RecvBuffers = RecvBuffers::new();
    let received = buffers.recv(&socket).unwrap().expect("a queued error");
    assert!(received.is_errqueue());
    assert!(!received.payload_truncated());
    assert!(!received.control_truncated());
    assert_eq!(buffers.payload(&received), PROBE);
    assert_eq!(buffers.name(&received), destination_bytes(to).as_slice());
    assert!(received.control_len > 0);
    let message = buffers.message(&received);
    let line = message.to_string();
    assert!(line.contains("ECONNREFUSED"), "{line}");
    assert_eq!(message.destination(), Some(to), "the original destination");
    assert_eq!(
        message.offender().map(|a| a.ip()),
        Some(to.ip()),
        "ICMP from loopback"
    );
    assert_eq!(message.problem(), None);

    // The entry is consumed: the queue is empty again, which is not an error.
    assert_eq!(buffers.recv(&socket).unwrap(), None);
}

#[test]
fn ipv4_port_unreachable() {
    port_unreachable("127.0.0.1");
}

#[test]
fn ipv6_port_unreachable() {
    port_unreachable("::1");
}

#[test]
fn low_level_recv_error_with_own_buffers() {
    let socket = bind("127.0.0.1").unwrap();
    set_ip_recverr(&socket, true).unwrap();
    socket.send_to(PROBE, closed_port("127.0.0.1")).unwrap();
    wait_ready(&socket);
    let mut payload = [0_u8; 64];
    let mut control = ControlBuffer::<256>::new();
    let mut name = NameBuffer::new();
    let received = recv_error(&socket, &mut payload, &mut control, &mut name)
        .unwrap()
        .unwrap();
    assert_eq!(received.payload_len, PROBE.len());
    // IP_RECVERR: header, sock_extended_err and sockaddr_in: 48 bytes on 64-bit, 44 on 32-bit.
    let expected = if cfg!(target_pointer_width = "64") {
        48
    } else {
        44
    };
    assert_eq!(received.control_len, expected);
    assert_eq!(received.name_len, 16);
    let line = received.message(&payload, &control, &name).to_string();
    assert!(line.contains("ECONNREFUSED"), "{line}");
}

#[test]
fn truncation_is_visible_in_flags() {
    let socket = bind("127.0.0.1").unwrap();
    set_ip_recverr(&socket, true).unwrap();
    socket.send_to(PROBE, closed_port("127.0.0.1")).unwrap();
    wait_ready(&socket);
    // Room for a header but not the error record's data; and a 3-byte payload buffer.
    let mut buffers = RecvBuffers::<3, 24>::new();
    let received = buffers.recv(&socket).unwrap().unwrap();
    assert!(received.payload_truncated());
    assert!(received.control_truncated());
    assert_eq!(buffers.payload(&received), &PROBE[..3]);
    assert!(received.control_len <= 24);
    // The view is still built; it reports the cut record instead of panicking.
    let message = buffers.message(&received);
    assert!(message.control_truncated());
    assert!(message.error().is_none());
    assert!(message.problem().is_some());
    let _ = message.to_string();
}

#[test]
fn queue_empty_is_a_distinct_outcome() {
    let socket = bind("127.0.0.1").unwrap();
    set_recverr(&socket, true).unwrap();
    let mut buffers: RecvBuffers = RecvBuffers::new();
    assert_eq!(buffers.recv(&socket).unwrap(), None);
    assert!(buffers.recv_message(&socket).unwrap().is_none());
    let mut batch: BatchBuffers<4> = BatchBuffers::new();
    assert_eq!(batch.recv(&socket).unwrap(), 0);
    assert!(batch.is_empty());
    assert_eq!(batch.iter().count(), 0);
}

#[test]
fn recvmmsg_drains_several_errors_in_one_call() {
    let socket = bind("127.0.0.1").unwrap();
    set_recverr(&socket, true).unwrap();
    let to = closed_port("127.0.0.1");
    send_probes(&socket, to, 5);
    wait_ready(&socket);

    let mut batch: Box<BatchBuffers<8>> = Box::default();
    let n = batch.recv(&socket).unwrap();
    assert_eq!(n, 5, "all five errors in one recvmmsg");
    assert_eq!(batch.len(), 5);
    for (received, message) in batch.iter() {
        assert!(received.is_errqueue());
        assert_eq!(received.payload_len, PROBE.len());
        assert!(message.to_string().contains("ECONNREFUSED"));
    }
    assert_eq!(batch.recv(&socket).unwrap(), 0);
}

#[test]
fn drain_in_small_batches_sees_every_message() {
    let socket = bind("127.0.0.1").unwrap();
    set_recverr(&socket, true).unwrap();
    send_probes(&socket, closed_port("127.0.0.1"), 7);
    wait_ready(&socket);
    let mut batch: BatchBuffers<3> = BatchBuffers::new();
    let mut lines = Vec::new();
    let total = batch
        .drain(&socket, |_, message| lines.push(message.to_string()))
        .unwrap();
    assert_eq!(total, 7);
    assert_eq!(lines.len(), 7);
    assert!(lines.iter().all(|l| l.contains("ECONNREFUSED")));
}

#[test]
fn so_error_reports_and_clears_the_pending_error() {
    let socket = bind("127.0.0.1").unwrap();
    set_recverr(&socket, true).unwrap();
    socket.send_to(PROBE, closed_port("127.0.0.1")).unwrap();
    wait_ready(&socket);
    let err = so_error(&socket).unwrap().expect("pending error");
    assert!(err.is("ECONNREFUSED"), "{err}");
    assert_eq!(so_error(&socket).unwrap(), None);
}

#[test]
fn dual_stack_needs_both_options_for_ipv4_errors() {
    let Some(both) = bind("::") else { return };
    let Some(v6_only_option) = bind("::") else {
        return;
    };
    set_recverr_dual_stack(&both, true).unwrap();
    set_ipv6_recverr(&v6_only_option, true).unwrap();
    let port = closed_port("127.0.0.1").port();
    let mapped = SocketAddr::new(IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()), port);
    both.send_to(PROBE, mapped).unwrap();
    v6_only_option.send_to(PROBE, mapped).unwrap();

    wait_ready(&both);
    let mut buffers: RecvBuffers = RecvBuffers::new();
    let received = buffers
        .recv(&both)
        .unwrap()
        .expect("IPv4 error on the dual-stack socket");
    assert!(buffers
        .message(&received)
        .to_string()
        .contains("ECONNREFUSED"));

    assert_eq!(
        wait_error(&v6_only_option, Some(Duration::from_millis(100))).unwrap(),
        WaitOutcome::TimedOut,
        "without IP_RECVERR the IPv4 error is not queued"
    );
    assert_eq!(buffers.recv(&v6_only_option).unwrap(), None);
}
