//! Unit tests of the message view.

use super::*;
use crate::cmsg::CmsgWriter;
use crate::ee::{Origin, SockExtendedErr};
use crate::errno::{Errno, ErrnoNumbering};
use crate::error::Structure;
use crate::record::consts::*;
use crate::timestamp::{Layout, Timespec};
use std::string::ToString;

fn time_exceeded(abi: &Abi, buf: &mut [u8]) -> usize {
    let mut w = CmsgWriter::new(buf, *abi);
    w.put_cmsg(0, 2, &abi.endian.u32_bytes(63));
    let ee = SockExtendedErr::new(
        Errno::from_name("EHOSTUNREACH", abi.errno).unwrap(),
        Origin::ICMP,
        11,
        0,
        0,
        0,
        abi.endian,
    );
    let mut d = [0u8; 32];
    ee.encode(abi.endian, &mut d).unwrap();
    addr::encode(&"198.18.1.1:0".parse().unwrap(), abi.endian, &mut d[16..]).unwrap();
    w.put_cmsg(0, 11, &d);
    w.len()
}

#[test]
fn display_reads_like_tracepath() {
    for abi in Abi::PRESETS {
        let mut buf = [0u8; 128];
        let n = time_exceeded(abi, &mut buf);
        let mut name = [0u8; 16];
        addr::encode(&"198.18.2.2:33434".parse().unwrap(), abi.endian, &mut name).unwrap();
        let m = Message::decode_with(abi, &buf[..n], MSG_ERRQUEUE, &name, &[]);
        assert_eq!(
            m.to_string(),
            "ICMP time exceeded (TTL exceeded in transit) from 198.18.1.1 for 198.18.2.2:33434, errno EHOSTUNREACH, TTL 63",
            "{}",
            abi.name
        );
        assert_eq!(m.problem(), None);
        assert_eq!(m.icmp_ttl(), Some(63));
    }
}

/// The one-pass `Message` keeps exactly what the record-by-record walk (`Records`) yields,
/// for every preset ABI and every cut of a buffer holding every kind of record (the cut
/// ones short, bad headers, garbage tails).
#[test]
fn one_pass_message_equals_the_record_walk() {
    // Miri is ~1000x slower: a few ABIs (both layouts, both byte orders) and every 23rd cut.
    let (abis, every) = if cfg!(miri) {
        (&[Abi::X86_64, Abi::I686, Abi::S390X, Abi::MIPS][..], 23)
    } else {
        (Abi::PRESETS, 1)
    };
    for abi in abis {
        let s = abi.socket;
        let mut buf = [0u8; 512];
        let mut w = CmsgWriter::new(&mut buf, *abi);
        w.put_cmsg(SOL_IP, IP_TTL, &abi.endian.u32_bytes(63));
        w.put_cmsg(SOL_IP, IP_TOS, &[0x10]);
        w.put_cmsg(SOL_IP, IP_PKTINFO, &[7, 0, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        w.put_cmsg(SOL_IPV6, IPV6_HOPLIMIT, &abi.endian.u32_bytes(9));
        w.put_cmsg(SOL_IPV6, IPV6_TCLASS, &abi.endian.u32_bytes(3));
        w.put_cmsg(SOL_IPV6, IPV6_PKTINFO, &[1; 20]);
        w.put_cmsg(SOL_IP, 99, &[1, 2, 3]);
        let ts = ScmTimestamping {
            ts: [Timespec { sec: 5, nsec: 6 }; 3],
            layout: Layout::Old,
        };
        let mut tb = [0u8; 48];
        let n = ts.encode(abi, &mut tb).unwrap();
        w.put_cmsg(s.sol_socket, s.timestamping_old, &tb[..n]);
        w.put_cmsg(s.sol_socket, s.timestamping_new, &[0; 48]);
        w.put_cmsg(s.sol_socket, s.timestamp_old, &[0; 16]);
        let n = w.len();
        let m = time_exceeded(abi, &mut buf[n..]);
        let end = n + m;
        for cut in (0..=end).step_by(every) {
            for tail in [0u8, 0xff] {
                let mut b = buf;
                b[cut..].fill(tail);
                let fast = Message::decode_with(abi, &b[..end], 0, &[], &[]);
                // The record-by-record walk: the last error record, every companion, and
                // the first error met.
                let mut old = Companions::default();
                let (mut error, mut problem) = (None, None);
                for r in Records::new(&b[..end], *abi) {
                    match r {
                        Ok(Record::Error(level, e)) => error = Some((level, e)),
                        Ok(r) => old.take(r),
                        Err(e) => problem = problem.or(Some(e)),
                    }
                }
                assert_eq!(fast.err(), error, "{} cut {cut}", abi.name);
                assert_eq!(fast.companions(), old, "{} cut {cut}", abi.name);
                assert_eq!(fast.tclass(), old.tclass, "{} cut {cut}", abi.name);
                assert_eq!(fast.pktinfo6(), old.pktinfo6, "{} cut {cut}", abi.name);
                assert_eq!(fast.problem, problem, "{} cut {cut}", abi.name);
            }
        }
    }
}

#[test]
fn ctrunc_keeps_the_companion_and_reports_the_cut() {
    let abi = Abi::X86_64;
    let mut full = [0u8; 128];
    let n = time_exceeded(&abi, &mut full);
    assert_eq!(n, 72);
    // The kernel with a 40-byte control buffer: TTL whole, the error cut to 16 bytes.
    let mut buf = [0u8; 40];
    let n2 = time_exceeded(&abi, &mut buf);
    let m = Message::decode_with(&abi, &buf[..n2], MSG_ERRQUEUE | MSG_CTRUNC, &[], &[]);
    assert_eq!(m.companions().ttl, Some(63));
    assert!(m.error().is_none());
    assert!(m.control_truncated());
    assert_eq!(
        m.problem(),
        Some(Error::truncated(Structure::ExtendedErr, 16, 0))
    );
    assert_eq!(
        m.to_string(),
        "no error record (control truncated) (sock_extended_err truncated: needs 16 bytes, 0 available)"
    );
    let _ = ErrnoNumbering::Generic;
}

/// The accessors of the rarer companions find their record where the walk noted it, near
/// the start of the buffer or 3 KB into it, on both layouts; they agree with
/// `companions()`.
#[test]
fn rare_accessors_near_and_far() {
    use crate::record::consts::{IPV6_PKTINFO, IPV6_TCLASS};
    for abi in [Abi::X86_64, Abi::I686] {
        for filler in [0usize, 3000] {
            let mut buf = std::vec![0u8; 4096];
            let mut w = CmsgWriter::new(&mut buf, abi);
            if filler > 0 {
                w.put_cmsg(SOL_IP, 99, &std::vec![7u8; filler]);
            }
            w.put_cmsg(SOL_IPV6, IPV6_TCLASS, &abi.endian.u32_bytes(0x2e));
            w.put_cmsg(SOL_IPV6, IPV6_PKTINFO, &[9; 20]);
            let n = w.len();
            let m = Message::decode_with(&abi, &buf[..n], MSG_ERRQUEUE, &[], &[]);
            assert_eq!(m.tclass(), Some(0x2e), "{} {filler}", abi.name);
            assert_eq!(m.tclass(), m.companions().tclass);
            assert_eq!(m.pktinfo6(), m.companions().pktinfo6);
            assert!(m.pktinfo6().is_some());
            assert_eq!(m.opt_stats(), None);
        }
    }
}
