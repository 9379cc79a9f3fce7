//! Live ICMPv6 errors on UDP sockets, made by the real kernel in network namespaces
//! (A - R - B, see `errq_tests::netns`), decoded and checked field by field.

use std::net::{Ipv6Addr, SocketAddr, UdpSocket};

use errq_codec::ee::Origin;
use errq_codec::icmp::{Icmpv6Code, Icmpv6Type};
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_sys::{
    set_ipv6_mtu_discover, set_ipv6_recvhoplimit, set_ipv6_recvpktinfo, set_ipv6_unicast_hops,
    set_recverr, PmtuDisc, RecvBuffers,
};
use errq_tests::ffi;
use errq_tests::netns::{require_root, Netns};
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::await_error;

const PORT: u16 = 33434;

/// Check an ICMPv6 error field by field.
#[allow(clippy::too_many_arguments)] // one argument per field checked
fn check_icmp6(
    m: &Message<'_>,
    kind: u8,
    code: u8,
    errno: &str,
    info: u32,
    offender: Ipv6Addr,
    dest: SocketAddr,
) {
    assert_eq!(m.problem(), None, "{m}");
    assert!(!m.control_truncated());
    let ee = m.error().expect("error record").ee;
    assert_eq!(ee.origin, Origin::ICMP6, "{m}");
    assert_eq!((ee.kind, ee.code), (kind, code), "{m}");
    assert!(
        ee.errno.is(errno),
        "errno {:?}, want {errno}: {m}",
        ee.errno.name()
    );
    assert_eq!(ee.info, info, "{m}");
    let Some(Meaning::Icmp6(icmp)) = m.meaning() else {
        panic!("not an ICMPv6 meaning: {m}")
    };
    assert_eq!(icmp.kind, Icmpv6Type(kind));
    assert_eq!(icmp.code, Icmpv6Code(code));
    assert!(icmp.errno.is(errno));
    assert_eq!(icmp.rfc4884.len, 0);
    assert_eq!(m.offender(), Some(SocketAddr::from((offender, 0))), "{m}");
    assert_eq!(m.destination(), Some(dest), "{m}");
    assert_eq!(m.flags() & libc::MSG_ERRQUEUE, libc::MSG_ERRQUEUE);
}

fn udp6_in(ns: &Netns) -> UdpSocket {
    ns.run(|| {
        let s = UdpSocket::bind("[::]:0").unwrap();
        set_recverr(&s, true).unwrap();
        s
    })
}

#[test]
fn port_unreachable_loopback() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let s = ns.run(|| {
        let s = UdpSocket::bind("[::1]:0").unwrap();
        set_recverr(&s, true).unwrap();
        s
    });
    let dest = SocketAddr::from((Ipv6Addr::LOCALHOST, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"probe-lo6", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp6(&m, 1, 4, "ECONNREFUSED", 0, Ipv6Addr::LOCALHOST, dest);
    assert_eq!(m.payload(), b"probe-lo6");
    assert_eq!(
        m.to_string(),
        format!("ICMPv6 destination unreachable (port unreachable) from ::1 for {dest}, errno ECONNREFUSED")
    );
}

#[test]
fn port_unreachable_remote() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp6_in(&t.a);
    let dest = SocketAddr::from((addr::B6, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"probe-b6", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp6(&m, 1, 4, "ECONNREFUSED", 0, addr::B6, dest);
    assert_eq!(m.payload(), b"probe-b6");
}

#[test]
fn hop_limit_exceeded_at_r() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp6_in(&t.a);
    set_ipv6_unicast_hops(&s, 1).unwrap();
    let dest = SocketAddr::from((addr::B6, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"hop1", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp6(&m, 3, 0, "EHOSTUNREACH", 0, addr::RA6, dest);
    assert_eq!(m.payload(), b"hop1");
}

#[test]
fn packet_too_big_mtu_1280() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp6_in(&t.a);
    set_ipv6_mtu_discover(&s, PmtuDisc::PROBE).unwrap();
    let dest = SocketAddr::from((addr::B6, PORT));
    let data = vec![0x5au8; 1400];
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(&data, dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp6(&m, 2, 0, "EMSGSIZE", addr::MTU_RB, addr::RA6, dest);
    let Some(Meaning::Icmp6(icmp)) = m.meaning() else {
        unreachable!()
    };
    assert_eq!(icmp.mtu(), Some(1280));
    assert!(!m.payload().is_empty());
    assert!(data.starts_with(m.payload()));
}

#[test]
fn no_route() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp6_in(&t.a);
    let dest = SocketAddr::from((addr::UNREACH6, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"noroute", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp6(&m, 1, 0, "ENETUNREACH", 0, addr::RA6, dest);
    assert_eq!(m.payload(), b"noroute");
}

#[test]
fn admin_prohibited() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp6_in(&t.a);
    let dest = SocketAddr::from((addr::PROHIBIT6, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"prohibit6", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp6(&m, 1, 1, "EACCES", 0, addr::RA6, dest);
    assert_eq!(m.payload(), b"prohibit6");
}

/// IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO and IPV6_RECVTCLASS before the error.
#[test]
fn companions_hoplimit_pktinfo_tclass() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp6_in(&t.a);
    set_ipv6_recvhoplimit(&s, true).unwrap();
    set_ipv6_recvpktinfo(&s, true).unwrap();
    ffi::set_int(&s, libc::IPPROTO_IPV6, libc::IPV6_RECVTCLASS, 1).unwrap();
    set_ipv6_unicast_hops(&s, 1).unwrap();
    let dest = SocketAddr::from((addr::B6, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"companions6", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp6(&m, 3, 0, "EHOSTUNREACH", 0, addr::RA6, dest);
    let c = m.companions();
    // R originates the ICMPv6 error with the default hop limit 64.
    assert_eq!(c.hop_limit, Some(64));
    assert_eq!(m.icmp_ttl(), Some(64));
    // R's ICMPv6 control socket sends with traffic class 0.
    assert_eq!(c.tclass, Some(0));
    let pi = c.pktinfo6.expect("IPV6_PKTINFO");
    assert_eq!(pi.ifindex, t.a.ifindex("vA").unwrap());
    assert_eq!(pi.addr, addr::A6);
    assert_eq!(c.others, 0);
    assert!(
        m.to_string()
            .ends_with(", errno EHOSTUNREACH, hop limit 64"),
        "{m}"
    );
}
