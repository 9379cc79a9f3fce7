//! Ping sockets and raw ICMP sockets (v4 and v6): a time exceeded from R, with the quoted
//! echo's identifier and sequence number recovered from the payload.

use std::io::IoSlice;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;

use errq_codec::ee::Origin;
use errq_codec::payload::PayloadKind;
use errq_sys::{set_ipv6_recverr, set_ipv6_unicast_hops, set_recverr, RecvBuffers, SendMsg};
use errq_tests::ffi;
use errq_tests::netns::{require_root, Netns};
use errq_tests::packet;
use errq_tests::table::run_rows;
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::await_error;

const SEQ: u16 = 7;
const IDENT: u16 = 0x4242;

fn run(v6: bool, raw: bool) {
    let t = Topology::new().unwrap();
    let (domain, proto) = if v6 {
        (libc::AF_INET6, libc::IPPROTO_ICMPV6)
    } else {
        (libc::AF_INET, libc::IPPROTO_ICMP)
    };
    let ty = if raw {
        libc::SOCK_RAW
    } else {
        libc::SOCK_DGRAM
    };
    let s: OwnedFd = t.a.run(|| ffi::socket(domain, ty, proto)).unwrap();
    if !raw {
        // A ping socket's "port" is its echo identifier: the kernel rewrites the id to it.
        let local = if v6 {
            SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, IDENT))
        } else {
            SocketAddr::from((std::net::Ipv4Addr::UNSPECIFIED, IDENT))
        };
        ffi::bind(&s, local).unwrap();
    }
    if raw && v6 {
        // A raw IPv6 socket refuses SOL_IP options (ENOPROTOOPT): see the ignored test below.
        set_ipv6_recverr(&s, true).unwrap();
    } else {
        set_recverr(&s, true).unwrap();
    }
    if v6 {
        set_ipv6_unicast_hops(&s, 1).unwrap();
    } else {
        // (`std` sets IP_TTL on its own sockets only; errq-sys has no setter for it.)
        ffi::set_int(&s, libc::IPPROTO_IP, libc::IP_TTL, 1).unwrap();
    }
    let dest = if v6 {
        SocketAddr::from((addr::B6, 0))
    } else {
        SocketAddr::from((addr::B4, 0))
    };
    // A raw socket sends our identifier as is; a ping socket replaces it with IDENT.
    let echo = packet::echo_request(v6, if raw { IDENT } else { 0x0bad }, SEQ);
    let echo = [IoSlice::new(&echo)];
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || {
        SendMsg::new(&echo).to(dest).send(&s).map(drop)
    })
    .unwrap();
    let m = b.message(&r);
    assert_eq!(m.problem(), None, "{m}");
    let ee = m.error().unwrap().ee;
    if v6 {
        assert_eq!((ee.origin, ee.kind, ee.code), (Origin::ICMP6, 3, 0));
        assert_eq!(m.offender(), Some(SocketAddr::from((addr::RA6, 0))));
    } else {
        assert_eq!((ee.origin, ee.kind, ee.code), (Origin::ICMP, 11, 0));
        assert_eq!(m.offender(), Some(SocketAddr::from((addr::RA4, 0))));
    }
    assert!(ee.errno.is("EHOSTUNREACH"), "{m}");
    // msg_name: the echo's destination, port 0.
    assert_eq!(m.destination(), Some(dest), "{m}");
    let q = m.quoted(PayloadKind::Icmp { v6 }).unwrap();
    assert_eq!(q.echo(), Some((IDENT, SEQ)), "{:?}", m.payload());
    assert_eq!(q.data(), Some(&b"errq-echo"[..]));
    let probe = m.probe(PayloadKind::Icmp { v6 });
    assert_eq!(probe.echo, Some((IDENT, SEQ)));
}

/// One case: the family, and a raw ICMP socket (`SOCK_RAW`) or a ping socket
/// (`SOCK_DGRAM`, `IPPROTO_ICMP`/`IPPROTO_ICMPV6`).
#[derive(Debug)]
struct Case {
    v6: bool,
    raw: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { v6: false, raw: false },
    Case { v6: true,  raw: false },
    Case { v6: false, raw: true  },
    Case { v6: true,  raw: true  },
];

#[test]
fn ping_and_raw_sockets_v4_and_v6() {
    if require_root() {
        run_rows(CASES, |c| run(c.v6, c.raw));
    }
}

/// `errq_sys::set_recverr` on a raw ICMPv6 socket: the kernel refuses `IP_RECVERR` there
/// (`ipv6_setsockopt`: a level other than SOL_IPV6 on SOCK_RAW is ENOPROTOOPT), so
/// `set_recverr` must set `IPV6_RECVERR` alone, and the dual-stack setter must fail.
#[test]
fn set_recverr_on_raw_icmpv6_socket() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let s: OwnedFd = ns
        .run(|| ffi::socket(libc::AF_INET6, libc::SOCK_RAW, libc::IPPROTO_ICMPV6))
        .unwrap();
    set_recverr(&s, true).unwrap();
    assert!(errq_sys::ipv6_recverr(&s).unwrap());
    let e = errq_sys::set_recverr_dual_stack(&s, true).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::ENOPROTOOPT));
}
