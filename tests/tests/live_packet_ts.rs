//! AF_PACKET TX timestamps, live on a veth pair: `packet_snd` (`net/packet/af_packet.c`)
//! sets the socket's timestamping flags on the frame, `veth_xmit` takes the SND software
//! timestamp, and `packet_recvmsg` reads the entry with
//! `sock_recv_errqueue(sk, msg, len, SOL_PACKET, PACKET_TX_TIMESTAMP)`: `SO_TIMESTAMPING`,
//! then the bare 16-byte `sock_extended_err`, the sent frame as payload. Decoded with the
//! payload kind the message chooses itself.

use std::io::IoSlice;
use std::os::fd::OwnedFd;
use std::time::Duration;

use errq_codec::ee::Origin;
use errq_codec::level::Level;
use errq_codec::meaning::Meaning;
use errq_codec::payload::{Payload, PayloadKind};
use errq_codec::timestamp::TstampKind;
use errq_sys::{set_so_timestamping, RecvBuffers, SendMsg, Timestamping};
use errq_tests::ffi;
use errq_tests::netns::{require_root, Netns};
use errq_tests::wait::wait_and_recv;

/// A local experimental EtherType (IEEE 802 "local experimental 1").
const ETHERTYPE: u16 = 0x88b5;

/// In a fresh namespace, a packet socket bound to one end of a veth pair (`struct
/// sockaddr_ll`), sending frames of [`ETHERTYPE`], with `SO_TIMESTAMPING` set to `flags`.
/// The namespace is returned too: the socket lives as long as it.
fn packet_socket(flags: Timestamping) -> (Netns, OwnedFd) {
    let ns = Netns::new("P").unwrap();
    ns.ip(&["link", "add", "pa", "type", "veth", "peer", "name", "pb"])
        .unwrap();
    ns.ip(&["link", "set", "pa", "up"]).unwrap();
    ns.ip(&["link", "set", "pb", "up"]).unwrap();
    let ifindex = ns.ifindex("pa").unwrap();
    let fd = ns.run(|| {
        // Protocol 0: this socket receives nothing, it only sends.
        let fd = ffi::socket(libc::AF_PACKET, libc::SOCK_RAW, 0).unwrap();
        ffi::bind_packet(&fd, ifindex, ETHERTYPE).unwrap();
        fd
    });
    set_so_timestamping(&fd, flags).unwrap();
    (ns, fd)
}

/// Send `frame` on the bound packet socket `fd`.
fn send(fd: &OwnedFd, frame: &[u8]) -> usize {
    SendMsg::new(&[IoSlice::new(frame)]).send(fd).unwrap()
}

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0xff; 6]; // broadcast
    f.extend([0x02, 0, 0, 0, 0, 0x01]); // a locally administered source
    f.extend(ETHERTYPE.to_be_bytes());
    f.extend(payload);
    f
}

#[test]
fn packet_tx_timestamps_with_the_automatic_payload_kind() {
    if !require_root() {
        return;
    }
    let (_ns, fd) =
        packet_socket(Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID);
    let mut b: RecvBuffers = RecvBuffers::new();
    for (key, text) in [(0u32, &b"errq first frame"[..]), (1, b"errq second frame")] {
        let f = frame(text);
        assert_eq!(send(&fd, &f), f.len());
        let r = wait_and_recv(&fd, &mut b, Duration::from_secs(3))
            .unwrap()
            .expect("a TX timestamp");
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
    let (_ns, fd) = packet_socket(
        Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_TSONLY,
    );
    send(&fd, &frame(b"errq tsonly"));
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = wait_and_recv(&fd, &mut b, Duration::from_secs(3))
        .unwrap()
        .expect("a TX timestamp");
    let m = b.message(&r);
    assert_eq!(m.error_level(), Some(Level::PACKET));
    assert!(m.payload().is_empty());
    assert_eq!(m.read_payload(None), Ok(Payload::Empty));
}
