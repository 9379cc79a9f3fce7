//! The message that knows its payload, nothing silent, and the symmetric accessors, on real
//! kernel captures (`tests/captures/*.txt`, written by `tests/capture/capture.c` on Linux
//! 6.18 for a 64-bit and a 32-bit program).

// Test code: indexing and arithmetic on known-small values; a panic is a test failure.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::fs;
use std::path::PathBuf;

use errq_codec::abi::Abi;
use errq_codec::error::{Error, Reason, Structure};
use errq_codec::message::Message;
use errq_codec::optstats::{OptStats, TcpNla};
use errq_codec::payload::{Payload, PayloadKind};
use errq_codec::record::{Record, Records};

struct Capture {
    abi: Abi,
    control: Vec<u8>,
    flags: i32,
    name: Vec<u8>,
    payload: Vec<u8>,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The capture `scenario` for both ABIs.
fn load(scenario: &str) -> Vec<Capture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    [(Abi::X86_64, "x86_64"), (Abi::I686, "i686")]
        .into_iter()
        .map(|(abi, suffix)| {
            let text = fs::read_to_string(dir.join(format!("{scenario}.{suffix}.txt"))).unwrap();
            let field = |key: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned()
            };
            let flags = field("msg_flags:");
            Capture {
                abi,
                control: hex(&field("control:")),
                flags: i32::from_str_radix(flags.trim_start_matches("0x"), 16).unwrap(),
                name: hex(&field("name:")),
                payload: hex(&field("payload:")),
            }
        })
        .collect()
}

fn message(c: &Capture) -> Message<'_> {
    Message::decode_with(&c.abi, &c.control, c.flags, &c.name, &c.payload)
}

#[test]
fn tcp_opt_stats_payload_is_not_read_as_tcp() {
    for scenario in ["tcp4_tstamp_snd_stats", "tcp4_tstamp_ack_stats"] {
        for c in load(scenario) {
            let m = message(&c);
            // The payload is the TCP_NLA_* attributes (`__skb_tstamp_tx` builds the skb
            // from `tcp_get_timestamping_opt_stats`): the bytes of the OPT_STATS record.
            let stats = Records::new(&c.control, c.abi)
                .find_map(|r| match r {
                    Ok(Record::OptStats(a)) => Some(a.remaining()),
                    _ => None,
                })
                .unwrap();
            assert_eq!(stats, &c.payload[..]);
            assert_eq!(m.payload_kind(None), PayloadKind::OptStats, "{scenario}");
            assert_eq!(
                m.payload_kind(Some(PayloadKind::Tcp)),
                PayloadKind::OptStats
            );
            assert_eq!(
                m.quoted(PayloadKind::Tcp),
                Err(Error::malformed(
                    Structure::Payload,
                    Reason::KindDoesNotApply {
                        asked: PayloadKind::Tcp,
                        holds: PayloadKind::OptStats
                    }
                ))
            );
            assert_eq!(m.probe(PayloadKind::Tcp).ports, None);
            assert_eq!(m.probe_auto(Some(PayloadKind::Tcp)).ports, None);
            assert_eq!(m.read_payload(None), Ok(Payload::OptStats(stats)));
            // Named by the protocol that sent them: TCP, the level of the error is SOL_IP.
            let Some(OptStats::Tcp(attrs)) = m.opt_stats() else {
                panic!("{scenario}")
            };
            let first = attrs.clone().next().unwrap().unwrap();
            assert_eq!(first.kind, TcpNla::BUSY);
            assert!(m.quoted(PayloadKind::OptStats).is_ok());
            assert_eq!(m.problem(), None);
        }
    }
}

#[test]
fn icmp_errors_choose_their_payload_without_a_kind() {
    // UDP: port in msg_name, the payload is the datagram's data.
    for c in load("udp4_port_unreach_lo") {
        let m = message(&c);
        assert_eq!(m.payload_kind(None), PayloadKind::Udp);
        let p = m.probe_auto(None);
        assert_eq!(p.destination, m.destination());
        assert_eq!(p.data, Some(&c.payload[..]));
    }
    // Raw ICMP and ping sockets: port 0 (`ip_icmp_error` with no remote port), an echo
    // request quoted.
    for (scenario, v6) in [
        ("raw4_ttl_exceeded", false),
        ("ping4_ttl_exceeded", false),
        ("raw6_hoplimit_exceeded", true),
        ("ping6_no_route", true),
    ] {
        for c in load(scenario) {
            let m = message(&c);
            assert_eq!(m.payload_kind(None), PayloadKind::Icmp { v6 }, "{scenario}");
            let p = m.probe_auto(None);
            let want = m.probe(PayloadKind::Icmp { v6 });
            assert_eq!(p, want, "{scenario}");
            assert!(p.echo.is_some(), "{scenario}");
        }
    }
    // TCP: the SYN's ports, when the caller says it is a TCP socket.
    for c in load("tcp4_syn_host_unreach") {
        let m = message(&c);
        let p = m.probe_auto(Some(PayloadKind::Tcp));
        let dst = m.destination().unwrap().port();
        assert_eq!(p.ports.map(|(_, d)| d), Some(dst));
        assert_eq!(p, m.probe(PayloadKind::Tcp));
    }
    // An ICMP error's payload is never read as statistics or a link-layer frame.
    for c in load("udp4_port_unreach_lo") {
        let m = message(&c);
        assert!(m.quoted(PayloadKind::OptStats).is_err());
        assert!(m.quoted(PayloadKind::TxTimestamp).is_err());
        assert!(m.quoted(PayloadKind::Udp).is_ok());
    }
}

#[test]
fn tx_timestamps_choose_the_link_layer() {
    for c in load("udp4_tstamp_snd") {
        let m = message(&c);
        assert_eq!(m.payload_kind(None), PayloadKind::TxTimestamp);
        // The same whatever socket kind the caller names.
        assert_eq!(
            m.payload_kind(Some(PayloadKind::Udp)),
            PayloadKind::TxTimestamp
        );
        assert_eq!(m.read_payload(None), m.quoted(PayloadKind::TxTimestamp));
        assert!(m.quoted(PayloadKind::Udp).is_err());
    }
}

#[test]
fn a_cut_offender_is_a_problem() {
    // A 56-byte control buffer: IP_TTL whole, the error cut to its 16 bytes, the
    // sockaddr_in offender lost (`put_cmsg` under MSG_CTRUNC). 64-bit capture: the error
    // record starts at 24 (40 on i686 is past the end: only the x86_64 one is cut here).
    let c = &load("udp4_ctrunc_56")[0];
    let m = message(c);
    assert!(m.error().is_some());
    assert_eq!(
        m.problem(),
        Some(Error::truncated(Structure::Offender, 16, 0))
    );
    assert_eq!(
        m.problems().collect::<Vec<_>>(),
        [Error::truncated(Structure::Offender, 16, 0)]
    );
    assert!(
        m.to_string().ends_with(
            "control truncated (offender address truncated: needs 16 bytes, 0 available)"
        ),
        "{m}"
    );
    // The whole capture has no problem.
    for c in load("udp4_port_unreach_lo") {
        let m = message(&c);
        assert_eq!(m.problem(), None);
        assert_eq!(m.problems().count(), 0);
    }
}

#[test]
fn ipv6_companions_have_accessors() {
    for c in load("udp6_port_unreach_lo_companions") {
        let m = message(&c);
        let all = m.companions();
        assert_eq!(m.tclass(), all.tclass);
        assert_eq!(m.pktinfo6(), all.pktinfo6);
        assert_eq!(m.hop_limit(), all.hop_limit);
        assert!(m.tclass().is_some() || m.pktinfo6().is_some(), "{m}");
    }
    for c in load("udp4_port_unreach_lo_companions") {
        let m = message(&c);
        assert_eq!((m.tclass(), m.pktinfo6()), (None, None));
        assert!(m.opt_stats().is_none());
    }
}
