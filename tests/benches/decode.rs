//! Offline decode: for each of six real kernel captures, the time to decode everything a
//! user needs (walk the records, the error and what it means, the offender, the companions,
//! the original destination, the quoted probe and the RFC 4884 extensions where present):
//!
//! - `errq`: `errq_codec::message::Message::decode` plus `errq_codec::payload`/`ext`;
//! - `baseline`: what C code does: libc's `CMSG_FIRSTHDR`/`CMSG_NXTHDR`/`CMSG_DATA` and
//!   unchecked pointer casts to the uapi structs;
//! - `nix`: nix's `RecvMsg::cmsgs()` (`ControlMessageOwned`). nix decodes only what a
//!   `recvmsg` call returned, never bytes, so it decodes a live loopback message of the same
//!   kind and layout (same records, same lengths); the packet parsing nix lacks (the quoted
//!   IP/UDP of a timestamp) is the baseline's hand-written code. nix has no RFC 4884 support:
//!   no `nix` row for that message.
//!
//! `cargo bench -p errq-tests --bench decode`; the ratios are printed at the end (medians of
//! the same run). `ERRQ_DECODE_LOOP=N` instead runs each variant N times per message with no
//! timing, for `valgrind --tool=callgrind` (instruction counts that load does not change);
//! `ERRQ_DECODE_ONLY=<capture>` limits that to one message.

#![allow(missing_docs, unreachable_pub)] // a bench binary, no public API
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // bench code on known captures
#![allow(clippy::cast_possible_truncation)] // C-style casts in the baseline, as C writes them

#[path = "decode/baseline.rs"]
mod baseline;
#[path = "decode/nix.rs"]
mod nix_variant;
#[path = "decode/sketch.rs"]
mod sketch;
mod support;

use baseline::baseline_decode;
use nix_variant::{live_like, nix_decode, Live};
use sketch::sketch_decode;

use std::hint::black_box;
use std::io::IoSliceMut;
use std::mem::size_of;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::fd::AsRawFd;
use std::ptr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use errq_codec::ext::ObjectData;
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_codec::payload::{self, Payload, PayloadKind};
use nix::sys::socket::{recvmsg, ControlMessageOwned, MsgFlags, RecvMsg, SockaddrStorage};

use support::Capture;

/// What the payload holds for a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A UDP socket's error: the original UDP payload (maybe with an RFC 4884 extension).
    Udp,
    /// A TX timestamp without OPT_TSONLY: the sent packet from its link-layer header.
    TxTimestamp,
}

/// RFC 5837 interface information: ifIndex, address, name, MTU.
type Iface<'a> = (Option<u32>, Option<IpAddr>, Option<&'a [u8]>, Option<u32>);

/// Everything a user takes out of one message; each decoder fills one and they must agree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Decoded<'a> {
    errno: u32,
    origin: u8,
    kind: u8,
    code: u8,
    info: u32,
    data: u32,
    mtu: Option<u32>,
    tstamp_key: Option<u32>,
    zerocopy: Option<(u32, u32, bool)>,
    offender: Option<SocketAddr>,
    destination: Option<SocketAddr>,
    ttl: Option<i32>,
    tos: Option<u8>,
    pktinfo: Option<(i32, Ipv4Addr, Ipv4Addr)>,
    timestamping: Option<[(i64, i64); 3]>,
    probe: &'a [u8],
    ports: Option<(u16, u16)>,
    mpls: [u32; 4],
    mpls_len: usize,
    iface: Option<Iface<'a>>,
}

const MESSAGES: [(&str, Kind, &str); 6] = [
    ("udp4_port_unreach_lo", Kind::Udp, "IPv4 port unreachable"),
    ("udp6_packet_too_big", Kind::Udp, "IPv6 packet too big"),
    (
        "udp4_ttl_exceeded",
        Kind::Udp,
        "TTL exceeded + IP_PKTINFO, IP_TTL, IP_TOS",
    ),
    (
        "udp4_tstamp_snd",
        Kind::TxTimestamp,
        "TX timestamp (SCM_TIMESTAMPING)",
    ),
    ("udp4_zerocopy", Kind::Udp, "zerocopy completion"),
    (
        "udp4_rfc4884",
        Kind::Udp,
        "RFC 4884 time exceeded, MPLS + interface info",
    ),
];

// ---------------------------------------------------------------------------------------
// errq

#[inline(never)]
fn errq_decode<'a>(c: &'a Capture, kind: Kind) -> Decoded<'a> {
    let m = Message::decode(c.control(), c.flags, &c.msg_name, &c.payload);
    let mut d = Decoded::default();
    let mut rfc4884_len = 0;
    if let Some(e) = m.error() {
        d.errno = e.ee.errno.raw;
        d.origin = e.ee.origin.0;
        d.kind = e.ee.kind;
        d.code = e.ee.code;
        d.info = e.ee.info;
        d.data = e.ee.data;
        rfc4884_len = e.ee.rfc4884().len;
        d.offender = e.offender();
        let meaning = Meaning::of(&e.ee);
        d.mtu = meaning.mtu();
        match meaning {
            Meaning::Timestamp(t) => d.tstamp_key = Some(t.key),
            Meaning::Zerocopy(z) => d.zerocopy = Some((z.lo, z.hi, z.copied)),
            _ => {}
        }
    }
    d.destination = m.destination();
    d.ttl = m.ttl();
    d.tos = m.tos();
    d.pktinfo = m.pktinfo().map(|p| (p.ifindex, p.spec_dst, p.addr));
    d.timestamping = m.timestamping().map(|t| t.ts.map(|ts| (ts.sec, ts.nsec)));
    errq_payload(&mut d, m.payload(), rfc4884_len, kind);
    d
}

/// The payload part of [`errq_decode`], shared with [`sketch_decode`].
fn errq_payload<'a>(d: &mut Decoded<'a>, payload: &'a [u8], rfc4884_len: u16, kind: Kind) {
    match kind {
        Kind::Udp => {
            let (probe, ext) = payload::split_rfc4884(payload, rfc4884_len);
            d.probe = probe;
            if let Some(Ok(ext)) = ext {
                for obj in ext.objects().flatten() {
                    match obj.decode() {
                        Ok(ObjectData::MplsLabelStack(stack)) => {
                            for l in stack.entries() {
                                if d.mpls_len < d.mpls.len() {
                                    d.mpls[d.mpls_len] = l.label;
                                    d.mpls_len += 1;
                                }
                            }
                        }
                        Ok(ObjectData::InterfaceInformation(i)) => {
                            d.iface = Some((i.if_index, i.address, i.name, i.mtu));
                        }
                        _ => {}
                    }
                }
            }
        }
        Kind::TxTimestamp => {
            d.probe = payload;
            d.ports = Payload::parse(payload, PayloadKind::TxTimestamp)
                .ok()
                .and_then(|p| p.ports());
        }
    }
}

// ---------------------------------------------------------------------------------------

fn main() {
    let messages: Vec<(Capture, Kind, &str)> = MESSAGES
        .iter()
        .map(|&(name, kind, what)| (support::load(name), kind, what))
        .collect();
    println!(
        "size_of::<Message>() = {} bytes (Companions: {} bytes)",
        size_of::<Message<'_>>(),
        size_of::<errq_codec::message::Companions<'_>>()
    );
    // The decoders must agree before they are timed.
    for (c, kind, _) in &messages {
        let a = errq_decode(c, *kind);
        let b = baseline_decode(c, *kind);
        assert_eq!(a, b, "{}: errq and the baseline disagree", c.name);
        assert_eq!(
            a,
            sketch_decode(c, *kind),
            "{}: the sketch disagrees",
            c.name
        );
        assert!(
            a.errno != 0 || a.origin != 0,
            "{}: no error decoded",
            c.name
        );
    }
    let lives: Vec<Option<Live>> = messages.iter().map(|(c, _, _)| live_like(c.name)).collect();
    for ((c, kind, _), live) in messages.iter().zip(&lives) {
        if let Some(live) = live {
            let n = nix_decode(live, *kind);
            let e = errq_decode(c, *kind);
            // Same layout: same origin and the same records (a loopback port unreachable
            // stands in for the time exceeded and the packet too big).
            assert_eq!(
                (
                    n.origin,
                    n.ttl.is_some(),
                    n.tos.is_some(),
                    n.pktinfo.is_some()
                ),
                (
                    e.origin,
                    e.ttl.is_some(),
                    e.tos.is_some(),
                    e.pktinfo.is_some()
                ),
                "{}: the live nix message is not of the capture's kind",
                c.name
            );
            assert_eq!(
                n.timestamping.is_some(),
                e.timestamping.is_some(),
                "{}",
                c.name
            );
        }
    }

    if std::env::var_os("ERRQ_DECODE_INTERLEAVED_ONLY").is_some() {
        interleaved(&messages, &lives);
        return;
    }
    if let Some(n) = std::env::var("ERRQ_DECODE_LOOP")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        callgrind_loops(&messages, &lives, n);
        return;
    }

    let mut crit = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for ((c, kind, _), live) in messages.iter().zip(&lives) {
        let kind = *kind;
        let mut g = crit.benchmark_group(format!("decode/{}", c.name));
        g.throughput(Throughput::Elements(1));
        g.bench_function("errq", |b| b.iter(|| errq_decode(black_box(c), kind)));
        g.bench_function("baseline", |b| {
            b.iter(|| baseline_decode(black_box(c), kind))
        });
        g.bench_function("sketch", |b| b.iter(|| sketch_decode(black_box(c), kind)));
        if let Some(live) = live {
            g.bench_function("nix", |b| b.iter(|| nix_decode(black_box(live), kind)));
        }
        g.finish();
    }
    crit.final_summary();
    summary(&messages, &lives);
    interleaved(&messages, &lives);
}

/// Rounds in which every variant decodes the same message `K` times, in turn (the order
/// rotating): the variants share every moment of load from other processes, so the ratios
/// hold on a busy machine where criterion's one-after-the-other groups drift. Prints the
/// median ns per message over the rounds, and the p10..p90 spread of each ratio.
fn interleaved(messages: &[(Capture, Kind, &str)], lives: &[Option<Live>]) {
    const K: u32 = 10_000;
    let rounds: usize = std::env::var("ERRQ_DECODE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(41);
    println!("\ninterleaved: {rounds} rounds x {K} decodes per variant and message");
    println!("| message | errq ns | sketch ns | baseline ns | nix ns | errq / baseline (p10..p90) | nix / errq (p10..p90) | sketch / baseline |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for ((c, kind, what), live) in messages.iter().zip(lives) {
        let kind = *kind;
        let mut variants: Vec<Box<dyn Fn()>> = vec![
            Box::new(move || {
                black_box(errq_decode(black_box(c), kind));
            }),
            Box::new(move || {
                black_box(baseline_decode(black_box(c), kind));
            }),
            Box::new(move || {
                black_box(sketch_decode(black_box(c), kind));
            }),
        ];
        if let Some(live) = live {
            variants.push(Box::new(move || {
                black_box(nix_decode(black_box(live), kind));
            }));
        }
        let mut t: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
        for round in 0..rounds {
            for k in 0..variants.len() {
                let i = (k + round) % variants.len();
                let start = Instant::now();
                for _ in 0..K {
                    variants[i]();
                }
                t[i].push(start.elapsed().as_nanos() as f64 / f64::from(K));
            }
        }
        let median = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        // Per-round ratios: both sides measured within milliseconds of each other.
        let spread = |a: &[f64], b: &[f64]| {
            let mut r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
            r.sort_by(f64::total_cmp);
            (r[r.len() / 2], r[r.len() / 10], r[r.len() * 9 / 10])
        };
        let (e, b, sk) = (median(&t[0]), median(&t[1]), median(&t[2]));
        let (r, rlo, rhi) = spread(&t[0], &t[1]);
        let (rs, _, _) = spread(&t[2], &t[1]);
        let (nix, nix_r) = if t.len() > 3 {
            let (q, qlo, qhi) = spread(&t[3], &t[0]);
            (
                format!("{:.1}", median(&t[3])),
                format!("{q:.2}x ({qlo:.2}..{qhi:.2})"),
            )
        } else {
            ("n/a".into(), "n/a".into())
        };
        println!(
            "| {what} | {e:.1} | {sk:.1} | {b:.1} | {nix} | {r:.2}x ({rlo:.2}..{rhi:.2}) | {nix_r} | {rs:.2}x |"
        );
    }
}

#[inline(never)]
fn loop_errq(c: &Capture, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(errq_decode(black_box(c), kind));
    }
}

#[inline(never)]
fn loop_baseline(c: &Capture, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(baseline_decode(black_box(c), kind));
    }
}

#[inline(never)]
fn loop_sketch(c: &Capture, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(sketch_decode(black_box(c), kind));
    }
}

#[inline(never)]
fn loop_nix(live: &Live, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(nix_decode(black_box(live), kind));
    }
}

fn callgrind_loops(messages: &[(Capture, Kind, &str)], lives: &[Option<Live>], n: u64) {
    let only = std::env::var("ERRQ_DECODE_ONLY").ok();
    for ((c, kind, _), live) in messages.iter().zip(lives) {
        if only.as_deref().is_some_and(|o| o != c.name) {
            continue;
        }
        loop_errq(c, *kind, n);
        loop_baseline(c, *kind, n);
        loop_sketch(c, *kind, n);
        if let Some(live) = live {
            loop_nix(live, *kind, n);
        }
    }
}

/// The median time of one criterion benchmark, from its `estimates.json`.
fn median_ns(group: &str, id: &str) -> Option<f64> {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = dir
        .join("criterion")
        .join(group.replace('/', "_"))
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let rest = &text[text.find("\"median\"")?..];
    let rest = &rest[rest.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = rest.find([',', '}'])?;
    rest[..end].trim().parse().ok()
}

fn summary(messages: &[(Capture, Kind, &str)], lives: &[Option<Live>]) {
    println!("\n| message | errq ns | sketch ns | baseline ns | nix ns | errq / baseline | nix / errq | sketch / baseline |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for ((c, _, what), live) in messages.iter().zip(lives) {
        let g = format!("decode/{}", c.name);
        let (Some(e), Some(b)) = (median_ns(&g, "errq"), median_ns(&g, "baseline")) else {
            continue;
        };
        let sk = median_ns(&g, "sketch").unwrap_or(f64::NAN);
        let (ns, ratio) = match live.as_ref().and(median_ns(&g, "nix")) {
            Some(n) => (format!("{n:.1}"), format!("{:.2}x", n / e)),
            None => ("n/a".into(), "n/a".into()),
        };
        println!(
            "| {what} (`{}`) | {e:.1} | {sk:.1} | {b:.1} | {ns} | {:.2}x | {ratio} | {:.2}x |",
            c.name,
            e / b,
            sk / b
        );
    }
}
