//! AF_PACKET TX timestamps, live on a veth pair: `packet_snd` (`net/packet/af_packet.c`)
//! sets the socket's timestamping flags on the frame, `veth_xmit` takes the SND software
//! timestamp, and `packet_recvmsg` reads the entry with
//! `sock_recv_errqueue(sk, msg, len, SOL_PACKET, PACKET_TX_TIMESTAMP)`: `SO_TIMESTAMPING`,
//! then the bare 16-byte `sock_extended_err`, the sent frame as payload. Decoded with the
//! payload kind the message chooses itself.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use errq_codec::ee::Origin;
use errq_codec::level::Level;
use errq_codec::meaning::Meaning;
use errq_codec::payload::{Payload, PayloadKind};
use errq_codec::timestamp::TstampKind;
use errq_sys::{set_so_timestamping, RecvBuffers, Timestamping};
use errq_tests::netns::{ifindex, require_root, sock, wait_and_recv, Netns};

/// A local experimental EtherType (IEEE 802 "local experimental 1").
const ETHERTYPE: u16 = 0x88b5;

/// A packet socket bound to `ifindex` (`struct sockaddr_ll`), sending frames of
/// [`ETHERTYPE`].
fn packet_socket(ns: &Netns, ifindex: u32) -> OwnedFd {
    ns.run(|| {
        // Protocol 0: this socket receives nothing, it only sends.
        let fd = sock::socket(libc::AF_PACKET, libc::SOCK_RAW, 0).unwrap();
        // SAFETY: sockaddr_ll is plain integers; all-zero is a valid value.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = ETHERTYPE.to_be();
        sll.sll_ifindex = i32::try_from(ifindex).unwrap();
        // SAFETY: `sll` is a live sockaddr_ll and the length passed is its size.
        let rc = unsafe {
            libc::bind(
                fd.as_fd().as_raw_fd(),
                std::ptr::from_ref(&sll).cast(),
                libc::socklen_t::try_from(std::mem::size_of::<libc::sockaddr_ll>()).unwrap(),
            )
        };
        assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
        fd
    })
}

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0xff; 6]; // broadcast
    f.extend([0x02, 0, 0, 0, 0, 0x01]); // a locally administered source
    f.extend(ETHERTYPE.to_be_bytes());
    f.extend(payload);
    f
}

fn veth(ns: &Netns) -> u32 {
    ns.ip(&["link", "add", "pa", "type", "veth", "peer", "name", "pb"])
        .unwrap();
    ns.ip(&["link", "set", "pa", "up"]).unwrap();
    ns.ip(&["link", "set", "pb", "up"]).unwrap();
    ifindex(ns, "pa").unwrap()
}

#[test]
fn packet_tx_timestamps_with_the_automatic_payload_kind() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("P").unwrap();
    let fd = packet_socket(&ns, veth(&ns));
    set_so_timestamping(
        &fd,
        Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID,
    )
    .unwrap();
    let mut b: RecvBuffers = RecvBuffers::new();
    for (key, text) in [(0u32, &b"errq first frame"[..]), (1, b"errq second frame")] {
        let f = frame(text);
        assert_eq!(sock::send_to(&fd, &f, 0, None).unwrap(), f.len());
        let deadline = Instant::now() + Duration::from_secs(3);
        let r = loop {
            if let Some(r) = wait_and_recv(&fd, &mut b, Duration::from_millis(500)).unwrap() {
                break r;
            }
            assert!(Instant::now() < deadline, "no TX timestamp queued");
        };
        let m = b.message(&r);
        assert_eq!(m.problem(), None, "{m}");
        assert_eq!(m.error_level(), Some(Level::PACKET));
        let err = m.error().unwrap();
        assert_eq!(err.ee.origin, Origin::TIMESTAMPING);
        assert!(err.ee.errno.is("ENOMSG"));
        // The bare sock_extended_err: no offender, no msg_name.
        assert!(err.offender_bytes.is_empty());
        assert_eq!((m.offender(), m.destination()), (None, None));
        let Some(Meaning::Timestamp(t)) = m.meaning() else {
            panic!("{m}")
        };
        assert_eq!((t.kind, t.key), (TstampKind::SND, key));
        assert!(!t.timestamps.unwrap().software().unwrap().is_zero());
        // The payload, read as the message chooses: the sent frame.
        assert_eq!(m.payload_kind(None), PayloadKind::TxTimestamp);
        let Ok(Payload::Link(l)) = m.read_payload(None) else {
            panic!("{m}")
        };
        assert_eq!(l.header.dst, [0xff; 6]);
        assert_eq!(l.header.src, [0x02, 0, 0, 0, 0, 0x01]);
        assert_eq!(l.header.ethertype, ETHERTYPE);
        assert_eq!(l.network, text);
        assert_eq!(m.payload(), &f[..]);
        // Not a UDP datagram, not statistics.
        assert!(m.quoted(PayloadKind::Udp).is_err());
        assert!(m.quoted(PayloadKind::OptStats).is_err());
    }
}

#[test]
fn packet_tx_timestamps_tsonly_have_no_payload() {
    if !require_root() {
        return;
    }
    let ns = Netns::new("P").unwrap();
    let fd = packet_socket(&ns, veth(&ns));
    set_so_timestamping(
        &fd,
        Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_TSONLY,
    )
    .unwrap();
    let f = frame(b"errq tsonly");
    sock::send_to(&fd, &f, 0, None).unwrap();
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = wait_and_recv(&fd, &mut b, Duration::from_secs(3))
        .unwrap()
        .expect("a TX timestamp");
    let m = b.message(&r);
    assert_eq!(m.error_level(), Some(Level::PACKET));
    assert!(m.payload().is_empty());
    assert_eq!(m.read_payload(None), Ok(Payload::Empty));
}
