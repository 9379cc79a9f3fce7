//! Target `structured`: a whole message built from arbitrary records with [`CmsgWriter`]
//! (as the kernel's `put_cmsg` writes them, the last one cut short when the buffer ends),
//! for an ABI the input chooses; then the one-pass [`Message`] is checked against the
//! record-by-record walk ([`Records`]) and the writer against the header walk ([`Cmsgs`]).
//!
//! Input: an ABI ([`choose_abi`]), two bytes of control-buffer size (little-endian, at most
//! 4096), then records: one selector byte (which `level`/`type`: a table of every pair
//! errq decodes, with the ABI's socket numbers, or 8 more bytes of arbitrary
//! `level`/`type`), one length byte (below 0xC0: the size the kernel writes for that type;
//! else 0..=63, or a longer record from one more byte), then the data from the input
//! (zero-filled when the input runs out). Selector bit 6 on an error record writes a real
//! offender family, so that the error decodes more often.

use errq_codec::abi::Abi;
use errq_codec::cmsg::{CmsgWriter, Cmsgs};
use errq_codec::error::Error;
use errq_codec::error::Structure;
use errq_codec::message::{Companions, Message};
use errq_codec::record::consts::*;
use errq_codec::record::{Record, Records};

use super::abi_choice::choose_abi;

/// `MSG_ERRQUEUE` and `MSG_CTRUNC`.
const MSG_ERRQUEUE: i32 = 0x2000;
const MSG_CTRUNC: i32 = 8;

/// `(level, type, kernel's data size)`; the socket-level ones are filled from the ABI.
fn table(abi: &Abi) -> [(i32, i32, usize); 27] {
    let s = abi.socket;
    let t = abi.time_t.bytes();
    [
        (SOL_IP, IP_RECVERR, 32),
        (SOL_IPV6, IPV6_RECVERR, 44),
        (SOL_PACKET, PACKET_TX_TIMESTAMP, 16),
        (SOL_IP, IP_TTL, 4),
        (SOL_IP, IP_TOS, 1),
        (SOL_IP, IP_PKTINFO, 12),
        (SOL_IP, IP_RECVOPTS, 8),
        (SOL_IP, IP_RETOPTS, 12),
        (SOL_IP, IP_ORIGDSTADDR, 16),
        (SOL_IP, IP_CHECKSUM, 4),
        (SOL_IP, IP_RECVFRAGSIZE, 4),
        (SOL_IPV6, IPV6_PKTINFO, 20),
        (SOL_IPV6, IPV6_HOPLIMIT, 4),
        (SOL_IPV6, IPV6_TCLASS, 4),
        (SOL_IPV6, IPV6_FLOWINFO, 4),
        (SOL_IPV6, IPV6_PATHMTU, 32),
        (SOL_IPV6, IPV6_ORIGDSTADDR, 28),
        (SOL_IPV6, IPV6_RECVFRAGSIZE, 4),
        (SOL_IPV6, IPV6_HOPOPTS, 8),
        (SOL_IPV6, IPV6_DSTOPTS, 8),
        (s.sol_socket, s.timestamp_old, 2 * t),
        (s.sol_socket, s.timestampns_old, 2 * t),
        (s.sol_socket, s.timestamping_old, 6 * t),
        (s.sol_socket, s.timestamp_new, 16),
        (s.sol_socket, s.timestampns_new, 16),
        (s.sol_socket, s.timestamping_new, 48),
        (s.sol_socket, s.timestamping_opt_stats, 12),
    ]
}

/// Take `n` bytes from the front of `rest` (fewer if it runs out).
fn take<'a>(rest: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (a, b) = rest.split_at(n.min(rest.len()));
    *rest = b;
    a
}

/// The companions as the record-by-record walk gives them: the last record of each kind.
/// Written out here, apart from `Message`, as the reference the one-pass walk must match.
fn reference_companions<'a>(records: &[Result<Record<'a>, Error>]) -> Companions<'a> {
    let mut c = Companions::default();
    for r in records.iter().flatten().cloned() {
        match r {
            Record::Error(..) => {}
            Record::Timestamping(t) => c.timestamping = Some(t),
            Record::Timestamp(l, t) => c.timestamp = Some((l, t)),
            Record::TimestampNs(l, t) => c.timestampns = Some((l, t)),
            Record::OptStats(a) => c.opt_stats = Some(a),
            Record::Ttl(v) => c.ttl = Some(v),
            Record::Tos(v) => c.tos = Some(v),
            Record::Pktinfo(p) => c.pktinfo = Some(p),
            Record::RecvOpts(o) => c.recv_opts = Some(o),
            Record::RetOpts(o) => c.ret_opts = Some(o),
            Record::OrigDstAddr(a) => c.orig_dst = Some(a.into()),
            Record::OrigDstAddr6(a) => c.orig_dst = Some(a.into()),
            Record::Checksum(v) => c.checksum = Some(v),
            Record::FragSize(v) | Record::FragSize6(v) => c.frag_size = Some(v),
            Record::Pktinfo6(p) => c.pktinfo6 = Some(p),
            Record::HopLimit(v) => c.hop_limit = Some(v),
            Record::TrafficClass(v) => c.tclass = Some(v),
            Record::FlowInfo(v) => c.flowinfo = Some(v),
            Record::PathMtu(m) => c.path_mtu = Some(m),
            Record::TimestampingPktinfo(p) => c.timestamping_pktinfo = Some(p),
            // IPv6 extension-header records by their RFC 3542 and RFC 2292 numbers.
            Record::Ipv6ExtHeader(h) => match h.cmsg_type() {
                54 | 3 => c.hop_opts = Some(h),
                59 | 4 => c.dst_opts = Some(h),
                55 => c.rthdr_dst_opts = Some(h),
                57 | 5 => c.rthdr = Some(h),
                _ => c.others += 1,
            },
            _ => c.others += 1,
        }
    }
    c
}

/// Target `structured`; see the [module docs](self).
pub fn structured(data: &[u8]) {
    let (abi, rest) = choose_abi(data);
    let Some((size, mut rest)) = rest.split_first_chunk::<2>() else {
        return;
    };
    let size = usize::from(u16::from_le_bytes(*size)) % 4097;
    let table = table(&abi);
    let mut buf = vec![0u8; size];
    let mut w = CmsgWriter::new(&mut buf, abi);
    // What was written whole, and the record cut short at the end (if any).
    let mut whole: Vec<(i32, i32, Vec<u8>)> = Vec::new();
    let mut cut: Option<(i32, i32, Vec<u8>)> = None;
    let mut scratch = [0u8; 320];
    while let Some((&selector, r)) = rest.split_first() {
        rest = r;
        let index = usize::from(selector & 0x3f);
        let (level, kind, natural) = match table.get(index) {
            Some(&entry) => entry,
            None => {
                let b = take(&mut rest, 8);
                let mut a = [0u8; 8];
                a[..b.len()].copy_from_slice(b);
                let level = i32::from_le_bytes([a[0], a[1], a[2], a[3]]);
                let kind = i32::from_le_bytes([a[4], a[5], a[6], a[7]]);
                (level, kind, 0)
            }
        };
        let len = match take(&mut rest, 1) {
            [l] if *l < 0xC0 => natural,
            [l] if *l < 0xFF => usize::from(*l - 0xC0),
            [_] => 64 + usize::from(take(&mut rest, 1).first().copied().unwrap_or(0)),
            _ => natural,
        };
        let len = len.min(scratch.len());
        let d = &mut scratch[..len];
        d.fill(0);
        let src = take(&mut rest, len);
        d[..src.len()].copy_from_slice(src);
        if selector & 0x40 != 0
            && len >= 18
            && matches!(
                (level, kind),
                (SOL_IP, IP_RECVERR) | (SOL_IPV6, IPV6_RECVERR)
            )
        {
            let family: u16 = if level == SOL_IP { 2 } else { 10 };
            d[16..18].copy_from_slice(&abi.endian.u16_bytes(family));
        }
        let before = w.len();
        if w.put_cmsg(level, kind, d) {
            whole.push((level, kind, d.to_vec()));
        } else {
            // The kernel's behaviour: a header with what fits, or nothing without room for
            // a header; MSG_CTRUNC either way. The walk ends with the buffer.
            assert!(w.ctrunc());
            if w.len() > before {
                let data_len = w.len() - before - abi.cmsg_header_len();
                cut = Some((level, kind, d[..data_len].to_vec()));
            }
            break;
        }
    }
    let ctrunc = w.ctrunc();
    let control = w.as_bytes();

    // The writer against the header walk: the records as pushed, in order, and nothing else.
    let walked: Vec<_> = Cmsgs::new(control, abi).collect();
    let expected: Vec<_> = whole.iter().chain(cut.as_ref()).collect();
    assert_eq!(walked.len(), expected.len(), "{}: records walked", abi.name);
    for (got, (level, kind, data)) in walked.iter().zip(expected) {
        let c = got.expect("a written record walks");
        assert_eq!((c.level, c.kind, c.data), (*level, *kind, &data[..]));
    }

    // The one-pass message against the record-by-record walk.
    let flags = MSG_ERRQUEUE | if ctrunc { MSG_CTRUNC } else { 0 };
    let m = Message::decode_with(&abi, control, flags, &[], b"");
    let records: Vec<_> = Records::new(control, abi).collect();
    let from_message: Vec<_> = m.records().collect();
    assert_eq!(from_message, records);
    let problem = records.iter().find_map(|r| r.as_ref().err().copied());
    match problem {
        // The first record error is the message's problem...
        Some(p) => assert_eq!(m.problem(), Some(p), "{}: first problem", abi.name),
        // ...else only the error record's offender can be one (cut under MSG_CTRUNC).
        None => assert!(
            m.problem()
                .map_or(true, |p| p.structure() == Structure::Offender),
            "{}: problem {:?} with every record whole",
            abi.name,
            m.problem()
        ),
    }
    let error = records.iter().rev().find_map(|r| match r {
        Ok(Record::Error(level, e)) => Some((*level, *e)),
        _ => None,
    });
    assert_eq!(m.error(), error.map(|(_, e)| e), "{}: the error", abi.name);
    assert_eq!(m.error_level(), error.map(|(l, _)| l));
    let companions = reference_companions(&records);
    assert_eq!(m.companions(), companions, "{}: companions", abi.name);
    assert_eq!(
        (
            m.ttl(),
            m.tos(),
            m.pktinfo(),
            m.hop_limit(),
            m.timestamping()
        ),
        (
            companions.ttl,
            companions.tos,
            companions.pktinfo,
            companions.hop_limit,
            companions.timestamping
        )
    );
    assert_eq!(m.control_truncated(), ctrunc);
    super::show(&m);
}
