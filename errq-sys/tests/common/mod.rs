//! Helpers shared by the loopback tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use errq_sys::{wait_error, WaitOutcome};

/// A UDP port on `ip` that nothing listens on: bound once by us, then released.
pub(crate) fn closed_port(ip: &str) -> SocketAddr {
    let probe = UdpSocket::bind((ip, 0)).expect("bind probe");
    probe.local_addr().unwrap()
}

/// A UDP socket bound to `ip`, or `None` when this host has no such address (no IPv6).
pub(crate) fn bind(ip: &str) -> Option<UdpSocket> {
    match UdpSocket::bind((ip, 0)) {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("skipping: cannot bind {ip}: {e}");
            None
        }
    }
}

/// Wait up to two seconds for the error queue.
pub(crate) fn wait_ready(socket: &UdpSocket) {
    let start = Instant::now();
    let outcome = wait_error(socket, Some(Duration::from_secs(2))).expect("wait_error");
    assert_eq!(
        outcome,
        WaitOutcome::Ready,
        "no error after {:?}",
        start.elapsed()
    );
}
