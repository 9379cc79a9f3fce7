//! Property tests for the control-message half: encode then decode gives back the same
//! values for every record type on every ABI preset; cutting a valid buffer at every length
//! gives the exact truncation error after the records before the cut; the kernel's own way
//! of cutting (`put_cmsg` under `MSG_CTRUNC`) keeps every whole record; hostile `cmsg_len`
//! values and mutated bytes never panic and always end.

// Test code: indexing and arithmetic on known-small values; a panic is a test failure.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use errq_codec::abi::Abi;
use errq_codec::addr;
use errq_codec::cmsg::{Cmsg, CmsgWriter, Cmsgs};
use errq_codec::ee::{ExtendedError, Origin, Rfc4884, SockExtendedErr};
use errq_codec::errno::Errno;
use errq_codec::error::{Error, Reason, Structure};
use errq_codec::message::Message;
use errq_codec::optstats::{encode_attr, NlAttrs};
use errq_codec::record::{ErrorLevel, In6Pktinfo, InPktinfo, Ip6Mtuinfo, Record, Records};
use errq_codec::timestamp::{Layout, ScmTimestamping, Timespec, Timeval};
use proptest::prelude::*;

fn abi() -> impl Strategy<Value = Abi> {
    proptest::sample::select(Abi::PRESETS.to_vec())
}

/// A record description that owns its bytes, so strategies can build it.
#[derive(Clone, Debug)]
enum Spec {
    Error(
        ErrorLevel,
        u32,
        u8,
        u8,
        u8,
        u8,
        u32,
        u32,
        Option<SocketAddr>,
        Option<Rfc4884>,
    ),
    Timestamp(Layout, i32, i32),
    TimestampNs(Layout, i32, i32),
    Timestamping(Layout, [(i32, i32); 3]),
    OptStats(Vec<(u16, Vec<u8>)>),
    Ttl(i32),
    Tos(u8),
    Pktinfo(i32, [u8; 4], [u8; 4]),
    Opts(bool, Vec<u8>),
    OrigDst(SocketAddrV4),
    Checksum(u32),
    FragSize(bool, i32),
    Pktinfo6([u8; 16], u32),
    HopLimit(i32),
    TrafficClass(i32),
    FlowInfo(u32),
    PathMtu(SocketAddrV6, u32),
    OrigDst6(SocketAddrV6),
    Other(i32, i32, Vec<u8>),
}

fn sockaddr() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<[u8; 4]>(), any::<u16>())
            .prop_map(|(a, p)| SocketAddr::V4(SocketAddrV4::new(a.into(), p))),
        (any::<[u8; 16]>(), any::<u16>(), any::<u32>(), any::<u32>())
            .prop_map(|(a, p, f, s)| SocketAddr::V6(SocketAddrV6::new(a.into(), p, f, s))),
    ]
}

fn v6() -> impl Strategy<Value = SocketAddrV6> {
    (any::<[u8; 16]>(), any::<u16>(), any::<u32>(), any::<u32>())
        .prop_map(|(a, p, f, s)| SocketAddrV6::new(a.into(), p, f, s))
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![Just(Layout::Old), Just(Layout::New)]
}

fn spec() -> impl Strategy<Value = Spec> {
    let level = prop_oneof![
        Just(ErrorLevel::Ip),
        Just(ErrorLevel::Ipv6),
        Just(ErrorLevel::Packet)
    ];
    let rfc = proptest::option::of((any::<u16>(), any::<u8>(), any::<u8>()).prop_map(
        |(len, flags, reserved)| Rfc4884 {
            len,
            flags,
            reserved,
        },
    ));
    prop_oneof![
        (
            level,
            any::<u32>(),
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
            any::<u32>(),
            any::<u32>(),
            proptest::option::of(sockaddr()),
            rfc
        )
            .prop_map(|(l, e, o, t, c, p, i, d, off, r)| Spec::Error(
                l, e, o, t, c, p, i, d, off, r
            )),
        (layout(), any::<i32>(), any::<i32>()).prop_map(|(l, a, b)| Spec::Timestamp(l, a, b)),
        (layout(), any::<i32>(), any::<i32>()).prop_map(|(l, a, b)| Spec::TimestampNs(l, a, b)),
        (layout(), any::<[(i32, i32); 3]>()).prop_map(|(l, t)| Spec::Timestamping(l, t)),
        proptest::collection::vec(
            (0u16..0x3fff, proptest::collection::vec(any::<u8>(), 0..12)),
            0..5
        )
        .prop_map(Spec::OptStats),
        any::<i32>().prop_map(Spec::Ttl),
        any::<u8>().prop_map(Spec::Tos),
        (any::<i32>(), any::<[u8; 4]>(), any::<[u8; 4]>())
            .prop_map(|(i, a, b)| Spec::Pktinfo(i, a, b)),
        (any::<bool>(), proptest::collection::vec(any::<u8>(), 0..40))
            .prop_map(|(r, o)| Spec::Opts(r, o)),
        (any::<[u8; 4]>(), any::<u16>())
            .prop_map(|(a, p)| Spec::OrigDst(SocketAddrV4::new(a.into(), p))),
        any::<u32>().prop_map(Spec::Checksum),
        (any::<bool>(), any::<i32>()).prop_map(|(v6, s)| Spec::FragSize(v6, s)),
        (any::<[u8; 16]>(), any::<u32>()).prop_map(|(a, i)| Spec::Pktinfo6(a, i)),
        any::<i32>().prop_map(Spec::HopLimit),
        any::<i32>().prop_map(Spec::TrafficClass),
        any::<u32>().prop_map(Spec::FlowInfo),
        (v6(), any::<u32>()).prop_map(|(a, m)| Spec::PathMtu(a, m)),
        v6().prop_map(Spec::OrigDst6),
        (
            200i32..300,
            any::<i32>(),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(l, t, d)| Spec::Other(l, t, d)),
    ]
}

/// Storage for the bytes a record borrows.
struct Owned {
    err: Vec<u8>,
    stats: Vec<u8>,
}

fn own(abi: &Abi, s: &Spec) -> Owned {
    let mut err = Vec::new();
    let mut stats = Vec::new();
    match s {
        Spec::Error(level, e, o, t, c, p, i, d, off, r) => {
            let mut ee = SockExtendedErr::new(
                Errno::new(*e, abi.errno),
                Origin(*o),
                *t,
                *c,
                *i,
                *d,
                abi.endian,
            );
            ee.pad = *p;
            if let Some(r) = r {
                ee = ee.with_rfc4884(*r, abi.endian);
            }
            err.resize(16, 0);
            ee.encode(abi.endian, &mut err).unwrap();
            if *level != ErrorLevel::Packet {
                match off {
                    Some(a) => {
                        let n = addr::encoded_len(a);
                        err.resize(16 + n, 0);
                        addr::encode(a, abi.endian, &mut err[16..]).unwrap();
                    }
                    // AF_UNSPEC, as the kernel sends for non-ICMP origins.
                    None => err.resize(16 + if *level == ErrorLevel::Ip { 16 } else { 28 }, 0),
                }
            }
        }
        Spec::OptStats(attrs) => {
            stats.resize(attrs.iter().map(|(_, p)| (p.len() + 7) & !3).sum(), 0);
            let mut at = 0;
            for (k, p) in attrs {
                at = encode_attr(*k, p, abi.endian, &mut stats, at).unwrap();
            }
            stats.truncate(at);
        }
        _ => {}
    }
    Owned { err, stats }
}

fn record<'a>(abi: &Abi, s: &'a Spec, o: &'a Owned) -> Record<'a> {
    let ts = |(a, b): (i32, i32)| Timespec {
        sec: a.into(),
        nsec: b.into(),
    };
    match s {
        Spec::Error(level, ..) => {
            Record::Error(*level, ExtendedError::decode(&o.err, abi).unwrap())
        }
        Spec::Timestamp(l, a, b) => Record::Timestamp(
            *l,
            Timeval {
                sec: (*a).into(),
                usec: (*b).into(),
            },
        ),
        Spec::TimestampNs(l, a, b) => Record::TimestampNs(*l, ts((*a, *b))),
        Spec::Timestamping(l, t) => Record::Timestamping(ScmTimestamping {
            ts: t.map(ts),
            layout: *l,
        }),
        Spec::OptStats(_) => Record::OptStats(NlAttrs::new(&o.stats, abi.endian)),
        Spec::Ttl(v) => Record::Ttl(*v),
        Spec::Tos(v) => Record::Tos(*v),
        Spec::Pktinfo(i, a, b) => Record::Pktinfo(InPktinfo {
            ifindex: *i,
            spec_dst: Ipv4Addr::from(*a),
            addr: Ipv4Addr::from(*b),
        }),
        Spec::Opts(true, v) => Record::RecvOpts(v),
        Spec::Opts(false, v) => Record::RetOpts(v),
        Spec::OrigDst(a) => Record::OrigDstAddr(*a),
        Spec::Checksum(v) => Record::Checksum(*v),
        Spec::FragSize(false, v) => Record::FragSize(*v),
        Spec::FragSize(true, v) => Record::FragSize6(*v),
        Spec::Pktinfo6(a, i) => Record::Pktinfo6(In6Pktinfo {
            addr: Ipv6Addr::from(*a),
            ifindex: *i,
        }),
        Spec::HopLimit(v) => Record::HopLimit(*v),
        Spec::TrafficClass(v) => Record::TrafficClass(*v),
        Spec::FlowInfo(v) => Record::FlowInfo(*v),
        Spec::PathMtu(a, m) => Record::PathMtu(Ip6Mtuinfo { addr: *a, mtu: *m }),
        Spec::OrigDst6(a) => Record::OrigDstAddr6(*a),
        Spec::Other(l, t, d) => Record::Other(Cmsg {
            level: *l,
            kind: *t,
            len: 0,
            offset: 0,
            data: d,
        }),
    }
}

fn same(a: &Record<'_>, b: &Record<'_>) -> bool {
    match (a, b) {
        (Record::Other(x), Record::Other(y)) => {
            (x.level, x.kind, x.data) == (y.level, y.kind, y.data)
        }
        (Record::OptStats(x), Record::OptStats(y)) => x.remaining() == y.remaining(),
        _ => a == b,
    }
}

/// Encode, returning the bytes and each record's (offset, cmsg_len).
fn encode(abi: &Abi, recs: &[Record<'_>]) -> (Vec<u8>, Vec<(usize, usize)>) {
    let mut buf = vec![0u8; 8192];
    let mut w = CmsgWriter::new(&mut buf, *abi);
    let mut spans = Vec::new();
    for r in recs {
        let at = w.len();
        r.encode(&mut w).unwrap();
        let c = Cmsgs::new(&w.as_bytes()[at..], *abi)
            .next()
            .unwrap()
            .unwrap();
        spans.push((at, c.len as usize));
    }
    let n = w.len();
    buf.truncate(n);
    (buf, spans)
}

/// Timestamps in the old layout of a 32-bit ABI keep 32 bits; the strategy uses i32 so
/// every value survives every ABI.
fn specs() -> impl Strategy<Value = (Abi, Vec<Spec>)> {
    (abi(), proptest::collection::vec(spec(), 0..8))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn encode_then_decode_gives_the_same_records((abi, specs) in specs()) {
        let owned: Vec<_> = specs.iter().map(|s| own(&abi, s)).collect();
        let recs: Vec<_> = specs.iter().zip(&owned).map(|(s, o)| record(&abi, s, o)).collect();
        let (bytes, _) = encode(&abi, &recs);
        let back: Vec<_> = Records::new(&bytes, abi).collect();
        prop_assert_eq!(back.len(), recs.len());
        for (b, r) in back.iter().zip(&recs) {
            let b = b.as_ref().unwrap();
            prop_assert!(same(b, r), "{:?} != {:?}", b, r);
        }
        // Re-encoding what was decoded gives the same bytes.
        let back: Vec<_> = back.into_iter().map(Result::unwrap).collect();
        let (again, _) = encode(&abi, &back);
        prop_assert_eq!(again, bytes);
    }

    #[test]
    fn every_cut_gives_the_exact_error_after_the_whole_records((abi, specs) in specs()) {
        let owned: Vec<_> = specs.iter().map(|s| own(&abi, s)).collect();
        let recs: Vec<_> = specs.iter().zip(&owned).map(|(s, o)| record(&abi, s, o)).collect();
        let (bytes, spans) = encode(&abi, &recs);
        let hlen = abi.cmsg_header_len();
        for n in 0..=bytes.len() {
            let got: Vec<_> = Cmsgs::new(&bytes[..n], abi).collect();
            // What must happen at cut n, computed from the spans alone.
            let mut want_ok = 0;
            let mut want_err = None;
            for &(at, len) in &spans {
                if at >= n {
                    break;
                }
                let rem = n - at;
                if rem < hlen {
                    want_err = Some(Error::truncated(Structure::CmsgHeader, hlen, rem));
                    break;
                }
                if rem < len {
                    want_err = Some(Error::truncated(Structure::CmsgData, len, rem));
                    break;
                }
                want_ok += 1;
            }
            prop_assert_eq!(got.len(), want_ok + usize::from(want_err.is_some()), "cut {}", n);
            for (g, r) in got.iter().zip(&recs) {
                if let Ok(c) = g {
                    let d = Record::decode(*c, &abi).unwrap();
                    prop_assert!(same(&d, r));
                }
            }
            if let Some(e) = want_err {
                prop_assert_eq!(got.last().copied().unwrap(), Err(e), "cut {}", n);
            }
        }
    }

    #[test]
    fn kernel_truncation_keeps_whole_records((abi, specs) in specs(), cap in 0usize..600) {
        let owned: Vec<_> = specs.iter().map(|s| own(&abi, s)).collect();
        let recs: Vec<_> = specs.iter().zip(&owned).map(|(s, o)| record(&abi, s, o)).collect();
        let (full, spans) = encode(&abi, &recs);
        let mut buf = vec![0u8; cap];
        let mut w = CmsgWriter::new(&mut buf, abi);
        let mut whole = 0;
        for (i, &(at, len)) in spans.iter().enumerate() {
            let c = Cmsgs::new(&full[at..], abi).next().unwrap().unwrap();
            if w.put_cmsg(c.level, c.kind, c.data) && whole == i {
                whole += 1;
            }
            let _ = len;
        }
        let ctrunc = w.ctrunc();
        prop_assert_eq!(ctrunc, whole < recs.len());
        let flags = 0x2000 | if ctrunc { 8 } else { 0 };
        let n = w.len();
        let m = Message::decode_with(&abi, &buf[..n], flags, &[], &[]);
        prop_assert_eq!(m.control_truncated(), ctrunc);
        let walked: Vec<_> = Cmsgs::new(&buf[..n], abi).collect();
        // Every record the kernel wrote is walkable (cut ones are shorter, never broken).
        prop_assert!(walked.iter().all(Result::is_ok));
        let decoded: Vec<_> = Records::new(&buf[..n], abi).collect();
        for (d, r) in decoded.iter().zip(&recs).take(whole) {
            prop_assert!(same(d.as_ref().unwrap(), r));
        }
    }

    #[test]
    fn hostile_bytes_never_panic_and_always_end(abi in abi(), bytes in proptest::collection::vec(any::<u8>(), 0..300), name in proptest::collection::vec(any::<u8>(), 0..40)) {
        let mut n = 0;
        for r in Records::new(&bytes, abi) {
            n += 1;
            prop_assert!(n <= bytes.len() / abi.cmsg_header_len() + 1);
            if let Ok(Record::OptStats(a)) = r {
                prop_assert!(a.count() <= bytes.len() / 4 + 1);
            }
        }
        let m = Message::decode_with(&abi, &bytes, any_flags(&bytes), &name, &bytes);
        let _ = m.to_string();
        let _ = (m.meaning(), m.offender(), m.destination(), m.problem());
    }

    #[test]
    fn hostile_cmsg_len_values(abi in abi(), len in prop_oneof![Just(0u64), Just(1), Just(11), Just(12), Just(15), Just(16), Just(u64::from(u32::MAX)), Just(u64::MAX), Just(u64::MAX - 7), any::<u64>()], tail in 0usize..64) {
        let mut buf = vec![0u8; abi.cmsg_header_len() + tail];
        let e = abi.endian;
        if abi.word.bytes() == 8 {
            buf[..8].copy_from_slice(&e.u64_bytes(len));
        } else {
            buf[..4].copy_from_slice(&e.u32_bytes(len as u32));
        }
        let stored = if abi.word.bytes() == 8 { len } else { u64::from(len as u32) };
        let got: Vec<_> = Cmsgs::new(&buf, abi).collect();
        prop_assert!(!got.is_empty());
        let hlen = abi.cmsg_header_len();
        match got[0] {
            Ok(c) => {
                prop_assert!(stored >= hlen as u64 && stored <= buf.len() as u64);
                prop_assert_eq!(c.len, stored);
            }
            Err(Error::Malformed { what: Structure::CmsgHeader, reason: Reason::LengthBelowHeader { length, minimum } }) => {
                prop_assert!(stored < hlen as u64);
                prop_assert_eq!((length, minimum), (stored, hlen));
            }
            Err(Error::Truncated { what: Structure::CmsgData, needed, available }) => {
                prop_assert_eq!(needed as u64, stored);
                prop_assert_eq!(available, buf.len());
            }
            Err(Error::Malformed { what: Structure::CmsgHeader, reason: Reason::LengthOverflow { length } }) => {
                prop_assert_eq!(length, stored);
                prop_assert!(usize::try_from(stored).is_err());
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}

fn any_flags(b: &[u8]) -> i32 {
    i32::from(b.first().copied().unwrap_or(0)) | 0x2000
}
