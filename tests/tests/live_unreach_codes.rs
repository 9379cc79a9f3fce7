//! Every ICMPv4 destination-unreachable code 0..=15 and ICMPv6 code 0..=7, and parameter
//! problems, hand-built on R; the errno is the one the kernel gave, checked by name against
//! the kernel's tables (`icmp_err_convert`, `icmpv6_err_convert`).

use std::net::UdpSocket;

use errq_codec::ee::Origin;
use errq_codec::meaning::Meaning;
use errq_sys::{set_recverr, RecvBuffers};
use errq_tests::hand_built::hand_built_error;
use errq_tests::netns::require_root;
use errq_tests::packet;
use errq_tests::topology::{addr, Topology};

/// `icmp_err_convert[]` (net/ipv4/icmp.c), codes 0..=15.
const V4_ERRNO: [&str; 16] = [
    "ENETUNREACH",
    "EHOSTUNREACH",
    "ENOPROTOOPT",
    "ECONNREFUSED",
    "EMSGSIZE",
    "EOPNOTSUPP",
    "ENETUNREACH",
    "EHOSTDOWN",
    "ENONET",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "EHOSTUNREACH",
    "EHOSTUNREACH",
    "EHOSTUNREACH",
];

/// `tab_unreach[]` (net/ipv6/icmp.c), codes 0..=6; 7 and up: EPROTO.
const V6_ERRNO: [&str; 8] = [
    "ENETUNREACH",
    "EACCES",
    "EHOSTUNREACH",
    "EHOSTUNREACH",
    "ECONNREFUSED",
    "EACCES",
    "EACCES",
    "EPROTO",
];

fn one(t: &Topology, v6: bool, kind: u8, code: u8, rest: [u8; 4]) -> (u8, u8, String, u32, bool) {
    let s =
        t.a.run(|| UdpSocket::bind(if v6 { "[::]:0" } else { "0.0.0.0:0" }).unwrap());
    set_recverr(&s, true).unwrap();
    let data = [code; 40];
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = hand_built_error(
        t,
        v6,
        &s,
        &data,
        |q| packet::icmp_error(kind, code, rest, q, q.len(), &[], !v6),
        &mut b,
    )
    .unwrap_or_else(|e| panic!("type {kind} code {code}: {e}"));
    let m = b.message(&r);
    assert_eq!(m.problem(), None);
    let ee = m.error().unwrap().ee;
    assert_eq!(ee.origin, if v6 { Origin::ICMP6 } else { Origin::ICMP });
    let offender = if v6 {
        std::net::IpAddr::from(addr::RA6)
    } else {
        addr::RA4.into()
    };
    assert_eq!(m.offender().map(|a| a.ip()), Some(offender));
    assert_eq!(m.payload(), &data[..], "type {kind} code {code}");
    let fatal = match m.meaning() {
        Some(Meaning::Icmp(i)) => i.is_fatal(),
        Some(Meaning::Icmp6(i)) => i.is_fatal(),
        other => panic!("{other:?}"),
    };
    (
        ee.kind,
        ee.code,
        ee.errno.name().unwrap_or("?").to_owned(),
        ee.info,
        fatal,
    )
}

#[test]
fn icmpv4_dest_unreach_codes_0_to_15() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    for code in 0..16u8 {
        // code 4 carries the next-hop MTU in bytes 6..8
        let rest = if code == 4 {
            [0, 0, 0x05, 0x00]
        } else {
            [0; 4]
        };
        let (kind, c, errno, info, fatal) = one(&t, false, 3, code, rest);
        assert_eq!((kind, c), (3, code));
        assert_eq!(errno, V4_ERRNO[usize::from(code)], "code {code}");
        assert_eq!(info, if code == 4 { 1280 } else { 0 }, "code {code}");
        // icmp_err_convert[].fatal: all but 0, 1, 4, 5, 11, 12
        assert_eq!(fatal, ![0, 1, 4, 5, 11, 12].contains(&code), "code {code}");
    }
}

#[test]
fn icmpv6_dest_unreach_codes_0_to_7() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    for code in 0..8u8 {
        let (kind, c, errno, info, fatal) = one(&t, true, 1, code, [0; 4]);
        assert_eq!((kind, c), (1, code));
        assert_eq!(errno, V6_ERRNO[usize::from(code)], "code {code}");
        assert_eq!(info, 0);
        // icmpv6_err_convert: fatal except no route (0), beyond scope (2), address (3)
        assert_eq!(fatal, ![0, 2, 3].contains(&code), "code {code}");
    }
}

#[test]
fn icmpv4_parameter_problem() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    // pointer 8 (the TTL octet) in the first byte after the checksum
    let (kind, code, errno, info, fatal) = one(&t, false, 12, 0, [8, 0, 0, 0]);
    assert_eq!(
        (kind, code, errno.as_str(), info, fatal),
        (12, 0, "EPROTO", 8, true)
    );
}

#[test]
fn icmpv6_parameter_problem() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    // pointer 7 (the hop limit octet): a 32-bit field
    let (kind, code, errno, info, fatal) = one(&t, true, 4, 0, 7u32.to_be_bytes());
    assert_eq!(
        (kind, code, errno.as_str(), info, fatal),
        (4, 0, "EPROTO", 7, true)
    );
}
