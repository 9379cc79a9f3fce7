//! TX timestamps on UDP and TCP over loopback (in a fresh namespace): SCHED, SND and ACK
//! entries with their OPT_ID keys, OPT_STATS on TCP, OPT_CMSG with IP_PKTINFO.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::AsFd;
use std::time::Duration;

use errq_codec::ee::Origin;
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_codec::optstats::TcpNla;
use errq_codec::payload::{Payload, PayloadKind};
use errq_codec::timestamp::TstampKind;
use errq_sys::{set_ip_pktinfo, set_so_timestamping, Timestamping};
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::{tcp_pair, udp_pair};
use errq_tests::wait::recv_until;

/// Checks common to every timestamp entry; returns (kind, key).
fn check_ts(m: &Message<'_>) -> (TstampKind, u32) {
    assert_eq!(m.problem(), None, "{m}");
    let ee = m.error().expect("error record").ee;
    assert_eq!(ee.origin, Origin::TIMESTAMPING);
    assert!(ee.errno.is("ENOMSG"));
    // No original destination for timestamps.
    assert_eq!(m.destination(), None);
    let ts = m.timestamping().expect("SO_TIMESTAMPING record");
    let sw = ts.software().expect("software timestamp");
    assert!(!sw.is_zero());
    let Some(Meaning::Timestamp(t)) = m.meaning() else {
        panic!("not a timestamp: {m}")
    };
    assert_eq!((t.kind.0, t.key), (ee.info, ee.data));
    (t.kind, t.key)
}

/// Read entries until `want` of them came or 3 s passed.
fn collect<Fd: AsFd>(fd: Fd, want: usize, mut each: impl FnMut(&Message<'_>)) -> usize {
    let mut n = 0;
    recv_until(fd, Duration::from_secs(3), |m| {
        each(m);
        n += 1;
        n == want
    })
    .unwrap();
    n
}

#[test]
fn udp_sched_and_snd_with_opt_id_keys() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let (_rx, tx) = udp_pair(&ns);
    set_so_timestamping(
        &tx,
        Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::TX_SCHED
            | Timestamping::OPT_TSONLY,
    )
    .unwrap();
    for _ in 0..3 {
        tx.send(b"stamp me").unwrap();
    }
    let mut seen = BTreeSet::new();
    let n = collect(&tx, 6, |m| {
        let (kind, key) = check_ts(m);
        // OPT_TSONLY: no payload, no offender.
        assert!(m.payload().is_empty());
        assert_eq!(m.offender(), None);
        seen.insert((kind.0, key));
    });
    assert_eq!(n, 6);
    let want: BTreeSet<_> = (0..3u32)
        .flat_map(|k| [(TstampKind::SCHED.0, k), (TstampKind::SND.0, k)])
        .collect();
    assert_eq!(seen, want);
}

#[test]
fn udp_opt_cmsg_with_pktinfo() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let (rx, tx) = udp_pair(&ns);
    set_ip_pktinfo(&tx, true).unwrap();
    set_so_timestamping(
        &tx,
        Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_CMSG,
    )
    .unwrap();
    let to = rx.local_addr().unwrap();
    let from = tx.local_addr().unwrap();
    tx.send(b"cmsg").unwrap();
    let n = collect(&tx, 1, |m| {
        let (kind, key) = check_ts(m);
        assert_eq!((kind, key), (TstampKind::SND, 0));
        let pi = m.companions().pktinfo.expect("IP_PKTINFO with OPT_CMSG");
        assert_eq!(pi.ifindex, 1); // lo, the first interface of a fresh namespace
        assert_eq!(pi.spec_dst, Ipv4Addr::LOCALHOST);
        // With OPT_CMSG the offender slot carries the packet's source address.
        assert_eq!(
            m.offender(),
            Some(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        );
        // Without OPT_TSONLY the payload is the packet from its (zeroed, loopback) L2 header.
        let p = m.quoted(PayloadKind::TxTimestamp).unwrap();
        let Payload::Link(link) = p else {
            panic!("{p:?}")
        };
        assert!(link.header.is_loopback());
        assert_eq!(p.ports(), Some((from.port(), to.port())));
        assert!(m.payload().ends_with(b"cmsg"));
    });
    assert_eq!(n, 1);
}

#[test]
fn tcp_snd_and_ack_with_opt_stats() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("L").unwrap();
    let (mut c, _a) = tcp_pair(&ns);
    set_so_timestamping(
        &c,
        Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::TX_ACK
            | Timestamping::OPT_STATS
            | Timestamping::OPT_TSONLY,
    )
    .unwrap();
    c.write_all(&[0x33; 100]).unwrap();
    let mut seen = BTreeSet::new();
    let n = collect(&c, 2, |m| {
        let (kind, key) = check_ts(m);
        // TCP keys count bytes: the last byte of the first 100-byte send is 99.
        assert_eq!(key, 99);
        let stats = m.companions().opt_stats.clone().expect("OPT_STATS");
        let kinds: Vec<TcpNla> = stats.map(|a| a.unwrap().kind).collect();
        assert!(kinds.contains(&TcpNla::DATA_SEGS_OUT), "{kinds:?}");
        seen.insert(kind.0);
    });
    assert_eq!(n, 2);
    assert_eq!(seen, BTreeSet::from([TstampKind::SND.0, TstampKind::ACK.0]));
}
