//! MSG_ZEROCOPY completions on UDP and TCP over loopback: the ranges cover every send, and
//! the kernel reports COPIED (loopback delivery copies the pages).

use std::io::{IoSlice, Read};
use std::os::fd::AsFd;
use std::time::Duration;

use errq_codec::ee::Origin;
use errq_codec::meaning::Meaning;
use errq_sys::{set_so_zerocopy, SendMsg};
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::{tcp_pair, udp_pair};
use errq_tests::wait::recv_until;

const SENDS: u32 = 4;

/// Read completions until sends 0..SENDS are all covered (or 3 s pass); every entry is
/// checked field by field.
fn covered<Fd: AsFd>(fd: Fd) -> Vec<(u32, u32)> {
    let mut ranges = Vec::new();
    let mut count = 0u64;
    recv_until(fd, Duration::from_secs(3), |m| {
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
        count >= u64::from(SENDS)
    })
    .unwrap();
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
    let (_rx, tx) = udp_pair(&ns);
    set_so_zerocopy(&tx, true).unwrap();
    let data = [IoSlice::new(&[0x11u8; 1000])];
    for _ in 0..SENDS {
        let sent = SendMsg::new(&data).zerocopy().send(&tx).unwrap();
        assert_eq!(sent, 1000);
    }
    assert_contiguous(&covered(&tx));
}

#[test]
fn tcp_completions() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let (c, mut a) = tcp_pair(&ns);
    set_so_zerocopy(&c, true).unwrap();
    let data = vec![0x22u8; 10_000];
    for _ in 0..SENDS {
        let mut off = 0;
        while off < data.len() {
            let rest = [IoSlice::new(&data[off..])];
            off += SendMsg::new(&rest).zerocopy().send(&c).unwrap();
        }
    }
    let mut got = vec![0u8; data.len() * SENDS as usize];
    a.read_exact(&mut got).unwrap();
    assert!(got.iter().all(|&b| b == 0x22));
    let ranges = covered(&c);
    // A partial send would add a counter: each send here was taken whole.
    assert_contiguous(&ranges);
}
