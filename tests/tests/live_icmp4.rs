//! Live ICMPv4 errors on UDP sockets, made by the real kernel in network namespaces
//! (A - R - B, see `errq_tests::netns`), decoded and checked field by field.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

use errq_codec::ee::Origin;
use errq_codec::icmp::{Icmpv4Code, Icmpv4Type};
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_sys::{
    set_ip_mtu_discover, set_ip_pktinfo, set_ip_recvttl, set_recverr, PmtuDisc, RecvBuffers,
};
use errq_tests::ffi;
use errq_tests::netns::{require_root, Netns};
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::await_error;

const PORT: u16 = 33434;

/// Check an ICMPv4 error field by field.
#[allow(clippy::too_many_arguments)] // one argument per field checked
fn check_icmp(
    m: &Message<'_>,
    kind: u8,
    code: u8,
    errno: &str,
    info: u32,
    offender: Ipv4Addr,
    dest: SocketAddr,
) {
    assert_eq!(m.problem(), None, "{m}");
    assert!(!m.control_truncated());
    let ee = m.error().expect("error record").ee;
    assert_eq!(ee.origin, Origin::ICMP, "{m}");
    assert_eq!((ee.kind, ee.code), (kind, code), "{m}");
    assert!(
        ee.errno.is(errno),
        "errno {:?}, want {errno}: {m}",
        ee.errno.name()
    );
    assert_eq!(ee.info, info, "{m}");
    let Some(Meaning::Icmp(icmp)) = m.meaning() else {
        panic!("not an ICMP meaning: {m}")
    };
    assert_eq!(icmp.kind, Icmpv4Type(kind));
    assert_eq!(icmp.code, Icmpv4Code(code));
    assert!(icmp.errno.is(errno));
    assert_eq!(icmp.rfc4884.len, 0);
    assert_eq!(m.offender(), Some(SocketAddr::from((offender, 0))), "{m}");
    assert_eq!(m.destination(), Some(dest), "{m}");
    assert_eq!(m.flags() & libc::MSG_ERRQUEUE, libc::MSG_ERRQUEUE);
}

fn udp_in(ns: &Netns) -> UdpSocket {
    ns.run(|| {
        let s = UdpSocket::bind("0.0.0.0:0").unwrap();
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
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        set_recverr(&s, true).unwrap();
        s
    });
    let dest = SocketAddr::from((Ipv4Addr::LOCALHOST, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"probe-lo", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp(&m, 3, 3, "ECONNREFUSED", 0, Ipv4Addr::LOCALHOST, dest);
    assert_eq!(m.payload(), b"probe-lo");
    assert_eq!(
        m.to_string(),
        format!(
            "ICMP destination unreachable (port unreachable) from 127.0.0.1 for {dest}, errno ECONNREFUSED"
        )
    );
}

#[test]
fn port_unreachable_remote() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp_in(&t.a);
    let dest = SocketAddr::from((addr::B4, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"probe-b", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp(&m, 3, 3, "ECONNREFUSED", 0, addr::B4, dest);
    assert_eq!(m.payload(), b"probe-b");
}

#[test]
fn ttl_exceeded_at_r() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp_in(&t.a);
    s.set_ttl(1).unwrap();
    let dest = SocketAddr::from((addr::B4, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"ttl1", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp(&m, 11, 0, "EHOSTUNREACH", 0, addr::RA4, dest);
    assert_eq!(m.payload(), b"ttl1");
    assert_eq!(
        m.to_string(),
        format!("ICMP time exceeded (TTL exceeded in transit) from 198.18.1.2 for {dest}, errno EHOSTUNREACH")
    );
}

#[test]
fn fragmentation_needed_mtu_1280() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp_in(&t.a);
    set_ip_mtu_discover(&s, PmtuDisc::PROBE).unwrap();
    let dest = SocketAddr::from((addr::B4, PORT));
    let data = vec![0xabu8; 1400];
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(&data, dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp(&m, 3, 4, "EMSGSIZE", addr::MTU_RB, addr::RA4, dest);
    let Some(Meaning::Icmp(icmp)) = m.meaning() else {
        unreachable!()
    };
    assert_eq!(icmp.mtu(), Some(1280));
    // R quotes the IP header + 8 bytes + as much of the datagram as fits its 576-byte error:
    // the payload is a prefix of what was sent.
    assert!(!m.payload().is_empty());
    assert!(data.starts_with(m.payload()));
}

#[test]
fn host_unreachable_route() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp_in(&t.a);
    let dest = SocketAddr::from((addr::UNREACH4, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"unreach", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp(&m, 3, 1, "EHOSTUNREACH", 0, addr::RA4, dest);
    assert_eq!(m.payload(), b"unreach");
}

#[test]
fn admin_prohibited_route() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp_in(&t.a);
    let dest = SocketAddr::from((addr::PROHIBIT4, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"prohibit", dest).map(drop)).unwrap();
    let m = b.message(&r);
    // code 13: communication administratively prohibited
    check_icmp(&m, 3, 13, "EHOSTUNREACH", 0, addr::RA4, dest);
    assert_eq!(m.payload(), b"prohibit");
}

/// IP_RECVTTL, IP_PKTINFO and IP_RECVTOS: their records come before the error and describe
/// the ICMP packet R sent.
#[test]
fn companions_ttl_pktinfo_tos() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp_in(&t.a);
    set_ip_recvttl(&s, true).unwrap();
    set_ip_pktinfo(&s, true).unwrap();
    ffi::set_int(&s, libc::IPPROTO_IP, libc::IP_RECVTOS, 1).unwrap();
    s.set_ttl(1).unwrap();
    let dest = SocketAddr::from((addr::B4, PORT));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"companions", dest).map(drop)).unwrap();
    let m = b.message(&r);
    check_icmp(&m, 11, 0, "EHOSTUNREACH", 0, addr::RA4, dest);
    let c = m.companions();
    // R originates the ICMP error with its default TTL 64, A receives it directly.
    assert_eq!(c.ttl, Some(64));
    assert_eq!(m.icmp_ttl(), Some(64));
    // icmp_send: an error's TOS is the probe's (0) | IPTOS_PREC_INTERNETCONTROL (0xc0).
    assert_eq!(c.tos, Some(0xc0));
    let pi = c.pktinfo.expect("IP_PKTINFO");
    let va = t.a.ifindex("vA").unwrap();
    assert_eq!(pi.ifindex, i32::try_from(va).unwrap());
    assert_eq!(pi.addr, addr::A4);
    assert_eq!(c.others, 0);
    // The records come in the kernel's order: PKTINFO, TTL, TOS, then the error last.
    let kinds: Vec<(i32, i32)> = m
        .records()
        .map(|r| match r.unwrap() {
            errq_codec::record::Record::Pktinfo(_) => (0, 8),
            errq_codec::record::Record::Ttl(_) => (0, 2),
            errq_codec::record::Record::Tos(_) => (0, 1),
            errq_codec::record::Record::Error(..) => (0, 11),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(kinds, [(0, 8), (0, 2), (0, 1), (0, 11)]);
    assert!(
        m.to_string().ends_with(", errno EHOSTUNREACH, TTL 64"),
        "{m}"
    );
}

/// A connected socket: the same entry, and `msg_name` is the connected peer.
#[test]
fn connected_socket() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = udp_in(&t.a);
    let dest = SocketAddr::from((addr::B4, PORT));
    s.connect(dest).unwrap();
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || match s.send(b"conn") {
        Ok(_) => Ok(()),
        // a pending SO_ERROR from an earlier probe's error fails this send once
        Err(e) if e.raw_os_error() == Some(libc::ECONNREFUSED) => Ok(()),
        Err(e) => Err(e),
    })
    .unwrap();
    let m = b.message(&r);
    check_icmp(&m, 3, 3, "ECONNREFUSED", 0, addr::B4, dest);
    assert_eq!(m.payload(), b"conn");
    let local = s.local_addr().unwrap();
    assert_eq!(local.ip(), IpAddr::V4(addr::A4));
}
