//! `pmtu`: path MTU discovery the way a QUIC stack does it (RFC 9000 section 14, RFC 8899
//! DPLPMTUD), with the answers read from the socket error queue.
//!
//! ```text
//! pmtu [--ci] [HOST:PORT]
//! ```
//!
//! A connected UDP socket with `IP_MTU_DISCOVER` / `IPV6_MTU_DISCOVER` = `PMTUDISC_PROBE`:
//! every datagram has DF set and the kernel does not shrink the application's datagrams to
//! its own path MTU estimate: the application probes. Then, from the largest datagram UDP
//! allows down:
//!
//! - a send larger than the route's MTU fails with `EMSGSIZE` and queues a LOCAL error whose
//!   `ee_info` is that MTU (the kernel's `ip_local_error` / `ipv6_local_error`);
//! - a router on the path with a smaller link answers with ICMP "fragmentation needed" /
//!   ICMPv6 "packet too big", queued as an ICMP error whose `ee_info` is the next-hop MTU;
//!
//! either way [`Meaning::mtu`] gives the new size and the next probe uses it. A probe that
//! draws no MTU error is taken as fitting: here the destination's port unreachable (or
//! silence) says it went through; a QUIC stack waits for the peer's ACK instead.
//!
//! With no address it runs on loopback without privileges: IPv6 to `[::1]`, where the
//! largest UDP datagram (65527 bytes of payload, a 65575-byte packet) exceeds the `lo` MTU
//! of 65536, so the first probe draws a LOCAL `EMSGSIZE` with MTU 65536 and the second,
//! 65488 bytes of payload, fits. `--ci` checks exactly that and exits non-zero otherwise.
//!
//! ```text
//! $ cargo run -p errq-sys --example pmtu
//! probing [::1]:56344 from [::1]:52812 (IPV6_MTU_DISCOVER = PROBE)
//!   probe 65527 bytes: local error (MTU 65536) for [::1]:56344, errno EMSGSIZE (next probe 65488 bytes)
//!   probe 65488 bytes: fits (ICMPv6 destination unreachable (port unreachable) from ::1 for [::1]:56344, errno ECONNREFUSED)
//! path MTU 65536 (largest UDP payload 65488)
//! ```

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::Duration;

use errq_sys::codec::meaning::Meaning;
use errq_sys::{
    set_ip_mtu_discover, set_ipv6_mtu_discover, set_recverr, wait_error, PmtuDisc, RecvBuffers,
    WaitOutcome,
};

/// IPv4 header (no options) + UDP header.
const V4_OVERHEAD: u32 = 20 + 8;
/// IPv6 header (no extension headers) + UDP header.
const V6_OVERHEAD: u32 = 40 + 8;
/// How many probes before giving up.
const MAX_PROBES: usize = 16;

/// What one probe found.
enum Probe {
    /// The path (or the local route) is smaller: this MTU, and the error in words.
    Smaller(u32, String),
    /// No MTU error: the datagram went through. The answer, if one came back.
    Fits(Option<String>),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ci = args.iter().any(|a| a == "--ci");
    let target = args.iter().find(|a| !a.starts_with('-'));
    match run(target.map(String::as_str), ci) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pmtu: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(target: Option<&str>, ci: bool) -> io::Result<()> {
    let dest: SocketAddr = match target {
        Some(t) => t
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address"))?,
        // A port nothing listens on, on loopback.
        None => UdpSocket::bind("[::1]:0")?.local_addr()?,
    };
    let (bind, overhead) = if dest.is_ipv6() {
        ("[::]:0", V6_OVERHEAD)
    } else {
        ("0.0.0.0:0", V4_OVERHEAD)
    };
    let socket = UdpSocket::bind(bind)?;
    socket.connect(dest)?;
    set_recverr(&socket, true)?;
    if dest.is_ipv6() {
        set_ipv6_mtu_discover(&socket, PmtuDisc::PROBE)?;
    } else {
        set_ip_mtu_discover(&socket, PmtuDisc::PROBE)?;
    }
    println!(
        "probing {dest} from {} ({}_MTU_DISCOVER = PROBE)",
        socket.local_addr()?,
        if dest.is_ipv6() { "IPV6" } else { "IP" }
    );

    // The largest UDP payload: the IPv4 total length / IPv6 payload length field is 16 bits.
    let mut size: u32 = if dest.is_ipv6() {
        65535 - 8
    } else {
        65535 - 28
    };
    let mut buffers: RecvBuffers = RecvBuffers::new();
    let mut log = Vec::new();
    for _ in 0..MAX_PROBES {
        match probe(&socket, size, &mut buffers)? {
            Probe::Smaller(mtu, what) => {
                let next = mtu.saturating_sub(overhead);
                println!("  probe {size} bytes: {what} (next probe {next} bytes)");
                log.push((size, Some(mtu)));
                if next >= size || next == 0 {
                    return Err(io::Error::other("the MTU error did not shrink the probe"));
                }
                size = next;
            }
            Probe::Fits(answer) => {
                match answer {
                    Some(a) => println!("  probe {size} bytes: fits ({a})"),
                    None => println!("  probe {size} bytes: fits (no error within 1 s)"),
                }
                log.push((size, None));
                println!(
                    "path MTU {} (largest UDP payload {size})",
                    size.saturating_add(overhead)
                );
                return if ci { check_ci(target, &log) } else { Ok(()) };
            }
        }
    }
    Err(io::Error::other(format!(
        "no answer after {MAX_PROBES} probes"
    )))
}

/// Send one probe of `size` bytes of payload and read what the error queue says about it.
fn probe(socket: &UdpSocket, size: u32, buffers: &mut RecvBuffers) -> io::Result<Probe> {
    let payload = vec![0x5a_u8; usize::try_from(size).unwrap_or(usize::MAX)];
    let mut sent = socket.send(&payload);
    // An earlier ICMP error (the port unreachable of the last probe) is also pending as
    // SO_ERROR, and the next send reports it once instead of sending: send again.
    if matches!(&sent, Err(e) if e.kind() == io::ErrorKind::ConnectionRefused) {
        sent = socket.send(&payload);
    }
    let local_refusal = match sent {
        Ok(_) => false,
        // Too big for the route: the LOCAL error with the MTU is queued already.
        Err(e) if e.raw_os_error() == Some(libc::EMSGSIZE) => true,
        Err(e) => return Err(e),
    };
    let wait = if local_refusal {
        Duration::ZERO
    } else {
        Duration::from_secs(1)
    };
    if wait_error(socket, Some(wait))? != WaitOutcome::Ready {
        return if local_refusal {
            Err(io::Error::other("EMSGSIZE without a queued error"))
        } else {
            Ok(Probe::Fits(None))
        };
    }
    let mut answer = None;
    while let Some((_, message)) = buffers.recv_message(socket)? {
        match message.meaning() {
            Some(m @ (Meaning::Local(_) | Meaning::Icmp(_) | Meaning::Icmp6(_))) => {
                if let Some(mtu) = m.mtu() {
                    return Ok(Probe::Smaller(mtu, message.to_string()));
                }
                answer = Some(message.to_string());
            }
            _ => answer = Some(message.to_string()),
        }
    }
    Ok(Probe::Fits(answer))
}

/// `--ci`: on loopback, the first probe must draw a LOCAL EMSGSIZE with the `lo` MTU
/// (65536) and the second, 65488 bytes, must fit.
fn check_ci(target: Option<&str>, log: &[(u32, Option<u32>)]) -> io::Result<()> {
    if target.is_some() {
        return Ok(()); // a real path: nothing fixed to check
    }
    if log == [(65527, Some(65536)), (65488, None)] {
        println!("ci: ok");
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "ci: expected a LOCAL EMSGSIZE with MTU 65536 then a fitting 65488-byte probe, got {log:?}"
        )))
    }
}
