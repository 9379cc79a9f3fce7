//! What the flood tests share: a namespace with ICMP rate limits off, the kernel's own
//! counters (`/proc/net/snmp` of that namespace), a sender that numbers its datagrams, a
//! tally of the numbers the errors quote back, and a current-thread tokio runtime.
//!
//! Counting from the kernel's side: every datagram sent to a closed port on loopback makes
//! the kernel answer with an ICMP port unreachable (`__udp4_lib_rcv` counts `Udp: NoPorts`
//! and calls `icmp_send`, which counts `Icmp: OutDestUnreachs`); the ICMP message comes back
//! over loopback (`icmp_rcv` counts `Icmp: InDestUnreachs`) to `__udp4_lib_err`, which
//! queues it on the sending socket with `ip_icmp_error`. `sock_queue_err_skb` refuses the
//! entry when the socket's receive buffer is full, and the entry is freed with no counter:
//! so the entries lost are `InDestUnreachs` minus the entries read, and no others exist.
// Test code: a panic is a test failure.
#![allow(
    dead_code,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use std::future::Future;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use errq_codec::message::Message;
use errq_sys::{set_so_rcvbuf, set_so_rcvbufforce};
use errq_tests::ffi::thread_cpu;
use errq_tests::netns::Netns;
use errq_tests::sockets::recverr_udp;
use tokio::io::unix::AsyncFd;

/// A fresh namespace for one flood: loopback up, `icmp_ratelimit=0` (set by [`Netns::new`])
/// and the global ICMP limiter (`icmp_msgs_per_sec`, `icmp_msgs_burst`, per namespace since
/// Linux 6.2) raised out of reach, so every datagram gets its error.
pub fn flood_ns() -> Netns {
    let ns = Netns::new("F").unwrap();
    ns.sysctl("net/ipv4/icmp_msgs_per_sec", "1000000000")
        .unwrap();
    ns.sysctl("net/ipv4/icmp_msgs_burst", "1000000000").unwrap();
    ns
}

/// A fresh [`flood_ns`] and a UDP socket on 127.0.0.1 in it with `IP_RECVERR` on.
pub fn flood_socket() -> (Netns, UdpSocket) {
    let ns = flood_ns();
    let s = recverr_udp(&ns, "127.0.0.1:0");
    (ns, s)
}

/// The number of datagrams of a flood: `ERRQ_FLOOD` if set, else `default`.
pub fn flood_count(default: u32) -> u32 {
    std::env::var("ERRQ_FLOOD")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The counters of `/proc/net/snmp` that a port-unreachable flood moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snmp {
    /// `Udp: NoPorts`: datagrams that found no socket (each is answered with an ICMP error).
    pub udp_no_ports: u64,
    /// `Icmp: OutDestUnreachs`: destination unreachable messages sent.
    pub out_dest_unreachs: u64,
    /// `Icmp: InDestUnreachs`: destination unreachable messages received.
    pub in_dest_unreachs: u64,
    /// `Icmp: OutRateLimitGlobal` + `OutRateLimitHost`: ICMP errors not sent because of a
    /// rate limit (must stay 0).
    pub rate_limited: u64,
}

/// Read the counters of namespace `ns` (`/proc/thread-self/net` is the calling thread's
/// namespace; `/proc/self/net` would be the main thread's).
pub fn snmp(ns: &Netns) -> Snmp {
    let text = ns.run(|| std::fs::read_to_string("/proc/thread-self/net/snmp").unwrap());
    let field = |proto: &str, name: &str| -> u64 {
        let mut lines = text
            .lines()
            .filter(|l| l.starts_with(&format!("{proto}: ")));
        let (names, values) = (lines.next().unwrap(), lines.next().unwrap());
        let i = names
            .split_whitespace()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no {proto} {name} in /proc/net/snmp"));
        values.split_whitespace().nth(i).unwrap().parse().unwrap()
    };
    Snmp {
        udp_no_ports: field("Udp", "NoPorts"),
        out_dest_unreachs: field("Icmp", "OutDestUnreachs"),
        in_dest_unreachs: field("Icmp", "InDestUnreachs"),
        rate_limited: field("Icmp", "OutRateLimitGlobal") + field("Icmp", "OutRateLimitHost"),
    }
}

/// Wait until the counters stop moving and every datagram sent has been answered and the
/// answer received (`sent == NoPorts == OutDestUnreachs == InDestUnreachs`), at most 10 s.
pub fn settled(ns: &Netns, sent: u64) -> Snmp {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let c = snmp(ns);
        if c.in_dest_unreachs >= sent || Instant::now() > deadline {
            return c;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `setsockopt(SO_RCVBUFFORCE)` (root: above `rmem_max`) or `SO_RCVBUF`; the kernel doubles
/// the value for its bookkeeping.
pub fn set_rcvbuf<Fd: AsFd>(fd: Fd, bytes: u32, force: bool) {
    if force {
        set_so_rcvbufforce(fd, bytes).unwrap();
    } else {
        set_so_rcvbuf(fd, bytes).unwrap();
    }
}

/// Bytes of a flood datagram: the sequence number, little-endian, then padding.
pub const DATAGRAM: usize = 8;

/// The sequence number an error quotes back in its payload (the original UDP payload).
pub fn seq_of(m: &Message<'_>) -> u32 {
    let p = m.payload();
    assert_eq!(p.len(), DATAGRAM, "quoted payload: {m}");
    u32::from_le_bytes(p[..4].try_into().unwrap())
}

/// Check that `m` is the port unreachable of a flood datagram and return its number.
pub fn checked_seq(m: &Message<'_>) -> u32 {
    let e = m.error().unwrap_or_else(|| panic!("no error record: {m}"));
    assert!(e.ee.errno.is("ECONNREFUSED"), "{m}");
    seq_of(m)
}

/// How a sender fared.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sent {
    /// Datagrams sent (`sendto` succeeded): numbers `0..ok`.
    pub ok: u64,
    /// `sendto` calls that failed with the pending `SO_ERROR` (ECONNREFUSED) of an earlier
    /// error: the kernel reports it instead of sending, so the same number is sent again.
    pub refused: u64,
    /// CPU time of the sending thread (user + system).
    pub cpu: Duration,
    /// Wall time of the sending loop.
    pub wall: Duration,
}

/// Send datagrams numbered `0..n` from `s` to `to` as fast as the kernel takes them; set
/// `go` once `go_after` of them are sent (and at the end).
pub fn send_numbered(
    s: &UdpSocket,
    to: SocketAddr,
    n: u32,
    go_after: u32,
    go: &AtomicBool,
) -> Sent {
    let cpu0 = thread_cpu();
    let t0 = Instant::now();
    let mut sent = Sent::default();
    let mut seq = 0u32;
    let mut buf = [0u8; DATAGRAM];
    while seq < n {
        buf[..4].copy_from_slice(&seq.to_le_bytes());
        if seq == go_after {
            go.store(true, Ordering::Release);
        }
        match s.send_to(&buf, to) {
            Ok(_) => {
                seq += 1;
                sent.ok += 1;
            }
            Err(e) if e.raw_os_error() == Some(libc::ECONNREFUSED) => sent.refused += 1,
            // The socket may be non-blocking (shared with a tokio reader).
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::yield_now(),
            Err(e) => panic!("send {seq}: {e}"),
        }
    }
    sent.wall = t0.elapsed();
    sent.cpu = thread_cpu() - cpu0;
    go.store(true, Ordering::Release);
    sent
}

/// Which numbers came back, and how often.
#[derive(Debug)]
pub struct Tally {
    seen: Vec<u8>,
    /// Entries read.
    pub read: u64,
    /// Entries whose number was lower than the one before (the queue is FIFO).
    pub out_of_order: u64,
    last: Option<u32>,
}

impl Tally {
    /// For numbers `0..n`.
    pub fn new(n: u32) -> Self {
        Self {
            seen: vec![0; n as usize],
            read: 0,
            out_of_order: 0,
            last: None,
        }
    }

    /// Count one entry.
    pub fn add(&mut self, seq: u32) {
        self.read += 1;
        let slot = &mut self.seen[seq as usize];
        *slot = slot.saturating_add(1);
        if self.last.is_some_and(|l| seq < l) {
            self.out_of_order += 1;
        }
        self.last = Some(seq);
    }

    /// Merge another reader's tally (order is not compared across readers).
    pub fn merge(&mut self, other: &Self) {
        for (a, b) in self.seen.iter_mut().zip(&other.seen) {
            *a = a.saturating_add(*b);
        }
        self.read += other.read;
    }

    /// Entries read more than once (each extra read counts one).
    pub fn duplicates(&self) -> u64 {
        self.seen
            .iter()
            .map(|&c| u64::from(c.saturating_sub(1)))
            .sum()
    }

    /// Numbers in `0..sent` never read.
    pub fn missing(&self, sent: u64) -> u64 {
        self.seen
            .iter()
            .take(sent as usize)
            .filter(|&&c| c == 0)
            .count() as u64
    }
}

/// Hand `f` a tokio UDP socket on 127.0.0.1 in a fresh [`flood_ns`], `IP_RECVERR` on, and
/// run what it returns on a current-thread runtime; the namespace lives until it is done.
pub fn on_tokio_socket<F: Future<Output = ()>>(f: impl FnOnce(tokio::net::UdpSocket) -> F) {
    let (_ns, s) = flood_socket();
    s.set_nonblocking(true).unwrap();
    runtime().block_on(async { f(tokio::net::UdpSocket::from_std(s).unwrap()).await });
}

/// `s`, made non-blocking, registered with the current tokio runtime.
pub fn async_fd(s: UdpSocket) -> AsyncFd<UdpSocket> {
    s.set_nonblocking(true).unwrap();
    // SAFETY: the AsyncFd owns the socket, which owns its fd: it stays open and unchanged
    // until the AsyncFd is dropped.
    unsafe { AsyncFd::register(s) }.unwrap()
}

/// A current-thread tokio runtime with I/O and time.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
