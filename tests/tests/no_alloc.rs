//! No allocation on the decode and drain paths, proven with a counting global allocator:
//! every real x86_64 capture decoded in full (records, error, meaning, offender, destination,
//! companions, one-line display, payload, RFC 4884 extension objects), and a live loopback
//! error queue drained with `errq_sys::recv_error`, `RecvBuffers` and `BatchBuffers`, and the
//! trackers of `errq_codec::track` (alone on captured reports, and fed by a live drain).
//!
//! Only allocations made by the test's own thread while it is counting are counted, so the
//! test harness's other threads do not disturb it.

#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // test code

#[path = "../benches/support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::net::UdpSocket;

use errq_codec::abi::Abi;
use errq_codec::ext::ObjectData;
use errq_codec::level::Level;
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_codec::payload::{self, Payload, PayloadKind};
use errq_sys::{BatchBuffers, ControlBuffer, NameBuffer, RecvBuffers};

struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // try_with: the allocator can run while thread-locals are being torn down.
    let _ = ARMED.try_with(|armed| {
        if armed.get() {
            COUNT.with(|c| c.set(c.get() + 1));
        }
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; counting touches only
// const-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Run `f` and return what it returned and how many allocator calls it made.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    COUNT.with(|c| c.set(0));
    ARMED.with(|a| a.set(true));
    let r = f();
    ARMED.with(|a| a.set(false));
    (r, COUNT.with(Cell::get))
}

/// A `fmt::Write` into a fixed array: formatting with no heap.
struct Line {
    buf: [u8; 512],
    len: usize,
}

impl std::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Everything a user takes out of a message, folded into a number.
fn decode_all(c: &support::Capture, kind: PayloadKind, line: &mut Line) -> u64 {
    let m = Message::decode(c.control(), c.flags, &c.msg_name, &c.payload);
    let mut acc = 0u64;
    let mut rfc4884 = 0;
    if let Some(e) = m.error() {
        acc += u64::from(e.ee.errno.raw) + u64::from(e.ee.origin.0);
        rfc4884 = e.ee.rfc4884().len;
        acc += u64::from(e.offender().is_some());
        acc += u64::from(e.ee.errno.name().is_some());
    }
    acc += u64::from(m.meaning().and_then(|x| x.mtu()).unwrap_or(0));
    acc += u64::from(m.destination().map_or(0, |d| d.port()));
    let comp = m.companions();
    acc += comp.ttl.unwrap_or(0) as u64 + u64::from(comp.tos.unwrap_or(0));
    acc += comp.others as u64;
    if let Some(stats) = comp.opt_stats.clone() {
        acc += stats.count() as u64;
    }
    acc += m.records().count() as u64;
    acc += u64::from(m.problem().is_some());
    acc += new_records(&m);
    line.len = 0;
    write!(line, "{m}").expect("the line fits");
    if let Some(meaning) = m.meaning() {
        write!(line, " / {meaning}").expect("the line fits");
    }
    acc += line.len as u64;
    let (_, ext) = payload::split_rfc4884(m.payload(), rfc4884);
    if let Some(Ok(ext)) = ext {
        acc += u64::from(ext.is_valid());
        for obj in ext.objects().flatten() {
            match obj.decode() {
                Ok(ObjectData::MplsLabelStack(s)) => acc += s.entries().count() as u64,
                Ok(ObjectData::InterfaceInformation(i)) => acc += u64::from(i.mtu.unwrap_or(0)),
                _ => acc += 1,
            }
        }
    }
    if let Ok(p) = Payload::parse(m.payload(), kind) {
        acc += p.ports().map_or(0, |(a, b)| u64::from(a) + u64::from(b));
        acc += p.data().map_or(0, |d| d.len() as u64);
    }
    acc
}

/// What the families, payload-kind and accessor work added, folded into a number.
fn new_records(m: &Message<'_>) -> u64 {
    let mut acc = m.problems().count() as u64;
    acc += u64::from(m.tclass().is_some()) + u64::from(m.pktinfo6().is_some());
    if let Some(stats) = m.opt_stats() {
        acc += stats.attrs().count() as u64;
        if let Some(Ok(j)) = stats.j1939() {
            acc += u64::from(j.total_size.unwrap_or(0));
        }
    }
    if let Some(Meaning::J1939(j)) = m.meaning() {
        acc += u64::from(j.key) + u64::from(j.stats.is_some());
    }
    acc += u64::from(m.error_level().and_then(Level::name).is_some());
    let kind = m.payload_kind(None);
    if let Ok(p) = m.read_payload(None) {
        acc += p.ports().map_or(0, |(a, b)| u64::from(a) + u64::from(b))
            + u64::from(p != Payload::Empty);
    }
    acc += u64::from(m.quoted(kind).is_ok());
    let probe = m.probe_auto(None);
    acc += u64::from(probe.echo.is_some());
    let c = m.companions();
    for h in [c.hop_opts, c.dst_opts, c.rthdr, c.rthdr_dst_opts]
        .into_iter()
        .flatten()
    {
        acc += h.headers().count() as u64;
    }
    acc += u64::from(c.timestamping_pktinfo.map_or(0, |p| p.pkt_length));
    acc
}

fn kind_of(name: &str) -> PayloadKind {
    if name.starts_with("tcp") && !name.contains("tstamp") {
        PayloadKind::Tcp
    } else if name.starts_with("ping4") || name.starts_with("raw4") {
        PayloadKind::Icmp { v6: false }
    } else if name.starts_with("ping6") || name.starts_with("raw6") {
        PayloadKind::Icmp { v6: true }
    } else if name.contains("tstamp") && !name.contains("tsonly") && !name.contains("new") {
        PayloadKind::TxTimestamp
    } else {
        PayloadKind::Udp
    }
}

#[test]
fn the_counter_counts() {
    let (b, n) = allocations(|| std::hint::black_box(Box::new([1u8; 64])));
    assert!(n >= 1 && b[0] == 1, "a Box was not counted");
}

#[test]
fn decoding_every_capture_allocates_nothing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../errq-codec/tests/captures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("captures")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_suffix(".x86_64.txt")?.to_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 40, "only {} captures", names.len());
    let mut line = Line {
        buf: [0; 512],
        len: 0,
    };
    for name in names {
        let name: &'static str = Box::leak(name.into_boxed_str());
        let c = support::load(name);
        let kind = kind_of(name);
        let (acc, n) = allocations(|| decode_all(&c, kind, &mut line));
        assert_eq!(n, 0, "{name}: decoding allocated {n} times");
        assert!(acc > 0, "{name}: nothing decoded");
    }
}

/// Messages of every new family and record (built as `families.rs` in errq-codec builds
/// them: J1939 RX RTS with its statistics, vsock zerocopy, CAN raw timestamp, an ICMPv6
/// error with extension-header, traffic-class and pktinfo companions, a
/// `SCM_TIMESTAMPING_PKTINFO` record), in the x86_64 layout, decode without allocating.
#[test]
fn decoding_the_new_families_allocates_nothing() {
    fn put(buf: &mut Vec<u8>, level: i32, kind: i32, data: &[u8]) {
        buf.extend(((16 + data.len()) as u64).to_le_bytes());
        buf.extend(level.to_le_bytes());
        buf.extend(kind.to_le_bytes());
        buf.extend(data);
        while buf.len() % 8 != 0 {
            buf.push(0);
        }
    }
    fn ee(errno: u32, origin: u8, info: u32, data: u32) -> Vec<u8> {
        let mut b = errno.to_le_bytes().to_vec();
        b.extend([origin, 0, 0, 0]);
        b.extend(info.to_le_bytes());
        b.extend(data.to_le_bytes());
        b
    }
    let mut stats = Vec::new();
    for (t, v) in [
        (2u16, &1785u32.to_le_bytes()[..]),
        (3, &0xfef1u32.to_le_bytes()),
        (4, &7u64.to_le_bytes()),
        (6, &[0x80]),
    ] {
        stats.extend(((4 + v.len()) as u16).to_le_bytes());
        stats.extend(t.to_le_bytes());
        stats.extend(v);
        while stats.len() % 4 != 0 {
            stats.push(0);
        }
    }
    let mut j1939 = Vec::new();
    put(&mut j1939, 1, 37, &[1; 48]);
    put(&mut j1939, 1, 54, &stats);
    put(&mut j1939, 107, 4, &ee(42, 1, 2, 5));
    let mut vsock = Vec::new();
    put(&mut vsock, 287, 1, &ee(0, 5, 1, 9));
    let mut can = Vec::new();
    put(&mut can, 1, 37, &[2; 48]);
    put(&mut can, 101, 1, &ee(42, 4, 3, 1));
    let mut v6 = Vec::new();
    put(&mut v6, 41, 67, &0x20i32.to_le_bytes());
    put(&mut v6, 41, 50, &[1; 20]);
    put(&mut v6, 41, 54, &[60, 0, 1, 4, 0, 0, 0, 0]);
    put(&mut v6, 41, 59, &[58, 0, 1, 4, 0, 0, 0, 0]);
    put(&mut v6, 41, 3, &[58, 0, 1, 4, 0, 0, 0, 0]);
    put(
        &mut v6,
        1,
        58,
        &[3, 0, 0, 0, 0xea, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let mut err6 = ee(111, 3, 0, 0);
    err6.extend([10, 0, 0, 0]);
    err6.extend([0; 24]);
    put(&mut v6, 41, 25, &err6);
    let name6 = {
        let mut n = vec![10, 0, 0x30, 0x39, 0, 0, 0, 0];
        n.extend(std::net::Ipv6Addr::LOCALHOST.octets());
        n.extend([0; 4]);
        n
    };
    let mut line = Line {
        buf: [0; 512],
        len: 0,
    };
    for (control, name, payload) in [
        (&j1939, &[][..], &stats[..]),
        (&vsock, &[], &[]),
        (&can, &[], &[0x23, 1, 0, 0, 2, 0, 0, 0][..]),
        (&v6, &name6[..], &b"probe"[..]),
    ] {
        let (acc, n) = allocations(|| {
            let m = Message::decode_with(&Abi::X86_64, control, 0x2000, name, payload);
            line.len = 0;
            write!(line, "{m}").expect("the line fits");
            new_records(&m) + line.len as u64 + m.records().count() as u64
        });
        assert_eq!(n, 0, "decoding allocated {n} times");
        assert!(acc > 0);
    }
}

/// Queue `n` port-unreachable errors on a loopback UDP socket with IP_RECVERR.
fn queue_errors(n: usize) -> Option<UdpSocket> {
    let s = UdpSocket::bind("127.0.0.1:0").ok()?;
    errq_sys::set_ip_recverr(&s, true).ok()?;
    let dest = support::closed_port("127.0.0.1");
    let mut sent = 0;
    let mut tries = 0;
    while sent < n && tries < 10 * n {
        tries += 1;
        // A queued error fails the next send once (SO_ERROR): send again.
        if s.send_to(b"probe", dest).is_ok() {
            sent += 1;
        }
    }
    support::wait_err(&s).ok()?;
    Some(s)
}

#[test]
fn draining_allocates_nothing() {
    // recv_error into caller-owned buffers.
    let s = queue_errors(3).expect("loopback port unreachable");
    let mut payload = [0u8; 256];
    let mut control = ControlBuffer::<512>::new();
    let mut name = NameBuffer::new();
    let (got, n) = allocations(|| {
        let mut got = 0;
        while let Ok(Some(r)) = errq_sys::recv_error(&s, &mut payload, &mut control, &mut name) {
            let m = r.message(&payload, &control, &name);
            got += usize::from(m.error().is_some_and(|e| e.offender().is_some()));
        }
        got
    });
    assert_eq!(n, 0, "recv_error allocated {n} times");
    assert!(got >= 1, "no error read");

    // RecvBuffers, one message per call.
    let s = queue_errors(3).expect("loopback port unreachable");
    let mut bufs = Box::new(RecvBuffers::<2048>::new());
    let (got, n) = allocations(|| {
        let mut got = 0;
        while let Ok(Some((_, m))) = bufs.recv_message(&s) {
            got += usize::from(m.error().is_some());
        }
        got
    });
    assert_eq!(n, 0, "RecvBuffers allocated {n} times");
    assert!(got >= 1, "no error read");

    // BatchBuffers, recvmmsg.
    let s = queue_errors(5).expect("loopback port unreachable");
    let mut batch: Box<BatchBuffers<4, 2048>> = Box::default();
    let (got, n) = allocations(|| {
        let mut got = 0;
        let r = batch.drain(&s, |_, m| got += usize::from(m.error().is_some()));
        (r.is_ok(), got)
    });
    assert_eq!(n, 0, "BatchBuffers allocated {n} times");
    assert!(got.0 && got.1 >= 1, "no error read: {got:?}");
}

/// The trackers of `errq_codec::track`: registering, feeding reports decoded from real
/// captures, completions, losses, expiry, the iterators and the error's `Display`.
#[test]
fn tracking_allocates_nothing() {
    use errq_codec::meaning::ZerocopyRange;
    use errq_codec::timestamp::TstampKind;
    use errq_codec::track::{
        Outcome, Stages, TimestampTracker, TrackError, TxReport, ZerocopyTracker,
    };
    use std::time::Duration;

    let sched = support::load("udp4_tstamp_sched");
    let snd = support::load("udp4_tstamp_tsonly");
    let zc = support::load("udp4_zerocopy");
    // Built before counting: the Box is the caller's choice, not the tracker's.
    let mut t: Box<TimestampTracker<u32, 256>> = Box::new(TimestampTracker::datagram());
    let mut z: Box<ZerocopyTracker<u32, 256>> = Box::new(ZerocopyTracker::new());
    let mut line = Line {
        buf: [0; 512],
        len: 0,
    };
    let (acc, n) = allocations(|| {
        let mut acc = 0u64;
        let m = Message::decode(
            sched.control(),
            sched.flags,
            &sched.msg_name,
            &sched.payload,
        );
        let first = TxReport::from_message(&m).expect("SCHED report");
        let m = Message::decode(snd.control(), snd.flags, &snd.msg_name, &snd.payload);
        let second = TxReport::from_message(&m).expect("SND report");
        assert_eq!(
            (first.stage, second.stage),
            (TstampKind::SCHED, TstampKind::SND)
        );
        let now = Duration::from_millis(1);
        for key in 0..1000u32 {
            t.register(key, Stages::SCHED | Stages::SND, key, now)
                .expect("room");
            // Every 7th send loses its SCHED report; the last one loses both.
            if key % 7 != 3 && key != 999 {
                let r = TxReport { key, ..first };
                acc += u64::from(matches!(t.feed(&r), Outcome::Stored { .. }));
            }
            if key != 999 {
                if let Outcome::Complete(rec) = t.feed(&TxReport { key, ..second }) {
                    acc += rec
                        .latency(TstampKind::SCHED, TstampKind::SND)
                        .map_or(1, |d| d.as_nanos() as u64 + 1);
                }
            }
            while let Some(lost) = t.pop_lost() {
                acc += u64::from(lost.lost.len());
            }
        }
        acc += t.pending().count() as u64;
        while let Some(gone) = t.expire(Duration::from_secs(1), Duration::ZERO) {
            acc += u64::from(gone.timed_out.len());
        }
        acc += t.stats().lost_reports + t.stats().completed;
        let m = Message::decode(zc.control(), zc.flags, &zc.msg_name, &zc.payload);
        let Some(errq_codec::meaning::Meaning::Zerocopy(range)) = m.meaning() else {
            panic!("not zerocopy")
        };
        for i in 0..=range.hi {
            z.register(i, now).expect("room");
        }
        acc += z
            .complete(range, counter_is_token)
            .expect("the captured range");
        for i in 0..100u32 {
            z.register(i, now).expect("room");
        }
        let lo = z.next_counter() - 100;
        acc += z
            .complete(
                ZerocopyRange {
                    lo: lo + 50,
                    hi: lo + 99,
                    copied: true,
                },
                |_, _| {},
            )
            .expect("possible");
        acc += z.overtaken() as u64 + z.pending().count() as u64;
        acc += z.older_than(Duration::from_secs(1), Duration::ZERO).count() as u64;
        let e = z
            .complete(
                ZerocopyRange {
                    lo: 0,
                    hi: 5,
                    copied: false,
                },
                |_, _| {},
            )
            .expect_err("already completed");
        // An io_uring completion, decoded and fed like a recvmsg report.
        let mut cqe = [0u8; 32];
        cqe[8..12].copy_from_slice(&5i32.to_ne_bytes());
        cqe[12..16].copy_from_slice(&(2u32 | 1 << 17).to_ne_bytes()); // MORE, SCHED
        cqe[16..24].copy_from_slice(&9u64.to_ne_bytes());
        let c = errq_codec::uring::TxTimestampCqe::decode(&cqe, errq_codec::abi::Endian::NATIVE)
            .expect("32 bytes");
        let errq_codec::uring::TxTimestampCompletion::Report { report: r, .. } =
            c.completion().expect("a valid time")
        else {
            panic!("a report")
        };
        t.register(2000, Stages::SCHED, 5, now).expect("room");
        acc += u64::from(matches!(
            t.feed(&TxReport { key: 2000, ..r }),
            Outcome::Complete(_)
        ));
        line.len = 0;
        write!(line, "{e} / {} / {c}", TrackError::Full { capacity: 1 }).expect("the line fits");
        acc += line.len as u64 + u64::from(z.stats().worth_keeping().unwrap_or(true));
        acc
    });
    assert_eq!(n, 0, "tracking allocated {n} times");
    assert!(acc > 1000, "nothing tracked: {acc}");
    // 999 sends got SND, 143 of them (key % 7 == 3) lost SCHED; and the io_uring one.
    assert_eq!(t.stats().completed, 999 - 143 + 1);
    assert!(t.is_empty());
}

/// Counter i was registered with token i.
fn counter_is_token(c: u32, token: u32) {
    assert_eq!(c, token);
}

/// A live drain of TX timestamps (loopback, no root needed) fed to the tracker.
#[test]
fn draining_into_the_tracker_allocates_nothing() {
    use errq_codec::track::{Outcome, Stages, TimestampTracker, TxReport};
    use errq_sys::Timestamping;
    use std::time::Duration;

    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    errq_sys::set_so_timestamping(
        &tx,
        Timestamping::TX_SOFTWARE
            | Timestamping::TX_SCHED
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_TSONLY,
    )
    .expect("SO_TIMESTAMPING");
    let to = rx.local_addr().expect("addr");
    let mut t: Box<TimestampTracker<u32, 64>> = Box::new(TimestampTracker::datagram());
    let mut batch: Box<BatchBuffers<16>> = Box::default();
    for key in 0..8u32 {
        tx.send_to(b"stamp", to).expect("send");
        t.register(key, Stages::SCHED | Stages::SND, key, Duration::ZERO)
            .expect("room");
    }
    support::wait_err(&tx).expect("reports");
    std::thread::sleep(Duration::from_millis(50));
    let (complete, n) = allocations(|| {
        let mut complete = 0;
        let r = batch.drain(&tx, |_, m| {
            if let Ok(report) = TxReport::from_message(&m) {
                complete += usize::from(matches!(t.feed(&report), Outcome::Complete(_)));
            }
        });
        (r.is_ok(), complete)
    });
    assert_eq!(n, 0, "drain + track allocated {n} times");
    assert_eq!(complete, (true, 8));
}

/// The send side: `SendRequests::encode` and `SendMsg::send` with every per-packet request
/// (timestamping flags, `SCM_TS_OPT_ID`, `SCM_TXTIME`) and the `SO_ERROR` retry path, and
/// decoding an io_uring completion, allocate nothing.
#[test]
fn sending_with_requests_allocates_nothing() {
    use errq_codec::send::SendRequests;
    use errq_codec::uring::{TxTimestampCompletion, TxTimestampCqe};
    use errq_sys::{SendMsg, SockTxtime, Timestamping, TxtimeFlags};
    use std::io::IoSlice;

    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    errq_sys::set_so_timestamping(&tx, Timestamping::SOFTWARE | Timestamping::OPT_ID)
        .expect("SO_TIMESTAMPING");
    errq_sys::set_so_txtime(
        &tx,
        SockTxtime {
            clockid: libc::CLOCK_MONOTONIC,
            flags: TxtimeFlags::default(),
        },
    )
    .expect("SO_TXTIME");
    errq_sys::set_recverr(&tx, true).expect("IP_RECVERR");
    let to = rx.local_addr().expect("addr");
    let dead = UdpSocket::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let requests = SendRequests::new()
        .timestamping(Timestamping::TX_SOFTWARE | Timestamping::TX_SCHED)
        .ts_opt_id(7)
        .txtime(1);
    let mut cqe = [0u8; 32];
    cqe[12..16].copy_from_slice(&2u32.to_ne_bytes());
    let (sent, n) = allocations(|| {
        let mut control = [0u8; 128];
        let mut sent = requests.encode(&Abi::NATIVE, &mut control).unwrap_or(0);
        for _ in 0..4 {
            let data = [IoSlice::new(b"probe")];
            // To the closed port (leaves an ICMP error pending), then to the live peer with
            // every request (the retry path runs when the error is still pending).
            let _ = SendMsg::new(&data).to(dead).send(&tx);
            sent += SendMsg::new(&data)
                .to(to)
                .requests(requests)
                .send(&tx)
                .unwrap_or(0);
        }
        let c = TxTimestampCqe::decode(&cqe, errq_codec::abi::Endian::NATIVE);
        if let Ok(Ok(TxTimestampCompletion::Report { .. })) = c.map(|c| c.completion()) {
            sent += 1;
        }
        sent
    });
    assert_eq!(n, 0, "sending allocated {n} times");
    assert!(sent > 4 * 5, "sent {sent}");
}
