//! The ICMP half of the codec on real bytes: two whole ICMP errors read from raw sockets on
//! this machine's loopback, and every payload of the live error-queue captures in
//! `tests/captures/` (written by `tests/capture/capture.c`), checked against the C oracle in
//! those files.
// Tests build small packets by hand: lengths fit their fields, slices are in bounds.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::unwrap_used
)]

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use errq_codec::ext::{ExtensionChecksum, ObjectData};
use errq_codec::icmp::{
    ExtensionMode, IcmpErrorPacket, IcmpHeader, Icmpv4Code, Icmpv4Type, Icmpv6Code, Icmpv6Type,
};
use errq_codec::ip::{IpProtocol, QuotedIp, Transport};
use errq_codec::payload::{find_compat_extension, split_rfc4884, Payload, PayloadKind};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Read with a Python raw `IPPROTO_ICMP` socket after a UDP datagram 127.0.0.1:48557 ->
/// 127.0.0.1:35857 (closed) carrying bytes 0..12: IPv4 header, ICMP port unreachable, quote.
const RAW4_PORT_UNREACH: &str = "45c000443f01000040013cf67f0000017f000001030396dd000000004500002828ef4000401113d47f0000017f000001bdad8c110014fe27000102030405060708090a0b";
/// Read with a raw `IPPROTO_ICMPV6` socket after ::1 port 60148 -> ::1 port 48242 (closed):
/// the ICMPv6 message (the kernel strips the IPv6 header).
const RAW6_PORT_UNREACH: &str = "0104515d00000000600775fa001411400000000000000000000000000000000100000000000000000000000000000001eaf4bc7200140027000102030405060708090a0b";

#[test]
fn whole_ipv4_port_unreachable() {
    let bytes = hex(RAW4_PORT_UNREACH);
    let e = IcmpErrorPacket::from_ip(&bytes, ExtensionMode::Rfc4884).unwrap();
    let outer = e.outer_ip().unwrap();
    assert_eq!(e.sender(), Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let QuotedIp::V4(outer4) = outer else {
        panic!()
    };
    assert!(outer4.checksum_valid());
    assert_eq!(outer4.tos(), 0xc0);
    let IcmpHeader::V4(icmp) = e.icmp() else {
        panic!()
    };
    assert_eq!(icmp.msg_type(), Icmpv4Type::DEST_UNREACH);
    assert_eq!(icmp.code(), Icmpv4Code::PORT_UNREACH);
    assert_eq!(e.icmp().code_name(), Some("port unreachable"));
    assert!(icmp.checksum_valid());
    assert_eq!(icmp.compute_checksum(), icmp.checksum());
    assert_eq!(icmp.next_hop_mtu(), Some(0));
    let QuotedIp::V4(q) = e.quoted() else {
        panic!()
    };
    assert!(q.checksum_valid());
    assert_eq!(q.total_len(), 40);
    assert_eq!(q.ttl(), 64);
    assert_eq!(q.protocol(), IpProtocol::UDP);
    assert_eq!(q.missing(), 0);
    assert_eq!(e.transport().ports(), Some((48557, 35857)));
    let Transport::Udp(udp, _) = e.transport() else {
        panic!()
    };
    assert_eq!(udp.length(), Some(20));
    assert_eq!(udp.payload(), &(0..12).collect::<Vec<u8>>()[..]);
    assert_eq!(e.extension(), None);
    // The same message from its ICMP header on.
    let e2 = IcmpErrorPacket::from_icmpv4(&bytes[20..], ExtensionMode::Rfc4884).unwrap();
    assert_eq!(e2.quoted(), e.quoted());
}

#[test]
fn whole_ipv6_port_unreachable() {
    let bytes = hex(RAW6_PORT_UNREACH);
    let e = IcmpErrorPacket::from_icmpv6(&bytes, ExtensionMode::Rfc4884OrCompat).unwrap();
    let IcmpHeader::V6(icmp) = e.icmp() else {
        panic!()
    };
    assert_eq!(icmp.msg_type(), Icmpv6Type::DEST_UNREACH);
    assert_eq!(icmp.code(), Icmpv6Code::PORT_UNREACH);
    assert!(icmp.checksum_valid(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST));
    assert_eq!(
        icmp.compute_checksum(Ipv6Addr::LOCALHOST, Ipv6Addr::LOCALHOST),
        0x515d
    );
    let QuotedIp::V6(q) = e.quoted() else {
        panic!()
    };
    assert_eq!(q.flow_label(), 0x775fa);
    assert_eq!(q.payload_len(), 20);
    assert_eq!(q.next_header(), IpProtocol::UDP);
    assert_eq!(e.quoted().dst(), IpAddr::V6(Ipv6Addr::LOCALHOST));
    assert_eq!(e.transport().ports(), Some((60148, 48242)));
    assert_eq!(e.extension(), None);
}

#[test]
fn every_cut_of_the_real_ipv4_error() {
    let bytes = hex(RAW4_PORT_UNREACH);
    let icmp = &bytes[20..];
    for len in 0..icmp.len() {
        let r = IcmpErrorPacket::from_icmpv4(&icmp[..len], ExtensionMode::Rfc4884);
        match len {
            0..=7 => assert_eq!(
                r,
                Err(errq_codec::Error::truncated(
                    errq_codec::Structure::Icmpv4Header,
                    8,
                    len
                ))
            ),
            8..=27 => assert_eq!(
                r,
                Err(errq_codec::Error::truncated(
                    errq_codec::Structure::Ipv4Header,
                    20,
                    len - 8
                ))
            ),
            _ => {
                // Header whole: never an error, the transport says what is there.
                let e = r.unwrap();
                assert_eq!(e.transport().ports().is_some(), len >= 32);
                assert_eq!(e.quoted().dst(), IpAddr::V4(Ipv4Addr::LOCALHOST));
            }
        }
    }
}

/// One capture fixture: header lines and oracle lines.
struct Fixture {
    name: String,
    keys: HashMap<String, String>,
    oracle: Vec<(String, HashMap<String, String>)>,
}

impl Fixture {
    fn fields(&self, key: &str) -> Vec<&HashMap<String, String>> {
        self.oracle
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, f)| f)
            .collect()
    }
}

fn fixtures() -> Vec<Fixture> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut keys = HashMap::new();
        let mut oracle = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((k, v)) = line.split_once(": ").or_else(|| line.split_once(':')) else {
                continue;
            };
            let fields: HashMap<String, String> = v
                .split(' ')
                .filter_map(|kv| kv.split_once('='))
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            if fields.is_empty() {
                keys.insert(k.to_string(), v.trim().to_string());
            } else {
                oracle.push((k.to_string(), fields));
            }
        }
        out.push(Fixture {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            keys,
            oracle,
        });
    }
    out
}

fn kind_of(scenario: &str) -> Option<PayloadKind> {
    if scenario.contains("_tstamp_") {
        return if scenario.starts_with("udp")
            && !scenario.contains("tsonly")
            && !scenario.contains("new")
        {
            Some(PayloadKind::TxTimestamp)
        } else {
            None
        };
    }
    if scenario.starts_with("udp") || scenario.starts_with("dual") {
        Some(PayloadKind::Udp)
    } else if scenario.starts_with("ping4") || scenario.starts_with("raw4") {
        Some(PayloadKind::Icmp { v6: false })
    } else if scenario.starts_with("ping6") || scenario.starts_with("raw6") {
        Some(PayloadKind::Icmp { v6: true })
    } else if scenario.starts_with("tcp4_syn") || scenario.starts_with("tcp6_syn") {
        Some(PayloadKind::Tcp)
    } else {
        None
    }
}

#[test]
fn capture_payloads_by_socket_kind() {
    let mut checked = 0;
    for f in fixtures() {
        let scenario = &f.keys["scenario"];
        let Some(kind) = kind_of(scenario) else {
            continue;
        };
        let payload = hex(&f.keys["payload"]);
        let p = Payload::parse(&payload, kind).unwrap_or_else(|e| panic!("{}: {e}", f.name));
        let name_port = f
            .fields("msg_name")
            .first()
            .and_then(|m| m.get("port"))
            .map(|p| p.parse::<u16>().unwrap());
        match kind {
            PayloadKind::Icmp { .. } => {
                let (_, seq) = p.echo().unwrap_or_else(|| panic!("{}", f.name));
                assert!(seq >= 1, "{}", f.name);
            }
            PayloadKind::Tcp => {
                let (_, dport) = p.ports().unwrap();
                assert_eq!(Some(dport), name_port, "{}", f.name);
            }
            PayloadKind::TxTimestamp => {
                let Payload::Link(link) = p else {
                    panic!("{}", f.name)
                };
                assert!(link.header.is_loopback(), "{}", f.name);
                let ip = p.ip().unwrap();
                assert!(matches!(ip.transport(), Transport::Udp(..)), "{}", f.name);
                assert!(p.ports().is_some(), "{}", f.name);
            }
            _ => {}
        }
        checked += 1;
    }
    // The fixtures are committed with the repository; if they are, all of them were seen.
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures")).exists() {
        assert!(checked >= 40, "only {checked} fixtures checked");
    }
}

#[test]
fn capture_rfc4884_extensions_match_the_oracle() {
    let mut checked = 0;
    for f in fixtures() {
        let Some(r) = f.fields("ee_rfc4884").first().copied() else {
            continue;
        };
        let len: u16 = r["len"].parse().unwrap();
        let flags: u8 = r["flags"].parse().unwrap();
        let payload = hex(&f.keys["payload"]);
        let (original, ext) = split_rfc4884(&payload, len);
        let Some(ext) = ext else {
            assert!(f.fields("icmp_ext").is_empty(), "{}", f.name);
            continue;
        };
        assert_eq!(original.len(), usize::from(len));
        let ext = ext.unwrap();
        let h = f.fields("icmp_ext")[0];
        assert_eq!(ext.version().to_string(), h["version"]);
        assert_eq!(format!("0x{:04x}", ext.checksum()), h["checksum"]);
        let sum_ok = h["sum_ok"] == "1";
        assert_eq!(
            ext.checksum_status() == ExtensionChecksum::Valid,
            sum_ok,
            "{}",
            f.name
        );
        // The kernel's INVALID flag is what is_valid() predicts.
        assert_eq!(ext.is_valid(), flags == 0, "{}", f.name);
        let objects: Vec<_> = ext.objects().map(Result::unwrap).collect();
        let oracle_objects = f.fields("icmp_ext_obj");
        assert_eq!(objects.len(), oracle_objects.len(), "{}", f.name);
        let mut offset = usize::from(len) + 4;
        for (o, want) in objects.iter().zip(&oracle_objects) {
            assert_eq!(offset.to_string(), want["offset"]);
            assert_eq!(o.length().to_string(), want["length"]);
            assert_eq!(o.class().0.to_string(), want["class_num"]);
            assert_eq!(o.c_type().to_string(), want["class_type"]);
            offset += usize::from(o.length());
            let obj = want["obj"].clone();
            match o.decode().unwrap() {
                ObjectData::MplsLabelStack(stack) => {
                    let want: Vec<_> = f
                        .fields("mpls")
                        .into_iter()
                        .filter(|m| m["obj"] == obj)
                        .collect();
                    assert_eq!(stack.len(), want.len());
                    for (e, w) in stack.entries().zip(want) {
                        assert_eq!(e.label.to_string(), w["label"]);
                        assert_eq!(e.traffic_class.to_string(), w["tc"]);
                        assert_eq!(u8::from(e.bottom_of_stack).to_string(), w["s"]);
                        assert_eq!(e.ttl.to_string(), w["ttl"]);
                    }
                }
                ObjectData::InterfaceInformation(info) => {
                    let w = f
                        .fields("iio")
                        .into_iter()
                        .find(|m| m["obj"] == obj)
                        .unwrap();
                    assert_eq!(w["role"], "0");
                    assert_eq!(
                        info.if_index.map(|i| i.to_string()).as_ref(),
                        w.get("ifindex")
                    );
                    assert_eq!(info.address.map(|a| a.to_string()).as_ref(), w.get("addr"));
                    assert_eq!(info.name_str().map(str::to_string).as_ref(), w.get("name"));
                    assert_eq!(info.mtu.map(|m| m.to_string()).as_ref(), w.get("mtu"));
                }
                other => panic!("{}: unexpected {other:?}", f.name),
            }
        }
        checked += 1;
    }
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/captures")).exists() {
        assert!(checked >= 4, "only {checked} RFC 4884 fixtures checked");
    }
}

#[test]
fn capture_pre_rfc4884_router_found_only_when_asked() {
    for f in fixtures() {
        if !f.keys["scenario"].ends_with("_nolen") && !f.keys["scenario"].contains("ext_no_rfc4884")
        {
            continue;
        }
        let payload = hex(&f.keys["payload"]);
        // The kernel reported len 0: no extension unless the fallback is asked for.
        assert_eq!(split_rfc4884(&payload, 0).1.map(|r| r.is_ok()), None);
        // UDP over IPv4: the kernel stripped 20 + 8 bytes of the 128-byte quote.
        let (original, ext) = find_compat_extension(&payload, 28).unwrap();
        assert_eq!(original.len(), 100);
        assert_eq!(ext.objects().count(), 2, "{}", f.name);
    }
}
