//! The `tracepath` example of errq-sys against the system's iputils `tracepath`, across a
//! four-namespace chain with two path-MTU steps, a router whose answers come back with an
//! odd TTL (asymmetry) and an administratively prohibited route:
//!
//! ```text
//!   A a0  198.18.1.1 2001:db8:1::1 --1500-- r1a 198.18.1.2 2001:db8:1::2 R1
//!  R1 r1b 198.18.2.1 2001:db8:2::1 --1400-- r2a 198.18.2.2 2001:db8:2::2 R2
//!  R2 r2b 198.18.3.1 2001:db8:3::1 --1280-- b0  198.18.3.2 2001:db8:3::2 B
//!  R2: ip_default_ttl 60 / hop_limit 60 on r2a (its errors reach A with TTL 59: "asymm 6"),
//!      prohibit 198.18.9.0/24 and 2001:db8:9::/64
//! ```
//!
//! Both tools run in namespace A (`ip netns exec`), each after the path MTU cache was
//! flushed (or both with it warm), and their outputs are compared after dropping the round
//! trip times: hops per TTL, `pmtu`, `asymm`, `reached`, `!H`/`!A`, and the Resume line.
//! Consecutive identical lines are merged, so a probe answered twice (a late answer and the
//! resent probe's) does not count as a difference. Each result is also checked against the
//! path as built, so two tools wrong in the same way do not pass.
//!
//! The example is built by cargo for this test: the tests package has it as its `tracepath`
//! binary (tests/Cargo.toml), whose path cargo gives as `CARGO_BIN_EXE_tracepath`. Needs
//! root; without it (or without the system `tracepath`) the test prints why and passes,
//! except under `CI=true`, where it fails.

// Test code: slicing packets at fixed offsets and small index arithmetic, all checked
// against the lengths just read.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::process::Command;

use errq_tests::netns::{self, Netns};

/// The four namespaces; dropping it deletes them (and the veth pairs with them).
struct Chain {
    a: Netns,
    r1: Netns,
    r2: Netns,
    b: Netns,
}

fn chain() -> std::io::Result<Chain> {
    let c = Chain {
        a: Netns::new("A")?,
        r1: Netns::new("R1")?,
        r2: Netns::new("R2")?,
        b: Netns::new("B")?,
    };
    let links: [(&Netns, &str, &Netns, &str, &str); 3] = [
        (&c.a, "a0", &c.r1, "r1a", "1500"),
        (&c.r1, "r1b", &c.r2, "r2a", "1400"),
        (&c.r2, "r2b", &c.b, "b0", "1280"),
    ];
    for (left, ldev, right, rdev, mtu) in links {
        left.ip(&[
            "link",
            "add",
            ldev,
            "type",
            "veth",
            "peer",
            "name",
            rdev,
            "netns",
            right.name(),
        ])?;
        left.ip(&["link", "set", ldev, "mtu", mtu])?;
        right.ip(&["link", "set", rdev, "mtu", mtu])?;
    }
    let addrs: [(&Netns, &str, &str, &str); 6] = [
        (&c.a, "a0", "198.18.1.1/24", "2001:db8:1::1/64"),
        (&c.r1, "r1a", "198.18.1.2/24", "2001:db8:1::2/64"),
        (&c.r1, "r1b", "198.18.2.1/24", "2001:db8:2::1/64"),
        (&c.r2, "r2a", "198.18.2.2/24", "2001:db8:2::2/64"),
        (&c.r2, "r2b", "198.18.3.1/24", "2001:db8:3::1/64"),
        (&c.b, "b0", "198.18.3.2/24", "2001:db8:3::2/64"),
    ];
    for (ns, dev, v4, v6) in addrs {
        ns.ip(&["addr", "add", v4, "dev", dev])?;
        ns.ip(&["addr", "add", v6, "dev", dev, "nodad"])?;
        ns.ip(&["link", "set", dev, "up"])?;
    }
    let routes: [(&Netns, &str, &str); 4] = [
        (&c.a, "198.18.1.2", "2001:db8:1::2"),
        (&c.r1, "198.18.2.2", "2001:db8:2::2"),
        (&c.r2, "198.18.2.1", "2001:db8:2::1"),
        (&c.b, "198.18.3.1", "2001:db8:3::1"),
    ];
    for (ns, gw4, gw6) in routes {
        ns.ip(&["route", "add", "default", "via", gw4])?;
        ns.ip(&["-6", "route", "add", "default", "via", gw6])?;
    }
    for r in [&c.r1, &c.r2] {
        r.sysctl("net/ipv4/ip_forward", "1")?;
        r.sysctl("net/ipv6/conf/all/forwarding", "1")?;
    }
    c.r2.sysctl("net/ipv4/ip_default_ttl", "60")?;
    c.r2.sysctl("net/ipv6/conf/r2a/hop_limit", "60")?;
    c.r2.ip(&["route", "add", "prohibit", "198.18.9.0/24"])?;
    c.r2.ip(&["-6", "route", "add", "prohibit", "2001:db8:9::/64"])?;
    Ok(c)
}

/// Skip with a printed reason, or fail under `CI=true`.
fn skip(why: &str) {
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "CI=true: {why}"
    );
    eprintln!("skipping: {why}");
}

/// The example, built by cargo for this test (errq-sys/examples/tracepath.rs).
const OURS: &str = env!("CARGO_BIN_EXE_tracepath");

/// Run `program args` in `ns` (bounded by `timeout`), returning its stdout.
fn run(ns: &Netns, program: &str, args: &[&str]) -> String {
    let out = Command::new("timeout")
        .args(["120", "ip", "netns", "exec", ns.name(), program])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Forget the path MTUs A learnt (IPv4 exceptions and IPv6 cached routes).
fn flush(a: &Netns) {
    a.ip(&["route", "flush", "cache"]).expect("flush v4");
    a.ip(&["-6", "route", "flush", "cache"]).expect("flush v6");
}

/// The output without round trip times, one line per answer, whitespace collapsed,
/// consecutive duplicates merged; RFC 4884 detail lines (indented, only from the example)
/// left out.
fn normalize(output: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in output.lines() {
        let trimmed = raw.trim_start();
        let indented = raw.len().saturating_sub(trimmed.len()) >= 5;
        if indented && !trimmed.starts_with("Resume:") && !trimmed.starts_with("Too many hops") {
            continue;
        }
        let words: Vec<&str> = raw.split_whitespace().filter(|w| !is_rtt(w)).collect();
        let line = words.join(" ");
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
    lines
}

/// `12.345ms`.
fn is_rtt(word: &str) -> bool {
    word.strip_suffix("ms")
        .and_then(|n| n.split_once('.'))
        .is_some_and(|(ms, us)| {
            !ms.is_empty()
                && us.len() == 3
                && ms.bytes().all(|b| b.is_ascii_digit())
                && us.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Run both tools with `args` (after a flush each, unless `warm`) and compare.
fn compare(c: &Chain, ours: &str, args: &[&str], warm: bool, expected: &[&str]) {
    if !warm {
        flush(&c.a);
    }
    let system_out = run(&c.a, "tracepath", args);
    if !warm {
        flush(&c.a);
    }
    let ours_out = run(&c.a, ours, args);
    let (system, ours) = (normalize(&system_out), normalize(&ours_out));
    eprintln!(
        "tracepath {}\n--- system\n{system_out}--- ours\n{ours_out}",
        args.join(" ")
    );
    assert_eq!(
        ours, system,
        "tracepath {args:?}: ours differs from the system's\n--- system\n{system_out}--- ours\n{ours_out}"
    );
    assert_eq!(
        ours, expected,
        "tracepath {args:?}: not the path as built\n{ours_out}"
    );
}

/// The addresses one family uses in the chain.
struct Family {
    flag: &'static str,
    r1: &'static str,
    r2_from_r1: &'static str,
    b: &'static str,
    prohibited: &'static str,
    prohibit_mark: &'static str,
}

const V4: Family = Family {
    flag: "-4",
    r1: "198.18.1.2",
    r2_from_r1: "198.18.2.2",
    b: "198.18.3.2",
    prohibited: "198.18.9.1",
    prohibit_mark: "!H",
};

const V6: Family = Family {
    flag: "-6",
    r1: "2001:db8:1::2",
    r2_from_r1: "2001:db8:2::2",
    b: "2001:db8:3::2",
    prohibited: "2001:db8:9::1",
    prohibit_mark: "!A",
};

fn compare_family(f: &Family) {
    if !netns::require_root() {
        return;
    }
    if Command::new("tracepath").arg("-V").output().is_err() {
        skip("the system tracepath (iputils-tracepath) is not installed");
        return;
    }
    let c = chain().expect("four-namespace chain");
    let (r1, r2, b) = (f.r1, f.r2_from_r1, f.b);

    // Warm the neighbour caches with small probes, so no answer waits on ARP/ND.
    run(&c.a, OURS, &["-n", f.flag, "-l", "128", b]);

    // A cold path: LOCAL EMSGSIZE at the interface MTU, then each router's frag needed /
    // packet too big; R2's answers come back with TTL 59.
    let cold = [
        "1?: [LOCALHOST] pmtu 1500".to_owned(),
        format!("1: {r1}"),
        format!("2: {r1} pmtu 1400"),
        format!("2: {r2} asymm 6"),
        format!("3: {r2} pmtu 1280"),
        format!("3: {b} reached"),
        "Resume: pmtu 1280 hops 3 back 3".to_owned(),
    ];
    let cold: Vec<&str> = cold.iter().map(String::as_str).collect();
    compare(&c, OURS, &["-n", f.flag, b], false, &cold);

    // Warm: the route already carries the path MTU.
    let warm = [
        "1?: [LOCALHOST] pmtu 1280".to_owned(),
        format!("1: {r1}"),
        format!("2: {r2} asymm 6"),
        format!("3: {b} reached"),
        "Resume: pmtu 1280 hops 3 back 3".to_owned(),
    ];
    let warm: Vec<&str> = warm.iter().map(String::as_str).collect();
    compare(&c, OURS, &["-n", f.flag, b], true, &warm);

    // -l under the first step and another base port: only R2 reports an MTU.
    let sized = [
        format!("1: {r1}"),
        format!("2: {r2} asymm 6"),
        format!("3: {r2} pmtu 1280"),
        format!("3: {b} reached"),
        "Resume: pmtu 1280 hops 3 back 3".to_owned(),
    ];
    let sized: Vec<&str> = sized.iter().map(String::as_str).collect();
    compare(
        &c,
        OURS,
        &["-n", f.flag, "-l", "1350", "-p", "33434", b],
        false,
        &sized,
    );

    // -m 2: the trace stops short of B.
    let short = [
        "1?: [LOCALHOST] pmtu 1500".to_owned(),
        format!("1: {r1}"),
        format!("2: {r1} pmtu 1400"),
        format!("2: {r2} asymm 6"),
        "Too many hops: pmtu 1400".to_owned(),
        "Resume: pmtu 1400".to_owned(),
    ];
    let short: Vec<&str> = short.iter().map(String::as_str).collect();
    compare(&c, OURS, &["-n", f.flag, "-m", "2", b], false, &short);

    // A prohibited destination: R2 answers the TTL-2 probe with admin prohibited.
    let prohibited = [
        "1?: [LOCALHOST] pmtu 1500".to_owned(),
        format!("1: {r1}"),
        format!("2: {r1} pmtu 1400"),
        format!("2: {r2} {}", f.prohibit_mark),
        "Resume: pmtu 1400".to_owned(),
    ];
    let prohibited: Vec<&str> = prohibited.iter().map(String::as_str).collect();
    compare(&c, OURS, &["-n", f.flag, f.prohibited], false, &prohibited);
}

#[test]
fn tracepath_matches_iputils_v4() {
    compare_family(&V4);
}

#[test]
fn tracepath_matches_iputils_v6() {
    compare_family(&V6);
}

#[test]
fn normalize_drops_times_and_merges_repeats() {
    let out = " 1?: [LOCALHOST]                      pmtu 1500\n \
               1:  198.18.1.2                                            0.373ms \n \
               1:  198.18.1.2                                            0.029ms \n \
               2:  198.18.2.2                                          1024.034ms asymm  6 \n     \
               MPLS label 16 tc 0 s 1 ttl 1\n     \
               Resume: pmtu 1280 hops 3 back 3 \n";
    assert_eq!(
        normalize(out),
        [
            "1?: [LOCALHOST] pmtu 1500",
            "1: 198.18.1.2",
            "2: 198.18.2.2 asymm 6",
            "Resume: pmtu 1280 hops 3 back 3"
        ]
    );
}

/// A fake MPLS router on R1 for the blackholed prefixes 198.18.52.0/24 and 2001:db8:52::/64:
/// a packet socket sees each probe A sends there; TTL 1 gets a time exceeded with an RFC 4884
/// extension (an MPLS label stack and the incoming interface's information), any other TTL a
/// port unreachable ("reached"). For 198.18.53.0/24 it is a router that predates RFC 4884:
/// the same extension after exactly 128 bytes of quote, the length field left 0 (RFC 4884
/// section 5), for which the kernel reports `ee_rfc4884.len` 0. The errors go out through raw ICMP sockets, so the kernel
/// adds the IP header (source: R1's 198.18.1.2 / 2001:db8:1::2).
mod fake_router {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::sync::atomic::{AtomicBool, Ordering};

    use errq_codec::ext::ObjectRepr;
    use errq_codec::ext::{InterfaceInformationRepr, InterfaceRole, MplsLabel, ObjectClass};
    use errq_codec::icmp::{
        Icmpv4Code, Icmpv4ErrorRepr, Icmpv4Rest, Icmpv4Type, Icmpv6Code, Icmpv6ErrorRepr,
        Icmpv6Rest, Icmpv6Type,
    };
    use nix::sys::socket::{
        recv, sendto, setsockopt, socket, sockopt, AddressFamily, MsgFlags, SockFlag, SockProtocol,
        SockType, SockaddrIn, SockaddrIn6,
    };
    use nix::sys::time::TimeVal;

    pub const HOLE4: Ipv4Addr = Ipv4Addr::new(198, 18, 52, 1);
    pub const OLD4: Ipv4Addr = Ipv4Addr::new(198, 18, 53, 1);
    pub const HOLE6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x52, 0, 0, 0, 0, 1);
    const R1_6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 2);
    pub const LABEL: u32 = 16001;
    pub const IFNAME: &[u8] = b"mpls0";
    pub const IFINDEX: u32 = 7;

    /// The sockets, made in R1's namespace.
    pub struct Sockets {
        packet: OwnedFd,
        icmp4: OwnedFd,
        icmp6: OwnedFd,
    }

    pub fn sockets() -> Sockets {
        let packet = socket(
            AddressFamily::Packet,
            SockType::Datagram,
            SockFlag::empty(),
            SockProtocol::EthAll,
        )
        .expect("packet socket");
        setsockopt(&packet, sockopt::ReceiveTimeout, &TimeVal::new(0, 100_000))
            .expect("SO_RCVTIMEO");
        let raw = |family, proto| {
            socket(family, SockType::Raw, SockFlag::empty(), proto).expect("raw ICMP socket")
        };
        Sockets {
            packet,
            icmp4: raw(AddressFamily::Inet, SockProtocol::Icmp),
            icmp6: raw(AddressFamily::Inet6, SockProtocol::IcmpV6),
        }
    }

    /// The extension objects of the time exceeded.
    fn objects<'a>(mpls: &'a [u8; 4], info: &'a [u8]) -> [ObjectRepr<'a>; 2] {
        [
            ObjectRepr {
                class: ObjectClass::MPLS_LABEL_STACK,
                c_type: 1,
                payload: mpls,
            },
            ObjectRepr {
                class: ObjectClass::INTERFACE_INFORMATION,
                c_type: info_repr().c_type(),
                payload: info,
            },
        ]
    }

    fn info_repr() -> InterfaceInformationRepr<'static> {
        InterfaceInformationRepr {
            role: InterfaceRole::IncomingInterface,
            if_index: Some(IFINDEX),
            address: Some(IpAddr::V4(Ipv4Addr::new(198, 18, 1, 2))),
            name: Some(IFNAME),
            mtu: Some(1500),
        }
    }

    /// Turn an RFC 4884 ICMPv4 message into what a router that predates RFC 4884 sends: the
    /// length field (byte 5) zeroed, the checksum updated for it (RFC 1624:
    /// HC' = ~(~HC + ~m + m') over the 16-bit word at bytes 4-5).
    fn without_length(icmp: &mut [u8]) {
        let word = |b: &[u8]| u32::from(u16::from_be_bytes([b[4], b[5]]));
        let old = word(icmp);
        icmp[5] = 0;
        let new = word(icmp);
        let hc = u32::from(u16::from_be_bytes([icmp[2], icmp[3]]));
        let mut sum = (!hc & 0xffff) + (!old & 0xffff) + new;
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        icmp[2..4].copy_from_slice(&(!(sum as u16)).to_be_bytes());
    }

    /// Answer probes until `stop`.
    pub fn serve(s: &Sockets, stop: &AtomicBool) {
        let mpls = MplsLabel {
            label: LABEL,
            traffic_class: 0,
            bottom_of_stack: true,
            ttl: 1,
        }
        .to_bytes();
        let mut info = [0u8; 64];
        let n = info_repr()
            .encode(&mut info)
            .expect("interface information");
        let objects = objects(&mpls, &info[..n]);
        let mut buf = [0u8; 2048];
        let mut out = [0u8; 1024];
        while !stop.load(Ordering::Relaxed) {
            let Ok(len) = recv(s.packet.as_raw_fd(), &mut buf, MsgFlags::empty()) else {
                continue;
            };
            let pkt = &buf[..len];
            let quote = &pkt[..len.min(128)];
            match pkt.first().map(|b| b >> 4) {
                Some(4)
                    if len >= 28
                        && pkt[9] == 17
                        && [HOLE4.octets(), OLD4.octets()]
                            .contains(&pkt[16..20].try_into().unwrap()) =>
                {
                    let src = Ipv4Addr::new(pkt[12], pkt[13], pkt[14], pkt[15]);
                    let repr = if pkt[8] == 1 {
                        Icmpv4ErrorRepr {
                            msg_type: Icmpv4Type::TIME_EXCEEDED,
                            code: Icmpv4Code(0),
                            rest: Icmpv4Rest::TimeExceeded { length: 0 },
                            original: quote,
                            extension: &objects,
                        }
                    } else {
                        Icmpv4ErrorRepr {
                            msg_type: Icmpv4Type::DEST_UNREACH,
                            code: Icmpv4Code(3),
                            rest: Icmpv4Rest::DestUnreach {
                                length: 0,
                                next_hop_mtu: 0,
                            },
                            original: quote,
                            extension: &[],
                        }
                    };
                    let n = repr.encode(&mut out).expect("ICMP error");
                    if pkt[16..20] == OLD4.octets() && pkt[8] == 1 {
                        assert_eq!(out[5], 128 / 4, "a quote padded to 128 bytes");
                        without_length(&mut out[..n]);
                    }
                    let to = SockaddrIn::from(SocketAddrV4::new(src, 0));
                    sendto(s.icmp4.as_raw_fd(), &out[..n], &to, MsgFlags::empty())
                        .expect("send ICMP");
                }
                Some(6) if len >= 48 && pkt[6] == 17 && pkt[24..40] == HOLE6.octets() => {
                    let src = Ipv6Addr::from(<[u8; 16]>::try_from(&pkt[8..24]).unwrap());
                    let repr = if pkt[7] == 1 {
                        Icmpv6ErrorRepr {
                            msg_type: Icmpv6Type::TIME_EXCEEDED,
                            code: Icmpv6Code(0),
                            rest: Icmpv6Rest::TimeExceeded { length: 0 },
                            original: quote,
                            extension: &objects,
                        }
                    } else {
                        Icmpv6ErrorRepr {
                            msg_type: Icmpv6Type::DEST_UNREACH,
                            code: Icmpv6Code(4),
                            rest: Icmpv6Rest::DestUnreach { length: 0 },
                            original: quote,
                            extension: &[],
                        }
                    };
                    let n = repr
                        .encode_with_checksum(R1_6, src, &mut out)
                        .expect("ICMPv6 error");
                    let to = SockaddrIn6::from(SocketAddrV6::new(src, 0, 0, 0));
                    sendto(s.icmp6.as_raw_fd(), &out[..n], &to, MsgFlags::empty())
                        .expect("send ICMPv6");
                }
                _ => {}
            }
        }
    }
}

/// RFC 4884: behind a (fake) MPLS router the example prints the label stack and the
/// incoming interface under the hop, and otherwise still says what the system's tracepath
/// says. Over IPv4 also behind a router that predates RFC 4884, whose extension the kernel
/// does not report (`Message::probe_extension` finds it at offset 128).
#[test]
fn tracepath_prints_rfc4884_mpls_and_interface() {
    use std::sync::atomic::{AtomicBool, Ordering};

    if !netns::require_root() {
        return;
    }
    if Command::new("tracepath").arg("-V").output().is_err() {
        skip("the system tracepath (iputils-tracepath) is not installed");
        return;
    }
    let c = chain().expect("four-namespace chain");
    c.r1.ip(&["route", "add", "blackhole", "198.18.52.0/24"])
        .expect("blackhole v4");
    c.r1.ip(&["route", "add", "blackhole", "198.18.53.0/24"])
        .expect("blackhole v4, pre-RFC 4884");
    c.r1.ip(&["-6", "route", "add", "blackhole", "2001:db8:52::/64"])
        .expect("blackhole v6");
    let sockets = c.r1.run(fake_router::sockets);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| fake_router::serve(&sockets, &stop));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for (flag, r1, hole) in [
                ("-4", "198.18.1.2", fake_router::HOLE4.to_string()),
                ("-4", "198.18.1.2", fake_router::OLD4.to_string()),
                ("-6", "2001:db8:1::2", fake_router::HOLE6.to_string()),
            ] {
                let args = ["-n", flag, "-m", "4", hole.as_str()];
                // Warm the neighbour caches, then compare.
                run(&c.a, OURS, &["-n", flag, "-l", "128", "-m", "4", &hole]);
                let expected = [
                    "1?: [LOCALHOST] pmtu 1500".to_owned(),
                    format!("1: {r1}"),
                    format!("2: {r1} reached"),
                    "Resume: pmtu 1500 hops 2 back 1".to_owned(),
                ];
                let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                compare(&c, OURS, &args, false, &expected);
                let out = run(&c.a, OURS, &args);
                let label = format!("     MPLS label {} tc 0 s 1 ttl 1", fake_router::LABEL);
                let iface = format!(
                    "     incoming interface {} (ifindex {}, 198.18.1.2, mtu 1500)",
                    String::from_utf8_lossy(fake_router::IFNAME),
                    fake_router::IFINDEX
                );
                let lines: Vec<&str> = out.lines().collect();
                let hop1 = lines
                    .iter()
                    .position(|l| l.starts_with(" 1:  "))
                    .unwrap_or_else(|| panic!("no hop 1:\n{out}"));
                assert_eq!(
                    lines.get(hop1 + 1..hop1 + 3),
                    Some(&[label.as_str(), iface.as_str()][..]),
                    "the extension under hop 1:\n{out}"
                );
            }
        }));
        stop.store(true, Ordering::Relaxed);
        if let Err(p) = result {
            std::panic::resume_unwind(p);
        }
    });
}
