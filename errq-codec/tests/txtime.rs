//! `SO_TXTIME` drop reports, built byte for byte as the kernel writes them.
//!
//! Only the etf qdisc reports a dropped `SCM_TXTIME` packet, and this kernel has no etf, so
//! these messages cannot be made live here. `report_sock_error` (net/sched/sch_etf.c) fills
//! the `sock_extended_err` of a clone of the packet: `ee_errno` = `ECANCELED` for a missed
//! deadline (`ee_code` `SO_EE_CODE_TXTIME_MISSED` 2) or `EINVAL` for an invalid time
//! (`SO_EE_CODE_TXTIME_INVALID_PARAM` 1), `ee_origin` `SO_EE_ORIGIN_TXTIME` 6, `ee_type` 0,
//! `ee_info` the low and `ee_data` the high 32 bits of the packet's txtime, and queues it
//! with `sock_queue_err_skb`. `ip_recv_error` (net/ipv4/ip_sockglue.c) then writes the
//! `IP_RECVERR` record: the 16-byte error and a `sockaddr_in` offender zeroed (AF_UNSPEC),
//! since only ICMP errors carry one; `ipv6_recv_error` the same with a `sockaddr_in6`.

// Test code: the txtime halves are split with casts as the kernel's u32 fields hold them,
// and the buffers are indexed at offsets the test itself wrote.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use errq_codec::abi::Abi;
use errq_codec::cmsg::CmsgWriter;
use errq_codec::ee::{Origin, SockExtendedErr};
use errq_codec::errno::{Code, Errno};
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;

/// The control buffer `ip_recv_error`/`ipv6_recv_error` writes for a txtime drop.
fn drop_report(abi: &Abi, v6: bool, code: u8, errno: Code, txtime: u64) -> Vec<u8> {
    let e = abi.endian;
    let mut data = Vec::new();
    data.extend_from_slice(&e.u32_bytes(errno.raw(abi.errno).unwrap()));
    data.extend_from_slice(&[6, 0, code, 0]); // origin TXTIME, type 0, code, pad
    data.extend_from_slice(&e.u32_bytes(txtime as u32)); // ee_info: low 32 bits
    data.extend_from_slice(&e.u32_bytes((txtime >> 32) as u32)); // ee_data: high 32 bits
    data.extend_from_slice(&if v6 {
        [0u8; 28].to_vec()
    } else {
        [0u8; 16].to_vec()
    });
    let mut buf = vec![0u8; 128];
    let mut w = CmsgWriter::new(&mut buf, *abi);
    let (level, kind) = if v6 { (41, 25) } else { (0, 11) };
    w.push(level, kind, &data).unwrap();
    let n = w.len();
    buf.truncate(n);
    buf
}

#[test]
fn missed_deadline_on_64_and_32_bit_ipv4_and_ipv6() {
    let txtime = 0x0000_0123_4567_89ab_u64;
    for abi in [&Abi::X86_64, &Abi::I686, &Abi::S390X, &Abi::MIPS] {
        for v6 in [false, true] {
            let control = drop_report(abi, v6, 2, Code::ECANCELED, txtime);
            // The record length: the header, 16 bytes of error, the zeroed offender.
            let expected = abi.cmsg_len(16 + if v6 { 28 } else { 16 });
            assert!(control.len() >= expected, "{}", abi.name);
            let m = Message::decode_with(abi, &control, 0x2000, &[], &[]);
            assert_eq!(m.problem(), None, "{}: {m}", abi.name);
            let ee: SockExtendedErr = m.error().expect("the error record").ee;
            assert_eq!(ee.origin, Origin::TXTIME);
            assert_eq!(ee.errno, Errno::new(ee.errno.raw, abi.errno));
            assert!(ee.errno.is_code(Code::ECANCELED), "{}", abi.name);
            assert_eq!((ee.kind, ee.code), (0, 2));
            assert_eq!((ee.info, ee.data), (0x4567_89ab, 0x123));
            assert_eq!(m.offender(), None, "no offender: not an ICMP error");
            assert_eq!(m.destination(), None);
            let Some(Meaning::TxTime(t)) = m.meaning() else {
                panic!("{}: not a txtime drop: {m}", abi.name)
            };
            assert_eq!(t.txtime, txtime);
            assert!(t.missed() && !t.invalid_param());
            assert_eq!(m.meaning().and_then(|m| m.errno()), Some(ee.errno));
        }
    }
}

#[test]
fn invalid_parameter() {
    let abi = &Abi::X86_64;
    let control = drop_report(abi, false, 1, Code::EINVAL, u64::MAX);
    let m = Message::decode_with(abi, &control, 0x2000, &[], &[]);
    let Some(Meaning::TxTime(t)) = m.meaning() else {
        panic!("not a txtime drop: {m}")
    };
    assert!(t.invalid_param() && !t.missed());
    assert_eq!(t.txtime, u64::MAX);
    assert!(t.errno.is_code(Code::EINVAL));
    assert!(m.to_string().contains("EINVAL"), "{m}");
}

/// The kernel's `put_cmsg` cuts the record to the control buffer it was given (and sets
/// `MSG_CTRUNC`): with room for the header and the 16-byte error the drop still reads, with
/// less it is reported as a problem, never misread.
#[test]
fn every_cut_is_reported_not_misread() {
    let abi = &Abi::X86_64;
    let whole = drop_report(abi, false, 2, Code::ECANCELED, 42);
    let data = &whole[16..16 + 32];
    for len in 0..=whole.len() {
        let mut buf = vec![0u8; len];
        let mut w = CmsgWriter::new(&mut buf, *abi);
        let complete = w.put_cmsg(0, 11, data);
        let n = w.len();
        let flags = 0x2000 | if complete { 0 } else { 0x8 };
        let m = Message::decode_with(abi, &buf[..n], flags, &[], &[]);
        match m.meaning() {
            Some(Meaning::TxTime(t)) => {
                assert!(len >= 16 + 16, "cut at {len} read as a whole error");
                assert_eq!(t.txtime, 42);
            }
            None => assert!(
                len < 16 + 16 && (len < 16 || m.problem().is_some()),
                "cut at {len}: no meaning and problem {:?}",
                m.problem()
            ),
            Some(other) => panic!("cut at {len} read as {other:?}"),
        }
        if (16..whole.len()).contains(&len) {
            assert!(m.problem().is_some(), "cut at {len} is reported");
        }
    }
}
