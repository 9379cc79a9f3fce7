//! Live LOCAL errors: `EMSGSIZE` raised by A's own stack when a datagram with
//! `IP_PMTUDISC_DO` / `IPV6_PMTUDISC_DO` exceeds the 1500-byte A-R link.

use std::net::{SocketAddr, UdpSocket};

use errq_codec::ee::Origin;
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_sys::{set_ip_mtu_discover, set_ipv6_mtu_discover, set_recverr, PmtuDisc, RecvBuffers};
use errq_tests::netns::require_root;
use errq_tests::table::run_rows;
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::{wait_and_recv, RESEND_AFTER};

const PORT: u16 = 40404;

fn check_local(m: &Message<'_>, dest: SocketAddr) {
    assert_eq!(m.problem(), None, "{m}");
    let ee = m.error().expect("error record").ee;
    assert_eq!(ee.origin, Origin::LOCAL, "{m}");
    assert!(ee.errno.is("EMSGSIZE"), "{m}");
    assert_eq!((ee.kind, ee.code), (0, 0));
    assert_eq!(ee.info, addr::MTU_AR);
    let Some(Meaning::Local(l)) = m.meaning() else {
        panic!("not LOCAL: {m}")
    };
    assert_eq!(l.mtu(), Some(1500));
    // The offender is there but zeroed (AF_UNSPEC): no address.
    assert_eq!(m.offender(), None);
    assert_eq!(m.destination(), Some(dest), "{m}");
    // LOCAL entries carry no payload.
    assert!(m.payload().is_empty());
}

fn local_emsgsize(v6: bool, connected: bool) {
    let t = Topology::new().unwrap();
    let (bind, ip) = if v6 {
        ("[::]:0", std::net::IpAddr::V6(addr::B6))
    } else {
        ("0.0.0.0:0", std::net::IpAddr::V4(addr::B4))
    };
    let dest = SocketAddr::new(ip, PORT);
    let s = t.a.run(|| UdpSocket::bind(bind).unwrap());
    set_recverr(&s, true).unwrap();
    if v6 {
        set_ipv6_mtu_discover(&s, PmtuDisc::DO).unwrap();
    } else {
        set_ip_mtu_discover(&s, PmtuDisc::DO).unwrap();
    }
    let data = vec![7u8; 1600];
    let e = if connected {
        s.connect(dest).unwrap();
        s.send(&data).unwrap_err()
    } else {
        s.send_to(&data, dest).unwrap_err()
    };
    assert_eq!(e.raw_os_error(), Some(libc::EMSGSIZE));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = wait_and_recv(&s, &mut b, RESEND_AFTER)
        .unwrap()
        .expect("LOCAL error queued");
    let m = b.message(&r);
    // IPv4 reports the socket's connected port (inet_dport: 0 when unconnected); IPv6 the
    // flow's destination port.
    let want = if v6 || connected {
        dest
    } else {
        SocketAddr::new(ip, 0)
    };
    check_local(&m, want);
    assert!(m.to_string().starts_with("local error"), "{m}");
    assert!(m.to_string().contains("errno EMSGSIZE"), "{m}");
}

/// One case: the family, and whether the socket is connected to the destination.
#[derive(Debug)]
struct Case {
    v6: bool,
    connected: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { v6: false, connected: true  },
    Case { v6: false, connected: false },
    Case { v6: true,  connected: true  },
    Case { v6: true,  connected: false },
];

#[test]
fn local_emsgsize_v4_and_v6() {
    if require_root() {
        run_rows(CASES, |c| local_emsgsize(c.v6, c.connected));
    }
}
