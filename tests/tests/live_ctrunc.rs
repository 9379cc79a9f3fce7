//! `MSG_CTRUNC`: a control buffer too small for the error record. The error comes last, so it
//! is what is lost; the companion before it survives.

use std::net::{Ipv4Addr, SocketAddr};

use errq_codec::abi::Abi;
use errq_codec::error::{Error, Structure};
use errq_sys::{set_ip_recvttl, RecvBuffers};
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::recverr_udp;
use errq_tests::wait::await_error;

const TTL_SPACE: usize = Abi::NATIVE.cmsg_space(4);
/// Room for the TTL record, a header and 8 bytes of the error's data.
const CUT: usize = TTL_SPACE + Abi::NATIVE.cmsg_header_len() + 8;

fn probe<const C: usize>() -> (RecvBuffers<2048, C>, errq_sys::Received) {
    let ns = Netns::new("L").unwrap();
    let s = recverr_udp(&ns, "127.0.0.1:0");
    set_ip_recvttl(&s, true).unwrap();
    let dest = SocketAddr::from((Ipv4Addr::LOCALHOST, 9));
    let mut b = RecvBuffers::<2048, C>::new();
    let r = await_error(&s, &mut b, || s.send_to(b"ctrunc", dest).map(drop)).unwrap();
    (b, r)
}

#[test]
fn error_record_cut_short() {
    if !require_root() {
        return;
    }
    let (b, r) = probe::<CUT>();
    assert!(r.control_truncated());
    // The kernel filled the buffer: the cut record's cmsg_len is what was left.
    assert_eq!(r.control_len, CUT);
    let m = b.message(&r);
    assert!(m.control_truncated());
    assert_eq!(m.companions().ttl, Some(64));
    assert!(m.error().is_none());
    assert_eq!(
        m.problem(),
        Some(Error::Truncated {
            what: Structure::ExtendedErr,
            needed: 16,
            available: 8
        })
    );
    // The payload is unaffected.
    assert_eq!(m.payload(), b"ctrunc");
    assert!(
        m.to_string()
            .starts_with("no error record (control truncated)"),
        "{m}"
    );
}

#[test]
fn no_room_for_the_error_header() {
    if !require_root() {
        return;
    }
    let (b, r) = probe::<TTL_SPACE>();
    assert!(r.control_truncated());
    assert_eq!(r.control_len, TTL_SPACE);
    let m = b.message(&r);
    assert_eq!(m.companions().ttl, Some(64));
    assert!(m.error().is_none());
    assert_eq!(m.problem(), None);
    assert_eq!(m.to_string(), "no error record (control truncated)");
}

#[test]
fn default_buffer_is_large_enough() {
    if !require_root() {
        return;
    }
    let (b, r) = probe::<{ errq_sys::ERROR_CONTROL_SPACE }>();
    assert!(!r.control_truncated());
    // TTL record + error record with a sockaddr_in offender, in the native layout.
    assert_eq!(r.control_len, TTL_SPACE + Abi::NATIVE.cmsg_len(16 + 16));
    let m = b.message(&r);
    assert!(m.error().unwrap().ee.errno.is("ECONNREFUSED"));
    assert_eq!(m.companions().ttl, Some(64));
}
