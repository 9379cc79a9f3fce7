//! Unit tests of the typed records.

use super::*;
use crate::ee::{Origin, SockExtendedErr};
use crate::errno::Errno;
use core::net::Ipv4Addr;
use std::vec::Vec;

fn every_record<'a>(abi: &Abi, opts: &'a [u8], stats: &'a [u8]) -> Vec<Record<'a>> {
    let ts = Timespec {
        sec: 1_700_000_000,
        nsec: 1,
    };
    std::vec![
        Record::Timestamp(Layout::Old, Timeval { sec: 1, usec: 2 }),
        Record::Timestamp(Layout::New, Timeval { sec: 3, usec: 4 }),
        Record::TimestampNs(Layout::Old, ts),
        Record::TimestampNs(Layout::New, ts),
        Record::Timestamping(ScmTimestamping {
            ts: [ts, Timespec::default(), ts],
            layout: Layout::Old
        }),
        Record::Timestamping(ScmTimestamping {
            ts: [ts; 3],
            layout: Layout::New
        }),
        Record::OptStats(NlAttrs::new(stats, abi.endian)),
        Record::Ttl(64),
        Record::Tos(0xb8),
        Record::Pktinfo(InPktinfo {
            ifindex: 3,
            spec_dst: Ipv4Addr::new(198, 18, 0, 1),
            addr: Ipv4Addr::new(198, 18, 0, 2)
        }),
        Record::RecvOpts(opts),
        Record::RetOpts(opts),
        Record::OrigDstAddr("198.18.2.2:9".parse().unwrap()),
        Record::Checksum(0xdead_beef),
        Record::FragSize(1280),
        Record::Pktinfo6(In6Pktinfo {
            addr: "2001:db8::1".parse().unwrap(),
            ifindex: 4
        }),
        Record::HopLimit(63),
        Record::TrafficClass(0x20),
        Record::FlowInfo(0x0012_3456),
        Record::PathMtu(Ip6Mtuinfo {
            addr: "[2001:db8::2]:0".parse().unwrap(),
            mtu: 1280
        }),
        Record::OrigDstAddr6("[2001:db8::2]:53".parse().unwrap()),
        Record::FragSize6(1500),
        Record::Ipv6ExtHeader(ExtHeaderRecord::new(IPV6_HOPOPTS, opts)),
        Record::Ipv6ExtHeader(ExtHeaderRecord::new(IPV6_2292RTHDR, opts)),
        Record::TimestampingPktinfo(ScmTsPktinfo {
            if_index: 7,
            pkt_length: 1514,
            reserved: [0, 0]
        }),
        Record::Other(Cmsg {
            level: SOL_IPV6,
            kind: 99,
            len: 0,
            offset: 0,
            data: opts
        }),
    ]
}

#[test]
fn every_record_round_trips_on_every_abi() {
    for abi in Abi::PRESETS {
        let opts = [0x94u8, 4, 0, 0];
        let mut stats = [0u8; 16];
        let n =
            crate::optstats::encode_attr(1, &abi.endian.u64_bytes(5), abi.endian, &mut stats, 0)
                .unwrap();
        let recs = every_record(abi, &opts, &stats[..n]);
        let mut buf = [0u8; 2048];
        let mut w = CmsgWriter::new(&mut buf, *abi);
        for r in &recs {
            r.encode(&mut w).unwrap();
        }
        let bytes = w.as_bytes().to_vec();
        let back: Vec<_> = Records::new(&bytes, *abi).map(Result::unwrap).collect();
        assert_eq!(back.len(), recs.len(), "{}", abi.name);
        for (a, b) in back.iter().zip(&recs) {
            match (a, b) {
                (Record::Other(x), Record::Other(y)) => {
                    assert_eq!((x.level, x.kind, x.data), (y.level, y.kind, y.data))
                }
                _ => assert_eq!(a, b, "{}", abi.name),
            }
        }
    }
}

#[test]
fn error_records_round_trip() {
    for abi in Abi::PRESETS {
        let ee = SockExtendedErr::new(
            Errno::new(90, abi.errno),
            Origin::ICMP6,
            2,
            0,
            1280,
            0,
            abi.endian,
        );
        let mut data = [0u8; 44];
        ee.encode(abi.endian, &mut data).unwrap();
        addr::encode(
            &"[2001:db8::1]:0".parse().unwrap(),
            abi.endian,
            &mut data[16..],
        )
        .unwrap();
        let err = ExtendedError::decode(&data, abi).unwrap();
        let mut buf = [0u8; 128];
        let mut w = CmsgWriter::new(&mut buf, *abi);
        Record::Error(Level::IPV6, err).encode(&mut w).unwrap();
        Record::Error(
            Level::PACKET,
            ExtendedError::decode(&data[..16], abi).unwrap(),
        )
        .encode(&mut w)
        .unwrap();
        let bytes = w.as_bytes().to_vec();
        let back: Vec<_> = Records::new(&bytes, *abi).map(Result::unwrap).collect();
        assert_eq!(back[0], Record::Error(Level::IPV6, err));
        let Record::Error(Level::PACKET, p) = back[1] else {
            panic!()
        };
        assert_eq!(p.ee, ee);
        assert_eq!(p.offender(), None);
    }
}

#[test]
fn short_companions_are_truncation_errors() {
    let abi = Abi::X86_64;
    let c = |level, kind, data| Cmsg {
        level,
        kind,
        len: 0,
        offset: 0,
        data,
    };
    assert_eq!(
        Record::decode(c(SOL_IP, IP_TTL, &[1, 2]), &abi),
        Err(Error::truncated(Structure::Int, 4, 2))
    );
    assert_eq!(
        Record::decode(c(SOL_IP, IP_TOS, &[]), &abi),
        Err(Error::truncated(Structure::Byte, 1, 0))
    );
    assert_eq!(
        Record::decode(c(SOL_IP, IP_PKTINFO, &[0; 11]), &abi),
        Err(Error::truncated(Structure::InPktinfo, 12, 11))
    );
    assert_eq!(
        Record::decode(c(SOL_IPV6, IPV6_PKTINFO, &[0; 19]), &abi),
        Err(Error::truncated(Structure::In6Pktinfo, 20, 19))
    );
    assert_eq!(
        Record::decode(c(SOL_IPV6, IPV6_PATHMTU, &[0; 31]), &abi),
        Err(Error::truncated(Structure::Ip6Mtuinfo, 32, 31))
    );
    assert_eq!(
        Record::decode(c(1, 37, &[0; 47]), &abi),
        Err(Error::truncated(Structure::ScmTimestamping, 48, 47))
    );
    assert_eq!(
        Record::decode(c(SOL_IP, IP_RECVERR, &[0; 8]), &abi),
        Err(Error::truncated(Structure::ExtendedErr, 16, 8))
    );
    assert!(matches!(
        Record::decode(c(SOL_IP, 99, &[]), &abi),
        Ok(Record::Other(_))
    ));
    // Socket level on another architecture is not SOL_SOCKET here.
    assert!(matches!(
        Record::decode(c(0xffff, 37, &[0; 48]), &abi),
        Ok(Record::Other(_))
    ));
    assert!(matches!(
        Record::decode(c(0xffff, 37, &[0; 48]), &Abi::MIPS64),
        Ok(Record::Timestamping(_))
    ));
    // SCM_TIMESTAMPING_PKTINFO: 58 generic, 0x3c on SPARC, 0x4033 on PA-RISC.
    assert_eq!(
        Record::decode(c(1, 58, &[0; 15]), &abi),
        Err(Error::truncated(Structure::ScmTsPktinfo, 16, 15))
    );
    let mut p = [0u8; 16];
    p[..4].copy_from_slice(&3u32.to_be_bytes());
    p[4..8].copy_from_slice(&1514u32.to_be_bytes());
    for (a, t) in [(Abi::SPARC64, 0x3c), (Abi::PARISC, 0x4033)] {
        assert_eq!(
            Record::decode(c(0xffff, t, &p), &a),
            Ok(Record::TimestampingPktinfo(ScmTsPktinfo {
                if_index: 3,
                pkt_length: 1514,
                reserved: [0, 0]
            }))
        );
    }
    // An extension-header record never fails: a cut header is an error of its view.
    let Ok(Record::Ipv6ExtHeader(h)) = Record::decode(c(SOL_IPV6, IPV6_DSTOPTS, &[58, 1]), &abi)
    else {
        panic!()
    };
    assert_eq!(
        h.header(),
        Err(Error::truncated(Structure::Ipv6ExtensionHeader, 16, 2))
    );
    // The other families' error records, bare 16 bytes.
    for (level, kind) in [(287, 1), (101, 1), (107, 4), (274, 4), (263, 16)] {
        let Ok(Record::Error(l, e)) = Record::decode(c(level, kind, &[0; 16]), &abi) else {
            panic!("{level}")
        };
        assert_eq!((l, e.offender_bytes.len()), (Level(level), 0));
        assert_eq!(
            Record::decode(c(level, kind, &[0; 15]), &abi),
            Err(Error::truncated(Structure::ExtendedErr, 16, 15))
        );
    }
}
