//! The `SO_ERROR` trap, live: with `IP_RECVERR`/`IPV6_RECVERR` on, an ICMP error for one
//! peer is left pending in `sk->sk_err` (`__udp4_lib_err`/`__udp6_lib_err`) and the next
//! send on the socket, to any peer, fails with it (`sock_error()` in
//! `sock_alloc_send_pskb`) and is not sent. `errq_sys::SendMsg` retries such a failure once.
//!
//! Each scenario runs in its own namespace (root), with ICMP rate limits off so every
//! datagram to the closed port draws its port unreachable.

use std::fs::File;
use std::io::IoSlice;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::BorrowedFd;
use std::time::Duration;

use errq_sys::{set_ip_mtu_discover, set_recverr, PmtuDisc, SendMsg};
use errq_tests::netns::{require_root, Netns};

const ROUNDS: u32 = 10_000;

/// A namespace with every ICMP rate limit lifted (the per-destination one is off in
/// `Netns::new`; this lifts the global token bucket too).
fn namespace(role: &str) -> Netns {
    let ns = Netns::new(role).unwrap();
    ns.sysctl("net/ipv4/icmp_msgs_per_sec", "1000000").unwrap();
    ns.sysctl("net/ipv4/icmp_msgs_burst", "1000000").unwrap();
    ns
}

/// A receiver on `ip`, and a closed port on the same address (bound, then closed).
fn peers(ip: &str) -> (UdpSocket, SocketAddr) {
    let live = UdpSocket::bind((ip, 0)).unwrap();
    live.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let dead = UdpSocket::bind((ip, 0)).unwrap().local_addr().unwrap();
    (live, dead)
}

/// Read one datagram and check it is round `i`.
fn expect_round(live: &UdpSocket, i: u32) {
    let mut buf = [0u8; 8];
    let n = live.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &i.to_be_bytes(), "datagram {i}");
}

/// Alternate a datagram to the closed port and one to the live peer, `ROUNDS` times,
/// never reading the error queue: with `SendMsg`, every live datagram arrives, in order.
fn alternate_with_sendmsg(ip: &'static str) {
    let ns = namespace("trap");
    ns.run(|| {
        let (live, dead) = peers(ip);
        let sender = UdpSocket::bind((ip, 0)).unwrap();
        set_recverr(&sender, true).unwrap();
        let to = live.local_addr().unwrap();
        for i in 0..ROUNDS {
            let bytes = i.to_be_bytes();
            let data = [IoSlice::new(&bytes)];
            SendMsg::new(&data).to(dead).send(&sender).unwrap();
            let sent = SendMsg::new(&data).to(to).send(&sender);
            assert_eq!(sent.unwrap(), 4, "round {i}");
            expect_round(&live, i);
        }
        // The errors themselves are still on the error queue (up to its receive buffer).
        let mut batch: errq_sys::BatchBuffers<16> = errq_sys::BatchBuffers::new();
        let mut refused = 0;
        batch
            .drain(&sender, |_, m| {
                if m.to_string().contains("ECONNREFUSED") {
                    refused += 1;
                }
            })
            .unwrap();
        assert!(refused > 0, "the ICMP errors stay readable");
    });
}

#[test]
fn every_datagram_to_a_live_peer_arrives_v4() {
    if !require_root() {
        return;
    }
    alternate_with_sendmsg("127.0.0.1");
}

#[test]
fn every_datagram_to_a_live_peer_arrives_v6() {
    if !require_root() {
        return;
    }
    alternate_with_sendmsg("::1");
}

/// The trap is real here: the same alternation with `std`'s `send_to` loses the live
/// datagrams, exactly those whose send failed with ECONNREFUSED. (Without this, the test
/// above could pass on a kernel without the trap.)
#[test]
fn without_the_retry_the_trap_eats_datagrams() {
    if !require_root() {
        return;
    }
    let ns = namespace("notrap");
    ns.run(|| {
        let (live, dead) = peers("127.0.0.1");
        live.set_nonblocking(true).unwrap();
        let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
        set_recverr(&sender, true).unwrap();
        let to = live.local_addr().unwrap();
        let (mut failed, mut sent) = (0_u32, Vec::new());
        for i in 0..1000_u32 {
            let _ = sender.send_to(b"x", dead);
            match sender.send_to(&i.to_be_bytes(), to) {
                Ok(_) => sent.push(i),
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(libc::ECONNREFUSED));
                    failed += 1;
                }
            }
        }
        let mut got = Vec::new();
        let mut buf = [0u8; 8];
        while let Ok(n) = live.recv(&mut buf) {
            assert_eq!(n, 4);
            got.push(u32::from_be_bytes(buf[..4].try_into().unwrap()));
        }
        assert!(failed > 900, "the trap hit {failed} of 1000 live sends");
        assert_eq!(got, sent, "exactly the sends that failed are missing");
    });
}

/// A genuine failure is still returned: `EMSGSIZE` for a datagram over the link MTU with
/// `IP_PMTUDISC_DO` (a LOCAL error, not a pending one), `ENOTSOCK` and `EBADF`.
#[test]
fn genuine_send_errors_are_returned() {
    if !require_root() {
        return;
    }
    let ns = namespace("genuine");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"])
        .unwrap();
    ns.ip(&["link", "set", "v0", "mtu", "1280", "up"]).unwrap();
    ns.ip(&["link", "set", "v1", "up"]).unwrap();
    ns.ip(&["addr", "add", "198.18.9.1/24", "dev", "v0"])
        .unwrap();
    ns.run(|| {
        let sender = UdpSocket::bind("198.18.9.1:0").unwrap();
        set_recverr(&sender, true).unwrap();
        set_ip_mtu_discover(&sender, PmtuDisc::DO).unwrap();
        let big = [0u8; 1400];
        let data = [IoSlice::new(&big)];
        let err = SendMsg::new(&data)
            .to("198.18.9.2:9".parse().unwrap())
            .send(&sender)
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EMSGSIZE));
        // A datagram that fits still goes out.
        let small = [IoSlice::new(b"fits")];
        let to = "198.18.9.2:9".parse().unwrap();
        assert_eq!(SendMsg::new(&small).to(to).send(&sender).unwrap(), 4);
    });
    let file = File::open("/dev/null").unwrap();
    let data = [IoSlice::new(b"x")];
    let to: SocketAddr = "127.0.0.1:9".parse().unwrap();
    let err = SendMsg::new(&data).to(to).send(&file).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENOTSOCK));
    // SAFETY: no process has a million files open (far above RLIMIT_NOFILE), so this number
    // names no open file; it is only passed to a system call, which must refuse it.
    let closed = unsafe { BorrowedFd::borrow_raw(1_000_000) };
    let err = SendMsg::new(&data).to(to).send(closed).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EBADF));
}
