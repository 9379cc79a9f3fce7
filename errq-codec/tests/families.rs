//! The error queues beyond IP: vsock, CAN raw, J1939, Bluetooth (and AF_PACKET), each
//! message built byte for byte as the kernel writes it, on the 64-bit and the 32-bit
//! (`Abi::I686`, a 32-bit task) layout, and checked field by field.
//!
//! None of these families can be made live on this machine (no vsock transport, no CAN
//! device, no Bluetooth controller): the bytes are written here by hand, independently of
//! the codec's encoders, following the kernel functions named at each builder.
//! `sock_recv_errqueue` (`net/core/sock.c`) is the common path: the payload is the error
//! skb's data, `sock_recv_timestamp` adds `SO_TIMESTAMPING` (only with
//! `SOF_TIMESTAMPING_SOFTWARE`) and, inside the same `if (!empty)`,
//! `SCM_TIMESTAMPING_OPT_STATS` when the skb carries statistics; then `put_cmsg(msg, level,
//! type, sizeof(serr->ee), &serr->ee)`: the bare 16-byte `sock_extended_err`.

// Test code: indexing and arithmetic on known-small values; a panic is a test failure.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use errq_codec::abi::Abi;
use errq_codec::cmsg::CmsgWriter;
use errq_codec::ee::Origin;
use errq_codec::error::{Error, Reason, Structure};
use errq_codec::j1939::{J1939State, J1939Stats};
use errq_codec::level::Level;
use errq_codec::meaning::Meaning;
use errq_codec::message::{Message, MSG_CTRUNC, MSG_ERRQUEUE};
use errq_codec::optstats::OptStats;
use errq_codec::payload::{Payload, PayloadKind};
use errq_codec::record::{Record, Records};
use errq_codec::timestamp::{Timespec, TstampKind};

const ABIS: [Abi; 2] = [Abi::X86_64, Abi::I686];
const ENOMSG: u32 = 42;
const EMSGSIZE: u32 = 90;
const ETIME: u32 = 62;

/// `put_cmsg` (`net/core/scm.c`) for a 64-bit task, `put_cmsg_compat` (`net/compat.c`) for
/// a 32-bit one: `cmsg_len` = header + data, the next record at `CMSG_ALIGN`.
fn put(buf: &mut Vec<u8>, abi: &Abi, level: i32, kind: i32, data: &[u8]) {
    let word = abi.word.bytes();
    let len = word + 8 + data.len();
    if word == 8 {
        buf.extend((len as u64).to_le_bytes());
    } else {
        buf.extend((len as u32).to_le_bytes());
    }
    buf.extend(level.to_le_bytes());
    buf.extend(kind.to_le_bytes());
    buf.extend(data);
    while buf.len() % word != 0 {
        buf.push(0);
    }
}

/// `struct sock_extended_err`, host order (little-endian here).
fn ee(errno: u32, origin: u8, info: u32, data: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&errno.to_le_bytes());
    b[4] = origin;
    b[8..12].copy_from_slice(&info.to_le_bytes());
    b[12..].copy_from_slice(&data.to_le_bytes());
    b
}

/// `SO_TIMESTAMPING_OLD` (37) as `put_cmsg_scm_timestamping` writes it: three `timespec` of
/// the task's `long` (`old_timespec32` for a 32-bit task), only `ts[0]` (software) set.
fn timestamping(buf: &mut Vec<u8>, abi: &Abi, sec: i64, nsec: i64) {
    let mut d = Vec::new();
    for i in 0..3 {
        let (s, n) = if i == 0 { (sec, nsec) } else { (0, 0) };
        if abi.time_t.bytes() == 8 {
            d.extend(s.to_le_bytes());
            d.extend(n.to_le_bytes());
        } else {
            d.extend((s as i32).to_le_bytes());
            d.extend((n as i32).to_le_bytes());
        }
    }
    put(buf, abi, 1, 37, &d);
}

/// One netlink attribute as `nla_put` writes it: `nla_len` = 4 + payload, padded to 4.
fn nla(out: &mut Vec<u8>, kind: u16, payload: &[u8]) {
    out.extend(((4 + payload.len()) as u16).to_le_bytes());
    out.extend(kind.to_le_bytes());
    out.extend(payload);
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

/// The statistics `j1939_sk_get_timestamping_opt_stats` (`net/can/j1939/socket.c`) builds
/// for a TX or RX DPO/abort report: `nla_put_u32(J1939_NLA_BYTES_ACKED)`.
fn j1939_tx_stats(bytes_acked: u32) -> Vec<u8> {
    let mut s = Vec::new();
    nla(&mut s, 1, &bytes_acked.to_le_bytes());
    s
}

/// The same for an RX RTS report: TOTAL_SIZE u32, PGN u32, SRC_NAME and DEST_NAME with
/// `nla_put_u64_64bit` (no pad attribute on x86, which has efficient unaligned access),
/// SRC_ADDR and DEST_ADDR u8.
fn j1939_rts_stats() -> Vec<u8> {
    let mut s = Vec::new();
    nla(&mut s, 2, &1785u32.to_le_bytes());
    nla(&mut s, 3, &0x0000_fef1_u32.to_le_bytes());
    nla(&mut s, 4, &0xa000_8200_1234_5678u64.to_le_bytes());
    nla(&mut s, 5, &0x8000_0000_0000_0001u64.to_le_bytes());
    nla(&mut s, 6, &[0x80]);
    nla(&mut s, 7, &[0x20]);
    s
}

/// A message as `__j1939_sk_errqueue` queues it and `sock_recv_errqueue` returns it:
/// `SO_TIMESTAMPING` (skb->tstamp = `ktime_get_real()`), `SCM_TIMESTAMPING_OPT_STATS` (the
/// stats skb's data, `serr->opt_stats` = true), the error under `SOL_CAN_J1939` /
/// `SCM_J1939_ERRQUEUE`; the payload is the same statistics.
fn j1939(abi: &Abi, errno: u32, origin: u8, info: u32, key: u32, stats: &[u8]) -> Vec<u8> {
    let mut c = Vec::new();
    timestamping(&mut c, abi, 1_700_000_000, 5);
    put(&mut c, abi, 1, 54, stats);
    put(&mut c, abi, 107, 4, &ee(errno, origin, info, key));
    c
}

fn decode<'a>(abi: &Abi, control: &'a [u8], payload: &'a [u8]) -> Message<'a> {
    Message::decode_with(abi, control, MSG_ERRQUEUE, &[], payload)
}

/// Every cut of `control` (as `put_cmsg` cuts under `MSG_CTRUNC`): no panic, the error only
/// when whole, and when it is missing either the cut fell between records or
/// `problem()` says what was cut.
fn every_cut(abi: &Abi, control: &[u8], payload: &[u8]) {
    let full = decode(abi, control, payload);
    let boundaries: Vec<usize> = errq_codec::cmsg::Cmsgs::new(control, *abi)
        .map(|c| c.unwrap().offset)
        .collect();
    for cut in 0..control.len() {
        let m = Message::decode_with(
            abi,
            &control[..cut],
            MSG_ERRQUEUE | MSG_CTRUNC,
            &[],
            payload,
        );
        assert!(m.error().is_none(), "{} cut {cut}", abi.name);
        if !boundaries.contains(&cut) {
            assert!(m.problem().is_some(), "{} cut {cut}: silent", abi.name);
            assert!(m.to_string().contains("truncated"), "{}", m);
        }
        // Whole records before the cut are kept.
        if boundaries.len() > 1 && cut >= boundaries[1] {
            assert_eq!(
                m.timestamping(),
                full.timestamping(),
                "{} cut {cut}",
                abi.name
            );
        }
    }
}

/// Encode every decoded record again: the same bytes.
fn round_trip(abi: &Abi, control: &[u8]) {
    let mut out = vec![0u8; control.len() + 64];
    let mut w = CmsgWriter::new(&mut out, *abi);
    for r in Records::new(control, *abi) {
        r.unwrap().encode(&mut w).unwrap();
    }
    assert_eq!(w.as_bytes(), control, "{}", abi.name);
}

#[test]
fn vsock_zerocopy_completion() {
    // `__msg_zerocopy_callback` (net/core/skbuff.c): errno 0, origin ZEROCOPY, info..=data
    // the range, code COPIED when copied; read by `vsock_connectible_recvmsg` →
    // `sock_recv_errqueue(sk, msg, len, SOL_VSOCK, VSOCK_RECVERR)`. No timestamp.
    for abi in &ABIS {
        let mut c = Vec::new();
        let mut e = ee(0, 5, 3, 7);
        e[6] = 1; // SO_EE_CODE_ZEROCOPY_COPIED
        put(&mut c, abi, 287, 1, &e);
        assert_eq!(c.len(), abi.word.bytes() + 8 + 16);
        let m = decode(abi, &c, &[]);
        assert_eq!(m.error_level(), Some(Level::VSOCK));
        let err = m.error().unwrap();
        assert_eq!(
            (err.ee.errno.raw, err.ee.origin, err.ee.code),
            (0, Origin::ZEROCOPY, 1)
        );
        assert_eq!((err.ee.info, err.ee.data), (3, 7));
        assert!(err.offender_bytes.is_empty());
        assert_eq!(m.offender(), None);
        let Some(Meaning::Zerocopy(z)) = m.meaning() else {
            panic!("{m}")
        };
        assert_eq!((z.lo, z.hi, z.copied, z.count()), (3, 7, true, 5));
        assert_eq!(m.problem(), None);
        assert_eq!(m.payload_kind(None), PayloadKind::Frame);
        assert_eq!(m.read_payload(None), Ok(Payload::Empty));
        assert_eq!(m.to_string(), "zerocopy completion 3..=7 (copied)");
        round_trip(abi, &c);
        every_cut(abi, &c, &[]);
    }
}

#[test]
fn can_raw_tx_timestamps() {
    // `__skb_tstamp_tx` → `__skb_complete_tx_timestamp` (net/core/skbuff.c): errno ENOMSG,
    // origin TIMESTAMPING, info SCM_TSTAMP_*, data the OPT_ID key; the payload is the sent
    // skb: a `struct can_frame` (can_id, len, pad, res, len8_dlc, data[8]) without
    // OPT_TSONLY. Read by `raw_recvmsg` (net/can/raw.c) →
    // `sock_recv_errqueue(sk, msg, size, SOL_CAN_RAW, SCM_CAN_RAW_ERRQUEUE)`.
    let frame = [0x23, 0x01, 0, 0, 2, 0, 0, 0, 0xde, 0xad, 0, 0, 0, 0, 0, 0];
    for abi in &ABIS {
        for (kind, key) in [(TstampKind::SND, 0), (TstampKind::COMPLETION, 1)] {
            let mut c = Vec::new();
            timestamping(&mut c, abi, 1_700_000_001, 250);
            put(&mut c, abi, 101, 1, &ee(ENOMSG, 4, kind.0, key));
            let m = decode(abi, &c, &frame);
            assert_eq!(m.error_level(), Some(Level::CAN_RAW));
            let Some(Meaning::Timestamp(t)) = m.meaning() else {
                panic!("{m}")
            };
            assert_eq!((t.kind, t.key), (kind, key));
            assert_eq!(
                t.timestamps.unwrap().ts[0],
                Timespec {
                    sec: 1_700_000_001,
                    nsec: 250
                }
            );
            assert_eq!(m.payload_kind(None), PayloadKind::Frame);
            assert_eq!(m.read_payload(None), Ok(Payload::Frame(&frame)));
            // A CAN frame is not an Ethernet frame: reading it as one is refused.
            assert_eq!(
                m.quoted(PayloadKind::TxTimestamp),
                Err(Error::malformed(
                    Structure::Payload,
                    Reason::KindDoesNotApply {
                        asked: PayloadKind::TxTimestamp,
                        holds: PayloadKind::Frame
                    }
                ))
            );
            assert_eq!(m.problem(), None);
            assert_eq!(
                m.to_string(),
                format!("TX timestamp {kind} key {key}, at 1700000001.000000250")
            );
            round_trip(abi, &c);
            every_cut(abi, &c, &frame);
        }
    }
}

#[test]
fn bluetooth_tx_timestamps() {
    // `hci_conn_tx_dequeue`/`skb_tstamp_tx` (net/bluetooth/hci_conn.c, Linux 6.14+): SND when
    // the packet goes to the driver, COMPLETION when the controller reports it sent
    // (`__skb_tstamp_tx` with SCM_TSTAMP_COMPLETION); read by `bt_sock_recvmsg`
    // (net/bluetooth/af_bluetooth.c) → `sock_recv_errqueue(sk, msg, len, SOL_BLUETOOTH,
    // BT_SCM_ERROR)`. With OPT_TSONLY the payload is empty.
    for abi in &ABIS {
        let mut c = Vec::new();
        timestamping(&mut c, abi, 1_700_000_002, 0);
        put(&mut c, abi, 274, 4, &ee(ENOMSG, 4, 3, 9));
        let m = decode(abi, &c, &[]);
        assert_eq!(m.error_level(), Some(Level::BLUETOOTH));
        let Some(Meaning::Timestamp(t)) = m.meaning() else {
            panic!("{m}")
        };
        assert_eq!((t.kind, t.key), (TstampKind::COMPLETION, 9));
        assert_eq!(m.read_payload(None), Ok(Payload::Empty));
        assert_eq!(m.problem(), None);
        round_trip(abi, &c);
        every_cut(abi, &c, &[]);
    }
}

#[test]
fn j1939_reports_name_their_state() {
    // `__j1939_sk_errqueue` (net/can/j1939/socket.c), one message per state.
    for abi in &ABIS {
        let tx = j1939_tx_stats(14);
        let rts = j1939_rts_stats();
        let cases: [(u32, u8, u32, &[u8], J1939State); 6] = [
            (ENOMSG, 4, 1, &tx, J1939State::Tx(TstampKind::SCHED)),
            (ENOMSG, 4, 2, &tx, J1939State::Tx(TstampKind::ACK)),
            // TX abort: origin LOCAL, info J1939_EE_INFO_TX_ABORT, errno the session's
            // (here a peer abort mapped to EMSGSIZE: it must not read as an MTU).
            (EMSGSIZE, 1, 1, &tx, J1939State::TxAbort),
            (ENOMSG, 1, 2, &rts, J1939State::RxRts),
            (ENOMSG, 1, 3, &tx, J1939State::RxDpo),
            // RX abort after a local timeout: session->err = -ETIME, stored as is.
            ((-(ETIME as i32)) as u32, 1, 4, &tx, J1939State::RxAbort),
        ];
        for (errno, origin, info, stats, state) in cases {
            let c = j1939(abi, errno, origin, info, 77, stats);
            let m = decode(abi, &c, stats);
            assert_eq!(m.error_level(), Some(Level::CAN_J1939));
            let Some(Meaning::J1939(j)) = m.meaning() else {
                panic!("{m}")
            };
            assert_eq!(j.state, state, "{}", abi.name);
            assert_eq!((j.errno.raw, j.key), (errno, 77));
            assert_eq!(
                j.timestamps.unwrap().ts[0],
                Timespec {
                    sec: 1_700_000_000,
                    nsec: 5
                }
            );
            // Never a local EMSGSIZE, never an MTU.
            assert_eq!(m.meaning().unwrap().mtu(), None);
            assert!(!m.to_string().contains("local error"), "{m}");
            assert!(!m.to_string().contains("MTU"), "{m}");
            let s = j.stats.unwrap();
            if state == J1939State::RxRts {
                assert_eq!(
                    s,
                    J1939Stats {
                        bytes_acked: None,
                        total_size: Some(1785),
                        pgn: Some(0x0fef1),
                        src_name: Some(0xa000_8200_1234_5678),
                        dest_name: Some(0x8000_0000_0000_0001),
                        src_addr: Some(0x80),
                        dest_addr: Some(0x20),
                        others: 0,
                    }
                );
            } else {
                assert_eq!(s.bytes_acked, Some(14));
                assert_eq!(s.pgn, None);
            }
            // The statistics are J1939's, never read as TCP_NLA_*.
            assert!(matches!(m.opt_stats(), Some(OptStats::J1939(_))));
            assert_eq!(m.payload_kind(None), PayloadKind::OptStats);
            assert_eq!(
                m.payload_kind(Some(PayloadKind::Tcp)),
                PayloadKind::OptStats
            );
            assert_eq!(m.read_payload(None), Ok(Payload::OptStats(stats)));
            assert!(m.quoted(PayloadKind::Tcp).is_err());
            assert_eq!(m.problem(), None);
            round_trip(abi, &c);
            every_cut(abi, &c, stats);
        }
    }
}

#[test]
fn j1939_abort_errno_is_positive_whatever_the_sign() {
    let abi = Abi::X86_64;
    let tx = j1939_tx_stats(0);
    for (raw, want) in [((-(ETIME as i32)) as u32, ETIME), (EMSGSIZE, EMSGSIZE)] {
        let c = j1939(&abi, raw, 1, 1, 0, &tx);
        let m = decode(&abi, &c, &tx);
        let Some(Meaning::J1939(j)) = m.meaning() else {
            panic!()
        };
        assert_eq!(j.abort_errno().unwrap().raw, want);
        assert_eq!(m.meaning().unwrap().errno().unwrap().raw, want);
    }
    // The same LOCAL error under SOL_IP is a local EMSGSIZE with its MTU.
    let mut c = Vec::new();
    let mut e = [0u8; 32];
    e[..16].copy_from_slice(&ee(EMSGSIZE, 1, 1280, 0));
    put(&mut c, &abi, 0, 11, &e);
    let m = decode(&abi, &c, &[]);
    assert_eq!(m.meaning().unwrap().mtu(), Some(1280));
}

#[test]
fn packet_tx_timestamp_built() {
    // `packet_recvmsg` (net/packet/af_packet.c) → `sock_recv_errqueue(sk, msg, len,
    // SOL_PACKET, PACKET_TX_TIMESTAMP)`; the payload is the sent frame from its Ethernet
    // header (the live test `tests/tests/live_packet_ts.rs` reads a real one).
    let frame = {
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xb5];
        f.extend(b"errq");
        f
    };
    for abi in &ABIS {
        let mut c = Vec::new();
        timestamping(&mut c, abi, 5, 6);
        put(&mut c, abi, 263, 16, &ee(ENOMSG, 4, 0, 3));
        let m = decode(abi, &c, &frame);
        assert_eq!(m.error_level(), Some(Level::PACKET));
        assert_eq!(m.payload_kind(None), PayloadKind::TxTimestamp);
        let Ok(Payload::Link(l)) = m.read_payload(None) else {
            panic!()
        };
        assert_eq!((l.header.ethertype, l.network), (0x88b5, &b"errq"[..]));
        round_trip(abi, &c);
        every_cut(abi, &c, &frame);
    }
}

#[test]
fn unknown_levels_are_yielded_raw() {
    // A level with no error queue in the table (SOL_TIPC 271) holding 16 bytes: not an
    // error record, yielded as Record::Other, and the message says it has none.
    for abi in &ABIS {
        let mut c = Vec::new();
        put(&mut c, abi, 271, 1, &ee(ENOMSG, 4, 0, 0));
        let recs: Vec<_> = Records::new(&c, *abi).collect();
        assert!(matches!(recs[..], [Ok(Record::Other(o))] if o.level == 271));
        let m = decode(abi, &c, &[]);
        assert!(m.error().is_none());
        assert_eq!(m.to_string(), "no error record");
        // A record of an unknown level cannot be encoded as an error record.
        let bytes = ee(0, 0, 0, 0);
        let e = errq_codec::ee::ExtendedError::decode(&bytes, abi).unwrap();
        let mut out = [0u8; 64];
        let mut w = CmsgWriter::new(&mut out, *abi);
        assert!(Record::Error(Level(271), e).encode(&mut w).is_err());
    }
}

#[test]
fn bare_sol_ip_record_of_ktls_rds_ovpn() {
    // `tls_sw_recvmsg` (net/tls/tls_sw.c), `rds_recvmsg` (net/rds/recv.c) and
    // `ovpn_tcp_recvmsg` read their error queue with `sock_recv_errqueue(sk, msg, len, SOL_IP,
    // IP_RECVERR)`: the bare 16-byte error, no offender, whatever the socket's family. Here a
    // TX timestamp SND with key 12 after its SO_TIMESTAMPING record.
    for abi in &ABIS {
        let mut c = Vec::new();
        timestamping(&mut c, abi, 9, 10);
        put(&mut c, abi, 0, 11, &ee(ENOMSG, 4, 0, 12));
        let m = decode(abi, &c, &[]);
        assert_eq!(m.error_level(), Some(Level::IP));
        assert!(m.error().unwrap().offender_bytes.is_empty());
        let Some(Meaning::Timestamp(t)) = m.meaning() else {
            panic!("{m}")
        };
        assert_eq!((t.kind, t.key), (TstampKind::SND, 12));
        // Not a cut offender: that is how these sockets write it.
        assert_eq!(m.problem(), None);
        // The same bytes with MSG_CTRUNC: the kernel cut the record, the offender is lost.
        let m = Message::decode_with(abi, &c, MSG_ERRQUEUE | MSG_CTRUNC, &[], &[]);
        assert_eq!(
            m.problem(),
            Some(Error::truncated(Structure::Offender, 16, 0))
        );
    }
}
