//! MSG_ZEROCOPY completions on UDP and TCP over loopback: the ranges cover every send, and
//! the kernel reports COPIED (loopback delivery copies the pages).

use std::io::Read;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use errq_codec::ee::Origin;
use errq_codec::meaning::Meaning;
use errq_sys::{set_so_zerocopy, RecvBuffers};
use errq_tests::netns::{require_root, sock, wait_and_recv, Netns};

const SENDS: u32 = 4;

/// Read completions until sends 0..SENDS are all covered (or 3 s pass); every entry is
/// checked field by field.
fn covered<Fd: AsFd + Copy>(fd: Fd) -> Vec<(u32, u32)> {
    let mut b: RecvBuffers = RecvBuffers::new();
    let mut ranges = Vec::new();
    let mut count = 0u64;
    let deadline = Instant::now() + Duration::from_secs(3);
    while count < u64::from(SENDS) && Instant::now() < deadline {
        let Some(r) = wait_and_recv(fd, &mut b, Duration::from_millis(500)).unwrap() else {
            continue;
        };
        let m = b.message(&r);
        assert_eq!(m.problem(), None, "{m}");
        let ee = m.error().unwrap().ee;
        assert_eq!(ee.origin, Origin::ZEROCOPY);
        assert!(ee.errno.is_none(), "{m}");
        assert_eq!(m.destination(), None);
        assert_eq!(m.offender(), None);
        assert!(m.payload().is_empty());
        let Some(Meaning::Zerocopy(z)) = m.meaning() else {
            panic!("not zerocopy: {m}")
        };
        assert_eq!((z.lo, z.hi), (ee.info, ee.data));
        assert!(
            z.copied,
            "loopback copies: SO_EE_CODE_ZEROCOPY_COPIED expected"
        );
        count += z.count();
        ranges.push((z.lo, z.hi));
    }
    ranges
}

fn assert_contiguous(ranges: &[(u32, u32)]) {
    let mut next = 0;
    for &(lo, hi) in ranges {
        assert_eq!(lo, next, "{ranges:?}");
        assert!(hi >= lo);
        next = hi + 1;
    }
    assert_eq!(next, SENDS, "{ranges:?}");
}

#[test]
fn udp_completions() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let (rx, tx) = ns.run(|| {
        (
            UdpSocket::bind("127.0.0.1:0").unwrap(),
            UdpSocket::bind("127.0.0.1:0").unwrap(),
        )
    });
    set_so_zerocopy(&tx, true).unwrap();
    tx.connect(rx.local_addr().unwrap()).unwrap();
    let data = vec![0x11u8; 1000];
    for _ in 0..SENDS {
        assert_eq!(
            sock::send_to(&tx, &data, libc::MSG_ZEROCOPY, None).unwrap(),
            1000
        );
    }
    assert_contiguous(&covered(&tx));
}

#[test]
fn tcp_completions() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let (c, mut a) = ns.run(|| {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (a, _) = l.accept().unwrap();
        (c, a)
    });
    set_so_zerocopy(&c, true).unwrap();
    let data = vec![0x22u8; 10_000];
    for _ in 0..SENDS {
        let mut off = 0;
        while off < data.len() {
            off += sock::send_to(&c, &data[off..], libc::MSG_ZEROCOPY, None).unwrap();
        }
    }
    let mut got = vec![0u8; data.len() * SENDS as usize];
    a.read_exact(&mut got).unwrap();
    assert!(got.iter().all(|&b| b == 0x22));
    let ranges = covered(&c);
    // A partial send would add a counter: each send here was taken whole.
    assert_contiguous(&ranges);
}
