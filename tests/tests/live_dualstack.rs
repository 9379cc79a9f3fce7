//! An IPv4 error on a dual-stack IPv6 socket: read as `IPV6_RECVERR` with origin ICMP, the
//! ICMPv4 type and code, a v4-mapped offender and destination.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use errq_codec::addr::unmap;
use errq_codec::ee::Origin;
use errq_codec::meaning::Meaning;
use errq_codec::record::ErrorLevel;
use errq_sys::{set_ip_recvttl, set_ipv6_recverr, set_recverr_dual_stack, RecvBuffers};
use errq_tests::netns::require_root;
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::{await_error, wait_and_recv};

const PORT: u16 = 33434;

fn mapped(a: Ipv4Addr, port: u16) -> SocketAddr {
    SocketAddr::from((a.to_ipv6_mapped(), port))
}

#[test]
fn ipv4_error_on_dual_stack_socket() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = t.a.run(|| UdpSocket::bind("[::]:0").unwrap());
    set_recverr_dual_stack(&s, true).unwrap();
    set_ip_recvttl(&s, true).unwrap();
    let dest = mapped(addr::UNREACH4, PORT);
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = await_error(&s, &mut b, || s.send_to(b"dual", dest).map(drop)).unwrap();
    let m = b.message(&r);
    assert_eq!(m.problem(), None, "{m}");
    assert_eq!(m.error_level(), Some(ErrorLevel::Ipv6));
    let ee = m.error().unwrap().ee;
    assert_eq!(ee.origin, Origin::ICMP);
    assert_eq!((ee.kind, ee.code), (3, 1));
    assert!(ee.errno.is("EHOSTUNREACH"));
    assert!(matches!(m.meaning(), Some(Meaning::Icmp(_))));
    assert_eq!(m.offender(), Some(mapped(addr::RA4, 0)));
    assert_eq!(
        m.offender().map(unmap),
        Some(SocketAddr::from((addr::RA4, 0)))
    );
    assert_eq!(m.destination(), Some(dest));
    // The companion is the SOL_IP one: IP_TTL of R's ICMP packet.
    assert_eq!(m.companions().ttl, Some(64));
    assert_eq!(m.companions().hop_limit, None);
    assert_eq!(m.payload(), b"dual");
}

/// Without `IP_RECVERR` (only `IPV6_RECVERR`) the IPv4 error is not queued.
#[test]
fn ipv6_recverr_alone_gets_no_ipv4_error() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    let s = t.a.run(|| UdpSocket::bind("[::]:0").unwrap());
    set_ipv6_recverr(&s, true).unwrap();
    let both = t.a.run(|| UdpSocket::bind("[::]:0").unwrap());
    set_recverr_dual_stack(&both, true).unwrap();
    let dest = mapped(addr::UNREACH4, PORT);
    let mut b: RecvBuffers = RecvBuffers::new();
    // The control socket proves errors were coming back...
    await_error(&both, &mut b, || {
        s.send_to(b"v6only", dest)?;
        both.send_to(b"both", dest).map(drop)
    })
    .unwrap();
    // ...and the IPV6_RECVERR-only socket got none.
    assert_eq!(
        wait_and_recv(&s, &mut b, std::time::Duration::from_millis(300)).unwrap(),
        None
    );
}
