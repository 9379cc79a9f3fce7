//! The error queue in one minute, with no arguments and no privileges.
//!
//! Sends a UDP datagram to a closed port on 127.0.0.1 (and on ::1 when the host has IPv6),
//! waits for the ICMP "port unreachable" the kernel answers with, reads it from the socket's
//! error queue and prints what errq decoded.
//!
//! Run it with `cargo run -p errq-sys --example demo`.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use errq_sys::{set_recverr, wait_error, RecvBuffers, WaitOutcome};

fn main() -> io::Result<()> {
    let mut any = false;
    for ip in ["127.0.0.1", "::1"] {
        match demo(ip) {
            Ok(()) => any = true,
            Err(e) => eprintln!("{ip}: {e}"),
        }
    }
    if any {
        Ok(())
    } else {
        Err(io::Error::other("no loopback address worked"))
    }
}

fn demo(ip: &str) -> io::Result<()> {
    let socket = UdpSocket::bind((ip, 0))?;
    // IP_RECVERR / IPV6_RECVERR: queue ICMP errors instead of dropping them.
    set_recverr(&socket, true)?;

    let to = closed_port(ip)?;
    println!(
        "sending a datagram from {} to {to}, where nothing listens",
        socket.local_addr()?
    );
    socket.send_to(b"hello, error queue", to)?;

    match wait_error(&socket, Some(Duration::from_secs(2)))? {
        WaitOutcome::Ready => {}
        other => {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no error: {other:?}"),
            ))
        }
    }

    let mut buffers: RecvBuffers = RecvBuffers::new();
    while let Some(received) = buffers.recv(&socket)? {
        println!(
            "  read {} payload bytes, {} control bytes, msg_flags {:#x}",
            received.payload_len, received.control_len, received.flags
        );
        println!("  {}", buffers.message(&received));
    }
    Ok(())
}

/// A port nothing listens on: bind one, note it, release it.
fn closed_port(ip: &str) -> io::Result<SocketAddr> {
    UdpSocket::bind((ip, 0))?.local_addr()
}
