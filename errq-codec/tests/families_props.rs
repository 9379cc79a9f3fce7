//! Property tests for the new records on every ABI preset: the other families' error
//! records, `SCM_TIMESTAMPING_PKTINFO`, IPv6 extension headers and J1939 statistics encode
//! then decode to the same values; cutting a message at every length keeps every whole
//! record, reports the cut one through `problem()`, and never yields a cut error record.

// Test code: indexing and arithmetic on known-small values; a panic is a test failure.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use errq_codec::abi::Abi;
use errq_codec::cmsg::{CmsgWriter, Cmsgs};
use errq_codec::ee::{ExtendedError, Origin, SockExtendedErr};
use errq_codec::errno::Errno;
use errq_codec::exthdr::ExtHeaderRecord;
use errq_codec::j1939::{J1939Nla, J1939Stats};
use errq_codec::level::Level;
use errq_codec::message::{Message, MSG_CTRUNC, MSG_ERRQUEUE};
use errq_codec::optstats::{encode_attr, NlAttrs};
use errq_codec::record::{Record, Records, ScmTsPktinfo};
use proptest::prelude::*;

/// One record, owning its bytes.
#[derive(Clone, Debug)]
enum Spec {
    Pktinfo(u32, u32, [u32; 2]),
    ExtHeader(i32, Vec<u8>),
    J1939Stats(Option<u32>, Option<u32>, Option<u64>, Option<u8>),
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        (any::<u32>(), any::<u32>(), any::<[u32; 2]>())
            .prop_map(|(a, b, r)| Spec::Pktinfo(a, b, r)),
        (
            proptest::sample::select(vec![3, 4, 5, 54, 55, 57, 59]),
            proptest::collection::vec(any::<u8>(), 0..40)
        )
            .prop_map(|(t, b)| Spec::ExtHeader(t, b)),
        (
            any::<Option<u32>>(),
            any::<Option<u32>>(),
            any::<Option<u64>>(),
            any::<Option<u8>>()
        )
            .prop_map(|(a, b, c, d)| Spec::J1939Stats(a, b, c, d)),
    ]
}

/// The bytes a spec's record holds (the statistics as `nla_put_*` writes them).
fn own(abi: &Abi, s: &Spec) -> Vec<u8> {
    match s {
        Spec::Pktinfo(..) => Vec::new(),
        Spec::ExtHeader(_, b) => b.clone(),
        Spec::J1939Stats(acked, pgn, name, addr) => {
            let mut out = vec![0u8; 64];
            let mut at = 0;
            let e = abi.endian;
            if let Some(v) = acked {
                at = encode_attr(1, &e.u32_bytes(*v), e, &mut out, at).unwrap();
            }
            if let Some(v) = pgn {
                at = encode_attr(3, &e.u32_bytes(*v), e, &mut out, at).unwrap();
            }
            if let Some(v) = name {
                at = encode_attr(4, &e.u64_bytes(*v), e, &mut out, at).unwrap();
            }
            if let Some(v) = addr {
                at = encode_attr(6, &[*v], e, &mut out, at).unwrap();
            }
            out.truncate(at);
            out
        }
    }
}

fn record<'a>(abi: &Abi, s: &Spec, owned: &'a [u8]) -> Record<'a> {
    match s {
        Spec::Pktinfo(i, l, r) => Record::TimestampingPktinfo(ScmTsPktinfo {
            if_index: *i,
            pkt_length: *l,
            reserved: *r,
        }),
        Spec::ExtHeader(t, _) => Record::Ipv6ExtHeader(ExtHeaderRecord::new(*t, owned)),
        Spec::J1939Stats(..) => Record::OptStats(NlAttrs::new(owned, abi.endian)),
    }
}

fn levels() -> impl Strategy<Value = Level> {
    proptest::sample::select(Level::with_error_queue().collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn new_records_round_trip_and_every_cut_is_reported(
        abi in proptest::sample::select(Abi::PRESETS.to_vec()),
        specs in proptest::collection::vec(spec(), 0..5),
        level in levels(),
        ee in (any::<u32>(), any::<u8>(), any::<u8>(), any::<u32>(), any::<u32>()),
    ) {
        let owned: Vec<_> = specs.iter().map(|s| own(&abi, s)).collect();
        let mut recs: Vec<_> =
            specs.iter().zip(&owned).map(|(s, o)| record(&abi, s, o)).collect();
        // The error record last, bare on the non-IP levels, with a zeroed offender of the
        // size ip_recv_error / ipv6_recv_error write on the IP ones.
        let (errno, origin, code, info, data) = ee;
        let see = SockExtendedErr::new(
            Errno::new(errno, abi.errno), Origin(origin), 0, code, info, data, abi.endian,
        );
        let mut err = vec![0u8; 16 + match level { Level::IP => 16, Level::IPV6 => 28, _ => 0 }];
        see.encode(abi.endian, &mut err).unwrap();
        recs.push(Record::Error(level, ExtendedError::decode(&err, &abi).unwrap()));
        let mut buf = vec![0u8; 1024];
        let mut w = CmsgWriter::new(&mut buf, abi);
        for r in &recs {
            r.encode(&mut w).unwrap();
        }
        let bytes = w.as_bytes().to_vec();
        let back: Vec<_> = Records::new(&bytes, abi).map(Result::unwrap).collect();
        prop_assert_eq!(&back, &recs);
        // J1939 statistics read back typed.
        for (s, r) in specs.iter().zip(&back) {
            if let (Spec::J1939Stats(acked, pgn, name, addr), Record::OptStats(a)) = (s, r) {
                let st = J1939Stats::decode(a.clone()).unwrap();
                prop_assert_eq!(
                    (st.bytes_acked, st.pgn, st.src_name, st.src_addr),
                    (*acked, *pgn, *name, *addr)
                );
                prop_assert_eq!(J1939Nla::SRC_NAME.width(), Some(8));
            }
        }
        let m = Message::decode_with(&abi, &bytes, MSG_ERRQUEUE, &[], &[]);
        prop_assert_eq!(m.error_level(), Some(level));
        prop_assert_eq!(m.problem(), None);
        // Every cut: whole records kept, a cut one reported, the error only when whole.
        let spans: Vec<(usize, usize)> = Cmsgs::new(&bytes, abi)
            .map(|c| c.unwrap())
            .map(|c| (c.offset, c.offset + c.len as usize))
            .collect();
        let starts: Vec<usize> = spans.iter().map(|s| s.0).collect();
        // Between records: at a record's start, or in the padding after its `cmsg_len`.
        let between = |cut: usize| {
            cut == 0 || spans.iter().zip(starts.iter().skip(1).chain([&bytes.len()]))
                .any(|((_, end), next)| *end <= cut && cut <= *next)
        };
        for cut in 0..bytes.len() {
            let m = Message::decode_with(&abi, &bytes[..cut], MSG_ERRQUEUE | MSG_CTRUNC, &[], &[]);
            let whole = starts.iter().skip(1).filter(|s| **s <= cut).count();
            let got: Vec<_> = m.records().take(whole).map(Result::unwrap).collect();
            prop_assert_eq!(&got[..], &recs[..whole]);
            if m.error().is_some() {
                // Only the padding after the error record is missing.
                prop_assert!(cut >= *starts.last().unwrap() + abi.cmsg_header_len() + err.len());
            } else if !between(cut) {
                prop_assert!(m.problem().is_some(), "cut {} silent", cut);
            }
        }
    }
}
