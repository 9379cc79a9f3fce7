//! Every ICMPv4 destination-unreachable code 0..=15 and ICMPv6 code 0..=7, and parameter
//! problems, hand-built on R; the errno is the one the kernel gave, checked by name against
//! the kernel's tables (`icmp_err_convert`, `icmpv6_err_convert`), copied by hand into one
//! table of rows, [`ROWS`].

use std::net::IpAddr;

use errq_codec::ee::Origin;
use errq_codec::meaning::Meaning;
use errq_sys::RecvBuffers;
use errq_tests::hand_built::hand_built_error;
use errq_tests::netns::require_root;
use errq_tests::packet;
use errq_tests::sockets::recverr_udp;
use errq_tests::table::run_rows;
use errq_tests::topology::{addr, Topology};

/// One hand-built error and what the kernel makes of it.
#[derive(Debug)]
struct Row {
    v6: bool,
    /// ICMP type and code R sends.
    kind: u8,
    code: u8,
    /// The 4 bytes after the checksum (next-hop MTU, parameter-problem pointer).
    rest: [u8; 4],
    /// `ee_errno`, `ee_info`, and whether the kernel calls the error fatal (it then also
    /// sets `sk_err`).
    errno: &'static str,
    info: u32,
    fatal: bool,
}

/// ICMPv4 destination unreachable: `icmp_err_convert[code]` (`net/ipv4/icmp.c`), errno and
/// fatal; code 4 carries the next-hop MTU (1280) in bytes 6..8, which `icmp_unreach` hands
/// on as `ee_info`. ICMPv6 destination unreachable: `tab_unreach[code]` (`net/ipv6/icmp.c`)
/// for codes 0..=6, and for 7 `icmpv6_err_convert`'s default, EPROTO and fatal. Parameter
/// problems: EPROTO and fatal, `ee_info` the pointer (ICMPv4: `icmp_unreach` takes the
/// first byte after the checksum, here 8, the TTL octet; ICMPv6: the whole 32-bit field,
/// here 7, the hop limit octet).
#[rustfmt::skip]
const ROWS: &[Row] = &[
    Row { v6: false, kind: 3, code: 0,  rest: [0; 4],             errno: "ENETUNREACH",  info: 0,    fatal: false },
    Row { v6: false, kind: 3, code: 1,  rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: false },
    Row { v6: false, kind: 3, code: 2,  rest: [0; 4],             errno: "ENOPROTOOPT",  info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 3,  rest: [0; 4],             errno: "ECONNREFUSED", info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 4,  rest: [0, 0, 0x05, 0x00], errno: "EMSGSIZE",     info: 1280, fatal: false },
    Row { v6: false, kind: 3, code: 5,  rest: [0; 4],             errno: "EOPNOTSUPP",   info: 0,    fatal: false },
    Row { v6: false, kind: 3, code: 6,  rest: [0; 4],             errno: "ENETUNREACH",  info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 7,  rest: [0; 4],             errno: "EHOSTDOWN",    info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 8,  rest: [0; 4],             errno: "ENONET",       info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 9,  rest: [0; 4],             errno: "ENETUNREACH",  info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 10, rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 11, rest: [0; 4],             errno: "ENETUNREACH",  info: 0,    fatal: false },
    Row { v6: false, kind: 3, code: 12, rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: false },
    Row { v6: false, kind: 3, code: 13, rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 14, rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: true  },
    Row { v6: false, kind: 3, code: 15, rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: true  },
    Row { v6: true,  kind: 1, code: 0,  rest: [0; 4],             errno: "ENETUNREACH",  info: 0,    fatal: false },
    Row { v6: true,  kind: 1, code: 1,  rest: [0; 4],             errno: "EACCES",       info: 0,    fatal: true  },
    Row { v6: true,  kind: 1, code: 2,  rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: false },
    Row { v6: true,  kind: 1, code: 3,  rest: [0; 4],             errno: "EHOSTUNREACH", info: 0,    fatal: false },
    Row { v6: true,  kind: 1, code: 4,  rest: [0; 4],             errno: "ECONNREFUSED", info: 0,    fatal: true  },
    Row { v6: true,  kind: 1, code: 5,  rest: [0; 4],             errno: "EACCES",       info: 0,    fatal: true  },
    Row { v6: true,  kind: 1, code: 6,  rest: [0; 4],             errno: "EACCES",       info: 0,    fatal: true  },
    Row { v6: true,  kind: 1, code: 7,  rest: [0; 4],             errno: "EPROTO",       info: 0,    fatal: true  },
    Row { v6: false, kind: 12, code: 0, rest: [8, 0, 0, 0],       errno: "EPROTO",       info: 8,    fatal: true  },
    Row { v6: true,  kind: 4, code: 0,  rest: [0, 0, 0, 7],       errno: "EPROTO",       info: 7,    fatal: true  },
];

/// R answers A's probe with the row's error; A's entry must say what the row says.
fn check(t: &Topology, row: &Row) {
    let Row {
        v6,
        kind,
        code,
        rest,
        ..
    } = *row;
    let s = recverr_udp(&t.a, if v6 { "[::]:0" } else { "0.0.0.0:0" });
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
    .unwrap();
    let m = b.message(&r);
    assert_eq!(m.problem(), None);
    let ee = m.error().unwrap().ee;
    assert_eq!(ee.origin, if v6 { Origin::ICMP6 } else { Origin::ICMP });
    let offender = if v6 {
        IpAddr::from(addr::RA6)
    } else {
        IpAddr::from(addr::RA4)
    };
    assert_eq!(m.offender().map(|a| a.ip()), Some(offender));
    assert_eq!(m.payload(), &data[..]);
    let fatal = match m.meaning() {
        Some(Meaning::Icmp(i)) => i.is_fatal(),
        Some(Meaning::Icmp6(i)) => i.is_fatal(),
        other => panic!("{other:?}"),
    };
    let got = (ee.kind, ee.code, ee.errno.name(), ee.info, fatal);
    let want = (row.kind, row.code, Some(row.errno), row.info, row.fatal);
    assert_eq!(got, want);
}

/// Every row, side by side, on one topology (each row has its own socket in A, and R's
/// answer quotes that socket's port).
#[test]
fn hand_built_unreachables_and_parameter_problems() {
    if !require_root() {
        return;
    }
    let t = Topology::new().unwrap();
    run_rows(ROWS, |row| check(&t, row));
}
