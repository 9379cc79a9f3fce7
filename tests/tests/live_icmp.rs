//! Live ICMPv4 and ICMPv6 errors on UDP sockets, made by the real kernel in network
//! namespaces (`A - R - B`, see `errq_tests::topology`), decoded and checked field by
//! field.
//!
//! One table, [`SCENARIOS`]: each row says how to provoke the error and what the kernel
//! sends back. The expected values are written by hand from the kernel's rules (the
//! function that sends each error and the one that turns it into an errno are named on
//! the row), never taken from errq. One runner, [`run`], checks every row the same way;
//! the single test runs the rows side by side (`errq_tests::table::run_rows`), each in
//! namespaces of its own.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use errq_codec::ee::Origin;
use errq_codec::icmp::{Icmpv4Code, Icmpv4Type, Icmpv6Code, Icmpv6Type};
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_codec::record::Record;
use errq_sys::{
    set_ip_mtu_discover, set_ip_pktinfo, set_ip_recvtos, set_ip_recvttl, set_ipv6_mtu_discover,
    set_ipv6_recvhoplimit, set_ipv6_recvpktinfo, set_ipv6_recvtclass, set_ipv6_unicast_hops,
    PmtuDisc, RecvBuffers,
};
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::recverr_udp;
use errq_tests::table::run_rows;
use errq_tests::topology::{addr, Topology};
use errq_tests::wait::await_error;

/// The UDP port every probe goes to: closed everywhere.
const PORT: u16 = 33434;

/// How a row makes the kernel send its error. The family is the destination's.
#[derive(Clone, Copy, Debug)]
enum Provoke {
    /// A datagram to [`PORT`] on the loopback address, in a namespace of its own (the
    /// socket is bound to the loopback address too).
    Loopback,
    /// A datagram from A to this address, across the topology.
    Send(IpAddr),
    /// As `Send`, with TTL / hop limit 1: R may not forward it.
    HopLimit1(IpAddr),
    /// As `Send`, with path MTU discovery in probe mode (DF set, the cached path MTU
    /// ignored): the row's 1400 bytes do not fit R's 1280-byte link to B.
    TooBig(IpAddr),
    /// As `HopLimit1`, with the companions asked for: IP_RECVTTL, IP_PKTINFO, IP_RECVTOS
    /// (IPv4) or IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO, IPV6_RECVTCLASS (IPv6).
    Companions(IpAddr),
    /// As `Send`, from a socket connected to the destination.
    Connected(IpAddr),
}

/// One scenario: how, and what the kernel sends back.
struct Scenario {
    name: &'static str,
    provoke: Provoke,
    /// What the probe carries (the payload the error quotes back).
    data: &'static [u8],
    /// `ee_type`, `ee_code`: the ICMP type and code the kernel sent.
    kind: u8,
    code: u8,
    /// `ee_errno`: what the kernel's table makes of that type and code.
    errno: &'static str,
    /// `ee_info`: the next-hop MTU for "fragmentation needed" / "packet too big", else 0.
    info: u32,
    /// Who sent the error (`SO_EE_OFFENDER`).
    offender: IpAddr,
    /// The whole `Display` of the message, where a row pins it.
    display: Option<&'static str>,
    /// What a `Companions` row reads beside the error.
    companions: Option<Companions>,
}

/// A row is named by its name (in the runner's failures).
impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The companions of an ICMP error R originates, as A receives it.
#[derive(Clone, Copy, Debug)]
struct Companions {
    /// TTL / hop limit: R's default, 64, and A is one hop away.
    hop_limit: i32,
    /// TOS / traffic class of the error.
    tos: u8,
    /// How the message's `Display` ends.
    display_end: &'static str,
}

/// A row: its name, how to provoke the error, and what the probe carries; what comes
/// back is added with [`Scenario::sends`] and, where it matters, the other builders.
const fn row(name: &'static str, provoke: Provoke, data: &'static [u8]) -> Scenario {
    Scenario {
        name,
        provoke,
        data,
        kind: 0,
        code: 0,
        errno: "",
        info: 0,
        offender: v4(Ipv4Addr::UNSPECIFIED),
        display: None,
        companions: None,
    }
}

impl Scenario {
    /// The error: `kind` and `code` from `offender`, which the kernel turns into `errno`.
    const fn sends(mut self, kind: u8, code: u8, errno: &'static str, offender: IpAddr) -> Self {
        self.kind = kind;
        self.code = code;
        self.errno = errno;
        self.offender = offender;
        self
    }

    /// `ee_info` (the MTU of a "fragmentation needed" / "packet too big").
    const fn info(mut self, info: u32) -> Self {
        self.info = info;
        self
    }

    /// The message's whole `Display`.
    const fn display(mut self, display: &'static str) -> Self {
        self.display = Some(display);
        self
    }

    /// The companions read beside the error.
    const fn companions(mut self, companions: Companions) -> Self {
        self.companions = Some(companions);
        self
    }
}

const fn v4(a: Ipv4Addr) -> IpAddr {
    IpAddr::V4(a)
}

const fn v6(a: Ipv6Addr) -> IpAddr {
    IpAddr::V6(a)
}

/// A probe too big for the R-B link (MTU 1280).
const BIG: &[u8] = &[0xab; 1400];

/// The table. IPv4 errno: `icmp_err_convert[code]` for destination unreachable
/// (`net/ipv4/icmp.c`), EHOSTUNREACH for time exceeded and EMSGSIZE for fragmentation
/// needed (`__udp4_lib_err`). IPv6: `icmpv6_err_convert` (`net/ipv6/icmp.c`).
const SCENARIOS: &[Scenario] = &[
    // `__udp4_lib_rcv` finds no socket: `icmp_send(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH)`,
    // from the address the probe went to.
    row(
        "v4 port unreachable, loopback",
        Provoke::Loopback,
        b"probe-lo",
    )
    .sends(3, 3, "ECONNREFUSED", v4(Ipv4Addr::LOCALHOST))
    .display(
        "ICMP destination unreachable (port unreachable) from 127.0.0.1 for \
             127.0.0.1:33434, errno ECONNREFUSED",
    ),
    // `__udp6_lib_rcv`: `icmpv6_send(ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH)`.
    row(
        "v6 port unreachable, loopback",
        Provoke::Loopback,
        b"probe-lo6",
    )
    .sends(1, 4, "ECONNREFUSED", v6(Ipv6Addr::LOCALHOST))
    .display(
        "ICMPv6 destination unreachable (port unreachable) from ::1 for [::1]:33434, \
             errno ECONNREFUSED",
    ),
    // The same, from B across the topology.
    row(
        "v4 port unreachable, remote",
        Provoke::Send(v4(addr::B4)),
        b"probe-b",
    )
    .sends(3, 3, "ECONNREFUSED", v4(addr::B4)),
    row(
        "v6 port unreachable, remote",
        Provoke::Send(v6(addr::B6)),
        b"probe-b6",
    )
    .sends(1, 4, "ECONNREFUSED", v6(addr::B6)),
    // `ip_forward` on R: TTL 1 would reach 0, `icmp_send(ICMP_TIME_EXCEEDED,
    // ICMP_EXC_TTL)` from R's address on A's link.
    row(
        "v4 TTL exceeded at R",
        Provoke::HopLimit1(v4(addr::B4)),
        b"ttl1",
    )
    .sends(11, 0, "EHOSTUNREACH", v4(addr::RA4))
    .display(
        "ICMP time exceeded (TTL exceeded in transit) from 198.18.1.2 for \
             198.18.2.2:33434, errno EHOSTUNREACH",
    ),
    // `ip6_forward`: `icmpv6_send(ICMPV6_TIME_EXCEED, ICMPV6_EXC_HOPLIMIT)`.
    row(
        "v6 hop limit exceeded at R",
        Provoke::HopLimit1(v6(addr::B6)),
        b"hop1",
    )
    .sends(3, 0, "EHOSTUNREACH", v6(addr::RA6)),
    // `ip_forward` → `ip_exceeds_mtu`: `icmp_send(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
    // htonl(mtu))`; `__udp4_lib_err` puts the MTU in `ee_info`.
    row(
        "v4 fragmentation needed, MTU 1280",
        Provoke::TooBig(v4(addr::B4)),
        BIG,
    )
    .sends(3, 4, "EMSGSIZE", v4(addr::RA4))
    .info(addr::MTU_RB),
    // `ip6_forward`: `icmpv6_send(ICMPV6_PKT_TOOBIG, 0, mtu)`.
    row(
        "v6 packet too big, MTU 1280",
        Provoke::TooBig(v6(addr::B6)),
        BIG,
    )
    .sends(2, 0, "EMSGSIZE", v6(addr::RA6))
    .info(addr::MTU_RB),
    // R's `unreachable` route: `ip_error` sends ICMP_HOST_UNREACH (code 1).
    row(
        "v4 host unreachable (route)",
        Provoke::Send(v4(addr::UNREACH4)),
        b"unreach",
    )
    .sends(3, 1, "EHOSTUNREACH", v4(addr::RA4)),
    // R's IPv6 `unreachable` route: `ip6_pkt_discard` sends ICMPV6_NOROUTE (code 0).
    row(
        "v6 no route (route)",
        Provoke::Send(v6(addr::UNREACH6)),
        b"noroute",
    )
    .sends(1, 0, "ENETUNREACH", v6(addr::RA6)),
    // R's `prohibit` route: `ip_error` sends ICMP_PKT_FILTERED (code 13, communication
    // administratively prohibited).
    row(
        "v4 admin prohibited (route)",
        Provoke::Send(v4(addr::PROHIBIT4)),
        b"prohibit",
    )
    .sends(3, 13, "EHOSTUNREACH", v4(addr::RA4)),
    // `ip6_pkt_prohibit` sends ICMPV6_ADM_PROHIBITED (code 1).
    row(
        "v6 admin prohibited (route)",
        Provoke::Send(v6(addr::PROHIBIT6)),
        b"prohibit6",
    )
    .sends(1, 1, "EACCES", v6(addr::RA6)),
    // The TTL exceeded again, with its companions: R originates the error with its
    // default TTL 64 and A receives it directly; `icmp_send` sets the error's TOS to the
    // probe's (0) | IPTOS_PREC_INTERNETCONTROL (0xc0).
    row(
        "v4 companions: TTL, PKTINFO, TOS",
        Provoke::Companions(v4(addr::B4)),
        b"companions",
    )
    .sends(11, 0, "EHOSTUNREACH", v4(addr::RA4))
    .companions(Companions {
        hop_limit: 64,
        tos: 0xc0,
        display_end: ", errno EHOSTUNREACH, TTL 64",
    }),
    // R originates the ICMPv6 error with the default hop limit 64; its ICMPv6 control
    // socket sends with traffic class 0.
    row(
        "v6 companions: hop limit, PKTINFO, TCLASS",
        Provoke::Companions(v6(addr::B6)),
        b"companions6",
    )
    .sends(3, 0, "EHOSTUNREACH", v6(addr::RA6))
    .companions(Companions {
        hop_limit: 64,
        tos: 0,
        display_end: ", errno EHOSTUNREACH, hop limit 64",
    }),
    // A connected socket: the same entry, and `msg_name` is the connected peer.
    row(
        "v4 port unreachable, connected socket",
        Provoke::Connected(v4(addr::B4)),
        b"conn",
    )
    .sends(3, 3, "ECONNREFUSED", v4(addr::B4)),
];

/// Provoke the row's error, read it, and check everything the row says.
fn run(row: &Scenario) {
    let mut b: RecvBuffers = RecvBuffers::new();
    let (dest, topo) = match row.provoke {
        Provoke::Loopback => {
            let lo = if row.offender.is_ipv6() {
                v6(Ipv6Addr::LOCALHOST)
            } else {
                v4(Ipv4Addr::LOCALHOST)
            };
            let ns = Netns::new("L").unwrap();
            let s = recverr_udp(&ns, SocketAddr::new(lo, 0));
            let dest = SocketAddr::new(lo, PORT);
            let r = await_error(&s, &mut b, || s.send_to(row.data, dest).map(drop)).unwrap();
            check(row, &b.message(&r), dest);
            return;
        }
        Provoke::Send(to)
        | Provoke::HopLimit1(to)
        | Provoke::TooBig(to)
        | Provoke::Companions(to)
        | Provoke::Connected(to) => (SocketAddr::new(to, PORT), Topology::new().unwrap()),
    };
    let s = recverr_udp(
        &topo.a,
        if dest.is_ipv6() {
            "[::]:0"
        } else {
            "0.0.0.0:0"
        },
    );
    match row.provoke {
        Provoke::HopLimit1(_) => hop_limit_1(&s, dest),
        Provoke::TooBig(_) if dest.is_ipv6() => {
            set_ipv6_mtu_discover(&s, PmtuDisc::PROBE).unwrap();
        }
        Provoke::TooBig(_) => set_ip_mtu_discover(&s, PmtuDisc::PROBE).unwrap(),
        Provoke::Companions(_) if dest.is_ipv6() => {
            set_ipv6_recvhoplimit(&s, true).unwrap();
            set_ipv6_recvpktinfo(&s, true).unwrap();
            set_ipv6_recvtclass(&s, true).unwrap();
            hop_limit_1(&s, dest);
        }
        Provoke::Companions(_) => {
            set_ip_recvttl(&s, true).unwrap();
            set_ip_pktinfo(&s, true).unwrap();
            set_ip_recvtos(&s, true).unwrap();
            hop_limit_1(&s, dest);
        }
        Provoke::Connected(_) => s.connect(dest).unwrap(),
        Provoke::Send(_) | Provoke::Loopback => {}
    }
    let r = if let Provoke::Connected(_) = row.provoke {
        await_error(&s, &mut b, || match s.send(row.data) {
            Ok(_) => Ok(()),
            // a pending SO_ERROR from an earlier probe's error fails this send once
            Err(e) if e.raw_os_error() == Some(libc::ECONNREFUSED) => Ok(()),
            Err(e) => Err(e),
        })
    } else {
        await_error(&s, &mut b, || s.send_to(row.data, dest).map(drop))
    }
    .unwrap();
    let m = b.message(&r);
    check(row, &m, dest);
    if let Some(c) = row.companions {
        check_companions(&m, c, &topo, dest.is_ipv6());
    }
    if let Provoke::Connected(_) = row.provoke {
        let local = s.local_addr().unwrap();
        assert_eq!(local.ip(), IpAddr::V4(addr::A4));
    }
}

/// TTL (IPv4) or hop limit (IPv6) 1 on `s`.
fn hop_limit_1(s: &UdpSocket, dest: SocketAddr) {
    if dest.is_ipv6() {
        set_ipv6_unicast_hops(s, 1).unwrap();
    } else {
        s.set_ttl(1).unwrap();
    }
}

/// The error record, its meaning, the addresses and the payload, against the row.
fn check(row: &Scenario, m: &Message<'_>, dest: SocketAddr) {
    assert_eq!(m.problem(), None, "{m}");
    assert!(!m.control_truncated());
    let ee = m.error().expect("error record").ee;
    let origin = if dest.is_ipv6() {
        Origin::ICMP6
    } else {
        Origin::ICMP
    };
    assert_eq!(ee.origin, origin, "{m}");
    assert_eq!((ee.kind, ee.code), (row.kind, row.code), "{m}");
    assert!(
        ee.errno.is(row.errno),
        "errno {:?}, want {}: {m}",
        ee.errno.name(),
        row.errno
    );
    assert_eq!(ee.info, row.info, "{m}");
    let (errno, extension_len, mtu) = match m.meaning() {
        Some(Meaning::Icmp(icmp)) if !dest.is_ipv6() => {
            assert_eq!(icmp.kind, Icmpv4Type(row.kind));
            assert_eq!(icmp.code, Icmpv4Code(row.code));
            (icmp.errno, icmp.rfc4884.len, icmp.mtu())
        }
        Some(Meaning::Icmp6(icmp)) if dest.is_ipv6() => {
            assert_eq!(icmp.kind, Icmpv6Type(row.kind));
            assert_eq!(icmp.code, Icmpv6Code(row.code));
            (icmp.errno, icmp.rfc4884.len, icmp.mtu())
        }
        other => panic!("not an {origin:?} meaning: {other:?}: {m}"),
    };
    assert!(errno.is(row.errno));
    assert_eq!(extension_len, 0);
    if let Provoke::TooBig(_) = row.provoke {
        assert_eq!(mtu, Some(addr::MTU_RB));
        // R quotes as much of the datagram as fits its error (576 bytes for ICMPv4, the
        // minimum MTU 1280 for ICMPv6): the payload is a prefix of what was sent.
        assert!(!m.payload().is_empty());
        assert!(row.data.starts_with(m.payload()));
    } else {
        assert_eq!(m.payload(), row.data);
    }
    assert_eq!(m.offender(), Some(SocketAddr::new(row.offender, 0)), "{m}");
    assert_eq!(m.destination(), Some(dest), "{m}");
    assert_eq!(m.flags() & libc::MSG_ERRQUEUE, libc::MSG_ERRQUEUE);
    if let Some(display) = row.display {
        assert_eq!(m.to_string(), display);
    }
}

/// The companion records, before the error: they describe the ICMP packet R sent.
fn check_companions(m: &Message<'_>, want: Companions, topo: &Topology, v6: bool) {
    let c = m.companions();
    let va = topo.a.ifindex("vA").unwrap();
    assert_eq!(m.icmp_ttl(), Some(want.hop_limit));
    if v6 {
        assert_eq!(c.hop_limit, Some(want.hop_limit));
        assert_eq!(c.tclass, Some(i32::from(want.tos)));
        let pi = c.pktinfo6.expect("IPV6_PKTINFO");
        assert_eq!(pi.ifindex, va);
        assert_eq!(pi.addr, addr::A6);
    } else {
        assert_eq!(c.ttl, Some(want.hop_limit));
        assert_eq!(c.tos, Some(want.tos));
        let pi = c.pktinfo.expect("IP_PKTINFO");
        assert_eq!(pi.ifindex, i32::try_from(va).unwrap());
        assert_eq!(pi.addr, addr::A4);
        // The records come in the kernel's order (`ip_cmsg_recv_offset`): PKTINFO, TTL,
        // TOS, then the error last.
        let kinds: Vec<(i32, i32)> = m
            .records()
            .map(|r| match r.unwrap() {
                Record::Pktinfo(_) => (0, 8),
                Record::Ttl(_) => (0, 2),
                Record::Tos(_) => (0, 1),
                Record::Error(..) => (0, 11),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(kinds, [(0, 8), (0, 2), (0, 1), (0, 11)]);
    }
    assert_eq!(c.others, 0);
    assert!(m.to_string().ends_with(want.display_end), "{m}");
}

/// Every row, side by side (each in namespaces of its own).
#[test]
fn icmp_errors_v4_and_v6() {
    if !require_root() {
        return;
    }
    // Each row is a separate scenario: no name twice.
    let mut names: Vec<&str> = SCENARIOS.iter().map(|r| r.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), SCENARIOS.len());
    run_rows(SCENARIOS, run);
}
