//! The decoder against real kernel captures and an independent oracle.
//!
//! Each file in `tests/captures/` holds the bytes `recvmsg(MSG_ERRQUEUE)` returned to a
//! 64-bit or a 32-bit program on a real kernel, and what C code reading the same bytes
//! through `CMSG_FIRSTHDR`/`CMSG_NXTHDR`/`CMSG_DATA`, `struct sock_extended_err` and
//! `SO_EE_OFFENDER` says about them (see `tests/capture/README.md`). Every oracle line must
//! be matched by the decoder; an oracle line this test does not know fails it.

// Test code: indexing and arithmetic on known-small values; a panic is a test failure.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::collections::BTreeMap;
use std::fs;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use errq_codec::abi::Abi;
use errq_codec::cmsg::Cmsgs;
use errq_codec::error::Error;
use errq_codec::message::Message;
use errq_codec::record::{Record, Records};
use errq_codec::timestamp::{Layout, Timespec};

struct Capture {
    file: String,
    header: BTreeMap<String, String>,
    oracle: Vec<(String, BTreeMap<String, String>)>,
}

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn num(s: &str) -> i64 {
    if let Some(h) = s.strip_prefix("0x") {
        i64::from_str_radix(h, 16).unwrap()
    } else {
        s.parse().unwrap()
    }
}

fn load() -> Vec<Capture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    let mut out = Vec::new();
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    if cfg!(miri) {
        // Miri is ~1000x slower: a sample of both ABIs, every scenario kind still present
        // in the full run.
        paths = paths.into_iter().step_by(9).collect();
    }
    for p in paths {
        if p.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = fs::read_to_string(&p).unwrap();
        let mut header = BTreeMap::new();
        let mut oracle = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (k, v) = line.split_once(':').unwrap();
            let v = v.strip_prefix(' ').unwrap_or(v);
            if v.contains('=') && !matches!(k, "description") {
                let mut fields = BTreeMap::new();
                for kv in v.split(' ') {
                    let (a, b) = kv.split_once('=').unwrap();
                    fields.insert(a.to_string(), b.to_string());
                }
                oracle.push((k.to_string(), fields));
            } else {
                header.insert(k.to_string(), v.to_string());
            }
        }
        out.push(Capture {
            file: p.file_name().unwrap().to_string_lossy().into_owned(),
            header,
            oracle,
        });
    }
    out
}

fn sockaddr_matches(f: &BTreeMap<String, String>, a: Option<SocketAddr>, what: &str) {
    let family = num(&f["family"]);
    if f.contains_key("short") {
        return;
    }
    match family {
        0 => assert_eq!(a, None, "{what}"),
        2 | 10 => {
            let a = a.unwrap_or_else(|| panic!("{what}: no address"));
            assert_eq!(a.ip(), f["addr"].parse::<IpAddr>().unwrap(), "{what}");
            assert_eq!(i64::from(a.port()), num(&f["port"]), "{what}");
            if let SocketAddr::V6(v6) = a {
                assert_eq!(family, 10);
                assert_eq!(i64::from(v6.flowinfo()), num(&f["flowinfo"]), "{what}");
                assert_eq!(i64::from(v6.scope_id()), num(&f["scope_id"]), "{what}");
            } else {
                assert_eq!(family, 2);
            }
        }
        other => panic!("{what}: family {other}"),
    }
}

fn ts(s: &str) -> Timespec {
    let (a, b) = s.split_once('.').unwrap();
    Timespec {
        sec: a.parse().unwrap(),
        nsec: b.parse().unwrap(),
    }
}

/// Keys the ICMP-side tests check (`icmp_captures.rs`), not this one.
const ICMP_SIDE: &[&str] = &["icmp_ext", "icmp_ext_obj", "icmp_ext_bad", "mpls", "iio"];

#[test]
fn every_capture_matches_the_c_oracle() {
    let caps = load();
    assert!(
        cfg!(miri) || caps.len() >= 20,
        "only {} captures",
        caps.len()
    );
    let mut checked = 0usize;
    for c in &caps {
        let who = &c.file;
        let abi = Abi::preset(&c.header["abi"]).unwrap();
        let control = hex(&c.header["control"]);
        let name = hex(&c.header["name"]);
        let payload = hex(&c.header["payload"]);
        assert_eq!(control.len() as i64, num(&c.header["controllen"]), "{who}");
        let flags = num(&c.header["msg_flags"]) as i32;
        let walk: Vec<_> = Cmsgs::new(&control, abi).collect();
        assert!(walk.iter().all(Result::is_ok), "{who}: {walk:?}");
        let walk: Vec<_> = walk.into_iter().map(Result::unwrap).collect();
        let records: Vec<Result<Record<'_>, Error>> = Records::new(&control, abi).collect();
        let msg = Message::decode_with(&abi, &control, flags, &name, &payload);
        assert_eq!(msg.control_truncated(), flags & 8 != 0, "{who}");
        assert_eq!(msg.payload_truncated(), flags & 0x20 != 0, "{who}");

        for (key, f) in &c.oracle {
            let idx = f.get("index").map(|i| num(i) as usize);
            let rec = idx.map(|i| &records[i]);
            let what = format!("{who}: {key} {f:?}");
            match key.as_str() {
                "cmsghdr" => {
                    assert_eq!(num(&f["size"]) as usize, abi.cmsg_header_len(), "{what}");
                    assert_eq!(num(&f["align"]) as usize, abi.word.bytes(), "{what}");
                    assert_eq!(num(&f["len_size"]) as usize, abi.word.bytes(), "{what}");
                }
                "cmsg_count" => {
                    assert_eq!(num(&f["cmsg_count"].clone()) as usize, walk.len(), "{what}")
                }
                "msg_name" => sockaddr_matches(f, msg.destination(), &what),
                "cmsg" => {
                    let w = &walk[idx.unwrap()];
                    assert_eq!(i64::from(w.level), num(&f["level"]), "{what}");
                    assert_eq!(i64::from(w.kind), num(&f["type"]), "{what}");
                    assert_eq!(w.len as i64, num(&f["len"]), "{what}");
                    assert_eq!(
                        abi.cmsg_align(abi.cmsg_header_len()) as i64,
                        num(&f["data_offset"]),
                        "{what}"
                    );
                    assert_eq!(w.data.len() as i64, num(&f["data_len"]), "{what}");
                    assert!(
                        w.offset + abi.cmsg_align(abi.cmsg_header_len()) + w.data.len()
                            <= control.len(),
                        "{what}"
                    );
                }
                "ee" => {
                    let Ok(Record::Error(_, e)) = rec.unwrap() else {
                        panic!("{what}: {rec:?}")
                    };
                    let ee = e.ee;
                    assert_eq!(i64::from(ee.errno.raw), num(&f["errno"]), "{what}");
                    assert_eq!(i64::from(ee.origin.0), num(&f["origin"]), "{what}");
                    assert_eq!(i64::from(ee.kind), num(&f["type"]), "{what}");
                    assert_eq!(i64::from(ee.code), num(&f["code"]), "{what}");
                    assert_eq!(i64::from(ee.pad), num(&f["pad"]), "{what}");
                    assert_eq!(i64::from(ee.info), num(&f["info"]), "{what}");
                    assert_eq!(i64::from(ee.data), num(&f["data"]), "{what}");
                    assert_eq!(msg.error().map(|m| m.ee), Some(ee), "{what}");
                }
                "ee_rfc4884" => {
                    let Ok(Record::Error(_, e)) = rec.unwrap() else {
                        panic!("{what}")
                    };
                    let r = e.ee.rfc4884();
                    assert_eq!(i64::from(r.len), num(&f["len"]), "{what}");
                    assert_eq!(i64::from(r.flags), num(&f["flags"]), "{what}");
                    assert_eq!(i64::from(r.reserved), num(&f["reserved"]), "{what}");
                }
                "offender" => match rec.unwrap() {
                    Ok(Record::Error(_, e)) => {
                        if let Some(short) = f.get("short") {
                            assert_eq!(e.offender_bytes.len() as i64, num(short), "{what}");
                            assert_eq!(e.offender(), None, "{what}");
                            assert!(
                                e.offender_checked().is_err() || e.offender_bytes.is_empty(),
                                "{what}"
                            );
                        } else {
                            sockaddr_matches(f, e.offender(), &what);
                            assert_eq!(msg.offender(), e.offender(), "{what}");
                        }
                    }
                    Err(Error::Truncated { .. }) => {
                        assert_eq!(f.get("short").map(|s| s.as_str()), Some("0"), "{what}")
                    }
                    other => panic!("{what}: {other:?}"),
                },
                "short" => {
                    let need = num(&f["need"]) as usize;
                    let have = num(&f["have"]) as usize;
                    let Err(Error::Truncated {
                        needed, available, ..
                    }) = rec.unwrap()
                    else {
                        panic!("{what}: {rec:?}")
                    };
                    assert_eq!((*needed, *available), (need, have), "{what}");
                    assert_eq!(
                        msg.problem(),
                        Some(*rec.unwrap().as_ref().unwrap_err()),
                        "{what}"
                    );
                }
                "ttl" => {
                    assert_eq!(
                        rec.unwrap(),
                        &Ok(Record::Ttl(num(&f["value"]) as i32)),
                        "{what}"
                    );
                    assert_eq!(
                        msg.companions().ttl,
                        Some(num(&f["value"]) as i32),
                        "{what}"
                    );
                }
                "tos" => assert_eq!(
                    rec.unwrap(),
                    &Ok(Record::Tos(num(&f["value"]) as u8)),
                    "{what}"
                ),
                "hoplimit" => assert_eq!(
                    rec.unwrap(),
                    &Ok(Record::HopLimit(num(&f["value"]) as i32)),
                    "{what}"
                ),
                "tclass" => assert_eq!(
                    rec.unwrap(),
                    &Ok(Record::TrafficClass(num(&f["value"]) as i32)),
                    "{what}"
                ),
                "pktinfo" => {
                    let Ok(Record::Pktinfo(p)) = rec.unwrap() else {
                        panic!("{what}")
                    };
                    assert_eq!(i64::from(p.ifindex), num(&f["ifindex"]), "{what}");
                    assert_eq!(p.spec_dst.to_string(), f["spec_dst"], "{what}");
                    assert_eq!(p.addr.to_string(), f["addr"], "{what}");
                }
                "pktinfo6" => {
                    let Ok(Record::Pktinfo6(p)) = rec.unwrap() else {
                        panic!("{what}")
                    };
                    assert_eq!(i64::from(p.ifindex), num(&f["ifindex"]), "{what}");
                    assert_eq!(
                        p.addr,
                        f["addr"].parse::<std::net::Ipv6Addr>().unwrap(),
                        "{what}"
                    );
                }
                "timestamping" | "timestamping64" => {
                    let Ok(Record::Timestamping(t)) = rec.unwrap() else {
                        panic!("{what}")
                    };
                    let layout = if key == "timestamping" {
                        Layout::Old
                    } else {
                        Layout::New
                    };
                    assert_eq!(t.layout, layout, "{what}");
                    assert_eq!(
                        t.ts,
                        [ts(&f["ts0"]), ts(&f["ts1"]), ts(&f["ts2"])],
                        "{what}"
                    );
                    assert_eq!(msg.timestamping(), Some(*t), "{what}");
                    if let Some(errq_codec::meaning::Meaning::Timestamp(tx)) = msg.meaning() {
                        assert_eq!(tx.timestamps.as_ref(), Some(t), "{what}");
                    }
                }
                "nla" => {
                    let Ok(Record::OptStats(attrs)) = rec.unwrap() else {
                        panic!("{what}")
                    };
                    // Find the attribute at this offset by walking.
                    let data_len = attrs.remaining().len();
                    let mut off = 0usize;
                    let mut found = false;
                    for a in attrs.clone() {
                        let a = a.unwrap();
                        if off as i64 == num(&f["offset"]) {
                            assert_eq!(i64::from(a.kind.0), num(&f["type"]), "{what}");
                            assert_eq!(a.payload.len() as i64 + 4, num(&f["len"]), "{what}");
                            assert_eq!(a.payload, hex(&f["value"]).as_slice(), "{what}");
                            found = true;
                        }
                        off += (a.payload.len() + 4 + 3) & !3;
                    }
                    assert!(found && off >= data_len, "{what}");
                }
                k if ICMP_SIDE.contains(&k) => continue,
                other => panic!("{who}: oracle key {other} is not checked"),
            }
            checked += 1;
        }
    }
    assert!(
        cfg!(miri) || checked > 500,
        "only {checked} oracle lines checked"
    );
}

#[test]
#[cfg_attr(miri, ignore = "looks up named captures; Miri runs a sample")]
fn display_of_real_captures() {
    let caps = load();
    let find = |n: &str| caps.iter().find(|c| c.file == n).unwrap();
    let show = |c: &Capture| {
        let abi = Abi::preset(&c.header["abi"]).unwrap();
        let control = hex(&c.header["control"]);
        let name = hex(&c.header["name"]);
        let payload = hex(&c.header["payload"]);
        let flags = num(&c.header["msg_flags"]) as i32;
        Message::decode_with(&abi, &control, flags, &name, &payload).to_string()
    };
    for abi in ["x86_64", "i686"] {
        let s = show(find(&format!("udp4_ttl_exceeded.{abi}.txt")));
        assert!(
            s.starts_with(
                "ICMP time exceeded (TTL exceeded in transit) from 198.18.1.2 for 198.18.2.2:"
            ),
            "{s}"
        );
        assert!(s.ends_with(", errno EHOSTUNREACH, TTL 64"), "{s}");
        let s = show(find(&format!("udp6_packet_too_big.{abi}.txt")));
        assert!(
            s.starts_with(
                "ICMPv6 packet too big (MTU 1280) from 2001:db8:1::2 for [2001:db8:2::2]:"
            ),
            "{s}"
        );
        let s = show(find(&format!("udp4_zerocopy.{abi}.txt")));
        assert_eq!(s, "zerocopy completion 0..=3 (copied)");
        let s = show(find(&format!("udp4_ctrunc_48.{abi}.txt")));
        assert!(s.contains("control truncated"), "{s}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "looks up named captures; Miri runs a sample")]
fn probe_correlation_on_real_captures() {
    use errq_codec::payload::PayloadKind;
    let caps = load();
    let mut seen = 0;
    for c in &caps {
        let abi = Abi::preset(&c.header["abi"]).unwrap();
        let control = hex(&c.header["control"]);
        let name = hex(&c.header["name"]);
        let payload = hex(&c.header["payload"]);
        let flags = num(&c.header["msg_flags"]) as i32;
        let m = Message::decode_with(&abi, &control, flags, &name, &payload);
        let scenario = &c.header["scenario"];
        if scenario.starts_with("ping4_") || scenario.starts_with("ping6_") {
            // The quoted echo header: id at bytes 4..6, seq at 6..8 (network order).
            let p = m.probe(PayloadKind::Icmp {
                v6: scenario.starts_with("ping6_"),
            });
            let id = u16::from_be_bytes([payload[4], payload[5]]);
            let seq = u16::from_be_bytes([payload[6], payload[7]]);
            assert_eq!(p.echo, Some((id, seq)), "{}", c.file);
            assert_eq!(p.hop, m.offender().map(|a| a.ip()), "{}", c.file);
            seen += 1;
        }
        if scenario.starts_with("udp4_rfc4884") || scenario.starts_with("udp6_rfc4884") {
            let objs = c.oracle.iter().filter(|(k, _)| k == "icmp_ext_obj").count();
            let len = m.error().unwrap().ee.rfc4884().len as usize;
            match m.extension() {
                None => assert_eq!(len, 0, "{}", c.file),
                Some(ext) => {
                    let ext = ext.unwrap();
                    assert_eq!(ext.objects().count(), objs, "{}", c.file);
                    assert_eq!(m.original().len(), len, "{}", c.file);
                    let p = m.probe(PayloadKind::Udp);
                    assert_eq!(p.data.map(<[u8]>::len), Some(len), "{}", c.file);
                    assert_eq!(p.destination, m.destination(), "{}", c.file);
                    seen += 1;
                }
            }
        }
        if scenario == "udp4_ttl_exceeded" {
            let p = m.probe(PayloadKind::Udp);
            assert_eq!(p.icmp_ttl, Some(64), "{}", c.file);
            assert_eq!(p.hop, Some("198.18.1.2".parse().unwrap()), "{}", c.file);
            seen += 1;
        }
        if scenario == "dual_v4mapped_port_unreach" {
            // The offender is v4-mapped; the probe's hop is unmapped.
            assert!(
                matches!(m.offender(), Some(SocketAddr::V6(_))),
                "{}",
                c.file
            );
            assert_eq!(
                m.probe(PayloadKind::Udp).hop,
                Some("127.0.0.1".parse().unwrap())
            );
            seen += 1;
        }
    }
    assert!(seen >= 20, "{seen}");
}
