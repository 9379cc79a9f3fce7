//! Unit tests of `ee`.

use super::*;
use crate::errno::ErrnoNumbering;

// x86_64, port unreachable from 127.0.0.1 (IP_RECVERR data, 32 bytes).
const PORT_UNREACH: [u8; 32] = [
    111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
    2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
];

#[test]
fn decodes_port_unreachable() {
    let e = ExtendedError::decode(&PORT_UNREACH, &Abi::X86_64).unwrap();
    assert_eq!(e.ee.errno.raw, 111);
    assert_eq!(e.ee.errno.name(), Some("ECONNREFUSED"));
    assert_eq!(e.ee.origin, Origin::ICMP);
    assert_eq!((e.ee.kind, e.ee.code, e.ee.info, e.ee.data), (3, 3, 0, 0));
    assert_eq!(e.offender(), Some("127.0.0.1:0".parse().unwrap()));
}

#[test]
fn same_bytes_on_mips_name_another_errno() {
    let abi = Abi::MIPSEL;
    let e = ExtendedError::decode(&PORT_UNREACH, &abi).unwrap();
    assert_eq!(e.ee.errno.numbering, ErrnoNumbering::Mips);
    assert_ne!(e.ee.errno.name(), Some("ECONNREFUSED"));
}

#[test]
fn short_records() {
    assert_eq!(
        ExtendedError::decode(&PORT_UNREACH[..15], &Abi::X86_64),
        Err(Error::truncated(Structure::ExtendedErr, 16, 15))
    );
    let e = ExtendedError::decode(&PORT_UNREACH[..20], &Abi::X86_64).unwrap();
    assert_eq!(e.offender(), None);
    assert_eq!(
        e.offender_checked(),
        Err(Error::truncated(Structure::Offender, 16, 4))
    );
    let e = ExtendedError::decode(&PORT_UNREACH[..16], &Abi::X86_64).unwrap();
    assert_eq!(e.offender_checked(), Ok(None));
}

/// Equality and `Debug` see the union's RFC 4884 view, not the byte order it is read
/// with: the same view in either order is equal, another view is not.
#[test]
fn equality_and_debug_see_the_rfc4884_view() {
    let ee = |data, endian| {
        SockExtendedErr::new(
            Errno::new(113, ErrnoNumbering::Generic),
            Origin::ICMP,
            11,
            0,
            0,
            data,
            endian,
        )
    };
    assert_eq!(ee(0, Endian::Little), ee(0, Endian::Big));
    // 0x0101_0000: len 0, flags 1, reserved 1 read little-endian; len 0x101 big-endian.
    assert_ne!(
        ee(0x0101_0000, Endian::Little),
        ee(0x0101_0000, Endian::Big)
    );
    let text = std::format!("{:?}", ee(100, Endian::Little));
    assert!(
        text.contains("rfc4884: Rfc4884 { len: 100, flags: 0, reserved: 0 }"),
        "{text}"
    );
}

#[test]
fn rfc4884_union_round_trip() {
    for abi in [Abi::X86_64, Abi::S390X] {
        let ee = SockExtendedErr::new(
            Errno::new(113, abi.errno),
            Origin::ICMP,
            11,
            0,
            0,
            0,
            abi.endian,
        )
        .with_rfc4884(
            Rfc4884 {
                len: 100,
                flags: SO_EE_RFC4884_FLAG_INVALID,
                reserved: 0,
            },
            abi.endian,
        );
        let mut b = [0u8; 16];
        ee.encode(abi.endian, &mut b).unwrap();
        let back = SockExtendedErr::decode(&b, &abi).unwrap();
        assert_eq!(back, ee);
        assert_eq!(back.rfc4884().len, 100);
        assert!(back.rfc4884().invalid());
    }
}

#[test]
fn origin_names() {
    assert_eq!(Origin::TXSTATUS, Origin::TIMESTAMPING);
    assert_eq!(std::format!("{}", Origin::ICMP6), "ICMP6");
    assert_eq!(std::format!("{}", Origin(9)), "origin 9");
}
#[test]
fn built_records_match_the_kernel_layout() {
    use crate::record::ErrorLevel;
    // The real x86_64 IP_RECVERR data above, rebuilt from its fields.
    let abi = Abi::X86_64;
    let ee = SockExtendedErr::new(
        Errno::new(111, abi.errno),
        Origin::ICMP,
        3,
        3,
        0,
        0,
        abi.endian,
    );
    let b = ExtendedErrorBuf::new(
        ErrorLevel::Ip,
        ee,
        Some("127.0.0.1:0".parse().unwrap()),
        abi.endian,
    )
    .unwrap();
    assert_eq!(b.as_bytes(), &PORT_UNREACH[..]);
    // No offender: a zeroed sockaddr_in (AF_UNSPEC), as ip_recv_error writes it.
    let b = ExtendedErrorBuf::new(ErrorLevel::Ip, ee, None, abi.endian).unwrap();
    assert_eq!(b.as_bytes().len(), 32);
    assert_eq!(b.view().offender(), None);
    assert_eq!(b.view().offender_checked(), Ok(None));
    // IPv6 record: 28 bytes of offender, an IPv4 one v4-mapped.
    let b = ExtendedErrorBuf::new(
        ErrorLevel::Ipv6,
        ee,
        Some("127.0.0.1:0".parse().unwrap()),
        abi.endian,
    )
    .unwrap();
    assert_eq!(b.as_bytes().len(), 16 + 28);
    assert_eq!(
        b.view().offender(),
        Some("[::ffff:127.0.0.1]:0".parse().unwrap())
    );
    // PACKET_TX_TIMESTAMP: no offender at all.
    let b = ExtendedErrorBuf::new(ErrorLevel::Packet, ee, None, abi.endian).unwrap();
    assert_eq!(b.as_bytes().len(), 16);
    assert_eq!(
        ExtendedErrorBuf::new(
            ErrorLevel::Ip,
            ee,
            Some("[::1]:0".parse().unwrap()),
            abi.endian
        ),
        Err(Error::malformed(
            Structure::Offender,
            crate::error::Reason::UnexpectedFamily { family: 10 }
        ))
    );
}

#[test]
fn origin_debug_names_the_value() {
    assert_eq!(std::format!("{:?}", Origin::ICMP), "Origin::ICMP(2)");
    assert_eq!(
        std::format!("{:?}", Origin::TXSTATUS),
        "Origin::TIMESTAMPING(4)"
    );
    assert_eq!(std::format!("{:?}", Origin(200)), "Origin(200)");
}
