//! The error branches the rest of the suite did not reach (found with `bash .ci/coverage.sh
//! --text`): each test builds the smallest input that takes one `Err(...)` construction and
//! asserts the exact error value, then that it formats.

// Fixed test buffers are indexed directly: a wrong index is a test failure.
#![allow(clippy::indexing_slicing)]

use core::net::{IpAddr, Ipv4Addr};

use errq_codec::abi::Abi;
use errq_codec::addr;
use errq_codec::cmsg::{Cmsg, CmsgWriter, Cmsgs};
use errq_codec::error::{Error, Reason, Structure};
use errq_codec::ext::{
    encode_extension, InterfaceIdent, InterfaceInformation, InterfaceInformationRepr,
    InterfaceRole, ObjectClass, ObjectRepr,
};
use errq_codec::icmp::{
    ExtensionMode, IcmpErrorPacket, Icmpv4Code, Icmpv4ErrorRepr, Icmpv4Rest, Icmpv4Type,
    Icmpv6Code, Icmpv6ErrorRepr, Icmpv6Rest, Icmpv6Type,
};
use errq_codec::ip::{IpProtocol, Ipv4Repr, Ipv6Header, QuotedIp};
use errq_codec::optstats::encode_attr;
use errq_codec::record::{self, Record};
use errq_codec::timestamp::{self, Layout};

/// `e` is `expected`, and its `Display` names the structure that failed.
#[track_caller]
fn check(e: Result<impl core::fmt::Debug, Error>, expected: Error) {
    let e = e.expect_err("an error");
    assert_eq!(e, expected);
    assert_eq!(e.structure(), expected.structure());
    let text = e.to_string();
    assert!(
        text.contains(e.structure().name()),
        "{text:?} does not name {}",
        e.structure().name()
    );
}

fn malformed(what: Structure, reason: Reason) -> Error {
    Error::malformed(what, reason)
}

// --- addresses -----------------------------------------------------------------------------

#[test]
fn sockaddr_in_of_another_family() {
    // A sockaddr_in6 where IP_ORIGDSTADDR promises a sockaddr_in.
    let mut b = [0u8; 28];
    b[0] = 10;
    check(
        addr::decode_v4(&b, Abi::X86_64.endian),
        malformed(
            Structure::SockaddrIn,
            Reason::UnexpectedFamily { family: 10 },
        ),
    );
    let c = Cmsg {
        level: 0,
        kind: 20,
        len: 44,
        offset: 0,
        data: &b,
    };
    check(
        Record::decode(c, &Abi::X86_64),
        malformed(
            Structure::SockaddrIn,
            Reason::UnexpectedFamily { family: 10 },
        ),
    );
}

#[test]
fn sockaddr_in6_of_another_family() {
    // Big-endian family 2 in a 28-byte IPV6_ORIGDSTADDR.
    let mut b = [0u8; 28];
    b[1] = 2;
    check(
        addr::decode_v6(&b, Abi::S390X.endian),
        malformed(
            Structure::SockaddrIn6,
            Reason::UnexpectedFamily { family: 2 },
        ),
    );
    let c = Cmsg {
        level: 41,
        kind: 74,
        len: 44,
        offset: 0,
        data: &b,
    };
    check(
        Record::decode(c, &Abi::S390X),
        malformed(
            Structure::SockaddrIn6,
            Reason::UnexpectedFamily { family: 2 },
        ),
    );
}

// --- cmsg ----------------------------------------------------------------------------------

#[test]
fn cmsg_len_past_this_hosts_address_space() {
    // A 64-bit capture with cmsg_len 2^32: on a 32-bit host it cannot be a length at all; on
    // a 64-bit host it is a record running past the buffer.
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&(1u64 << 32).to_le_bytes());
    let first = Cmsgs::new(&b, Abi::X86_64).next().expect("one item");
    #[cfg(target_pointer_width = "32")]
    let expected = malformed(
        Structure::CmsgHeader,
        Reason::LengthOverflow { length: 1 << 32 },
    );
    #[cfg(target_pointer_width = "64")]
    let expected = Error::truncated(Structure::CmsgData, 1 << 32, 16);
    check(first, expected);
}

#[test]
fn cmsg_writer_without_room() {
    let mut buf = [0u8; 20];
    let mut w = CmsgWriter::new(&mut buf, Abi::X86_64);
    let no_space = Error::NoSpace {
        what: Structure::CmsgHeader,
        needed: 24,
        available: 20,
    };
    check(w.push(0, 2, &[0; 8]), no_space);
    check(w.push_with(0, 2, 8, |_| {}), no_space);
    assert!(w.is_empty(), "nothing written");
    assert_eq!(w.finish().len(), 0);
}

#[test]
fn unexpected_record() {
    let c = Cmsg {
        level: 41,
        kind: 52,
        len: 20,
        offset: 0,
        data: &[64, 0, 0, 0],
    };
    let e = record::unexpected(&c);
    check(
        Err::<(), _>(e),
        malformed(
            Structure::CmsgData,
            Reason::UnexpectedCmsg {
                level: 41,
                kind: 52,
            },
        ),
    );
}

// --- timestamps and netlink attributes (encoders) ------------------------------------------

#[test]
fn timestamp_pair_without_room() {
    let mut out = [0u8; 12];
    check(
        timestamp::encode_pair(1, 2, Layout::New, &Abi::I686, &mut out),
        Error::NoSpace {
            what: Structure::Timespec,
            needed: 16,
            available: 12,
        },
    );
}

#[test]
fn nlattr_payload_past_u16() {
    let payload = vec![0u8; 65532];
    let mut out = [0u8; 8];
    check(
        encode_attr(1, &payload, Abi::X86_64.endian, &mut out, 0),
        malformed(Structure::NlAttr, Reason::LengthOverflow { length: 65536 }),
    );
}

// --- IP ------------------------------------------------------------------------------------

#[test]
fn ipv6_header_of_another_version() {
    let mut b = [0u8; 40];
    b[0] = 0x40;
    check(
        Ipv6Header::new(&b),
        malformed(Structure::Ipv6Header, Reason::BadVersion { version: 4 }),
    );
}

#[test]
fn ipv6_extension_header_with_no_byte() {
    // Next header hop-by-hop (0), and the quote ends right after the fixed header.
    let mut b = [0u8; 40];
    b[0] = 0x60;
    b[5] = 8;
    let h = Ipv6Header::new(&b).expect("the fixed header is whole");
    let mut headers = h.extension_headers();
    check(
        headers.next().expect("one item"),
        Error::truncated(Structure::Ipv6ExtensionHeader, 8, 0),
    );
    assert_eq!(headers.next(), None);
}

#[test]
fn ipv4_options_that_cannot_be_written() {
    let repr = |options| Ipv4Repr {
        tos: 0,
        total_len: 20,
        ident: 0,
        dont_fragment: false,
        more_fragments: false,
        frag_offset: 0,
        ttl: 64,
        protocol: IpProtocol::UDP,
        src: Ipv4Addr::LOCALHOST,
        dst: Ipv4Addr::LOCALHOST,
        options,
    };
    let mut out = [0u8; 80];
    check(
        repr(&[1, 1, 1]).encode(&mut out),
        malformed(
            Structure::Ipv4Options,
            Reason::LengthNotMultiple { length: 3, unit: 4 },
        ),
    );
    check(
        repr(&[1; 44]).encode(&mut out),
        malformed(
            Structure::Ipv4Options,
            Reason::BadValue {
                field: "options length",
                value: 44,
            },
        ),
    );
}

// --- ICMP ----------------------------------------------------------------------------------

#[test]
fn ip_packet_carrying_an_echo_request() {
    // 127.0.0.1 -> 127.0.0.1, protocol ICMP, an echo request: not an error message.
    let mut b = vec![
        0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
    ];
    b.extend_from_slice(&[8, 0, 0, 0, 0, 1, 0, 1]);
    assert!(matches!(QuotedIp::new(&b), Ok(QuotedIp::V4(_))));
    check(
        IcmpErrorPacket::from_ip(&b, ExtensionMode::Rfc4884),
        malformed(
            Structure::Icmpv4Header,
            Reason::BadValue {
                field: "ICMP type",
                value: 8,
            },
        ),
    );
}

const MPLS: [ObjectRepr<'static>; 1] = [ObjectRepr {
    class: ObjectClass::MPLS_LABEL_STACK,
    c_type: 1,
    payload: &[0x03, 0xe8, 0x11, 0x01],
}];

#[test]
fn icmpv4_error_repr_errors() {
    let mut out = vec![0u8; 2048];
    let repr = |msg_type, rest, original| Icmpv4ErrorRepr {
        msg_type,
        code: Icmpv4Code(0),
        rest,
        original,
        extension: &MPLS,
    };
    // An extension needs a type with an RFC 4884 length field.
    let echo = Icmpv4Rest::Echo { ident: 1, seq: 1 };
    check(
        repr(Icmpv4Type::ECHO_REQUEST, echo, &[]).encode(&mut out),
        malformed(
            Structure::Icmpv4Header,
            Reason::BadValue {
                field: "ICMP type without RFC 4884 length",
                value: 8,
            },
        ),
    );
    // 1024 bytes are 256 words: more than the length byte holds.
    let te = Icmpv4Rest::TimeExceeded { length: 0 };
    let long = [0u8; 1024];
    check(
        repr(Icmpv4Type::TIME_EXCEEDED, te, &long).encode(&mut out),
        malformed(
            Structure::Icmpv4Header,
            Reason::LengthOverflow { length: 1024 },
        ),
    );
    // Room for the padded datagram (128) but not for the 12-byte extension after it.
    check(
        repr(Icmpv4Type::TIME_EXCEEDED, te, &[]).encode(&mut out[..8 + 132]),
        Error::NoSpace {
            what: Structure::ExtensionHeader,
            needed: 140,
            available: 132,
        },
    );
}

#[test]
fn icmpv6_error_repr_errors() {
    let (src, dst) = (
        "2001:db8:1::2".parse().unwrap(),
        "2001:db8:1::1".parse().unwrap(),
    );
    let mut out = vec![0u8; 4096];
    let repr = |msg_type, rest, original| Icmpv6ErrorRepr {
        msg_type,
        code: Icmpv6Code(0),
        rest,
        original,
        extension: &MPLS,
    };
    let ptb = Icmpv6Rest::PacketTooBig { mtu: 1280 };
    check(
        repr(Icmpv6Type::PACKET_TOO_BIG, ptb, &[]).encode_with_checksum(src, dst, &mut out),
        malformed(
            Structure::Icmpv6Header,
            Reason::BadValue {
                field: "ICMP type without RFC 4884 length",
                value: 2,
            },
        ),
    );
    // 2048 bytes are 256 64-bit words.
    let te = Icmpv6Rest::TimeExceeded { length: 0 };
    let long = [0u8; 2048];
    check(
        repr(Icmpv6Type::TIME_EXCEEDED, te, &long).encode_with_checksum(src, dst, &mut out),
        malformed(
            Structure::Icmpv6Header,
            Reason::LengthOverflow { length: 2048 },
        ),
    );
}

// --- RFC 4884 extension objects ------------------------------------------------------------

#[test]
fn extension_object_past_u16() {
    let payload = vec![0u8; 65532];
    let objects = [ObjectRepr {
        class: ObjectClass(200),
        c_type: 0,
        payload: &payload,
    }];
    let mut out = [0u8; 16];
    check(
        encode_extension(&objects, true, &mut out),
        malformed(
            Structure::ExtensionObject,
            Reason::LengthOverflow { length: 65536 },
        ),
    );
}

#[test]
fn interface_information_errors() {
    // c-type IPADDR (0x04), AFI 3.
    check(
        InterfaceInformation::new(0x04, &[0, 3, 0, 0, 1, 2, 3, 4]),
        malformed(
            Structure::InterfaceInfo,
            Reason::UnexpectedFamily { family: 3 },
        ),
    );
    // c-type NAME (0x02): a length byte of 2, then 6 (not a multiple of 4).
    check(
        InterfaceInformation::new(0x02, &[2, b'e', 0, 0]),
        malformed(
            Structure::InterfaceInfo,
            Reason::LengthBelowHeader {
                length: 2,
                minimum: 4,
            },
        ),
    );
    check(
        InterfaceInformation::new(0x02, &[6, b'e', b't', b'h', b'0', 0, 0, 0]),
        malformed(
            Structure::InterfaceInfo,
            Reason::LengthNotMultiple { length: 6, unit: 4 },
        ),
    );
    // A name that its length byte cannot describe (252 + 1, rounded up: 256).
    let name = [b'x'; 252];
    let repr = InterfaceInformationRepr {
        role: InterfaceRole::from_c_type(0),
        if_index: None,
        address: Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        name: Some(&name),
        mtu: None,
    };
    let mut out = [0u8; 512];
    check(
        repr.encode(&mut out),
        malformed(
            Structure::InterfaceInfo,
            Reason::LengthOverflow { length: 256 },
        ),
    );
}

#[test]
fn interface_identification_errors() {
    check(
        InterfaceIdent::new(2, &[0, 0, 0, 7, 0, 0, 0, 0]),
        malformed(
            Structure::InterfaceIdent,
            Reason::UnexpectedSize { size: 8 },
        ),
    );
    check(
        InterfaceIdent::new(4, &[0, 0, 0, 7]),
        malformed(
            Structure::InterfaceIdent,
            Reason::BadValue {
                field: "c-type",
                value: 4,
            },
        ),
    );
    // By address, AFI 2, 16 bytes: an IPv6 address.
    let mut b = vec![0, 2, 16, 0];
    b.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let ident = InterfaceIdent::new(3, &b).expect("a whole address");
    assert_eq!(ident.ip(), Some("2001:db8::1".parse().unwrap()));
}

// --- added after the walk was monomorphized per layout ---------------------------------------

#[test]
fn short_u32_records() {
    // IP_CHECKSUM (0/23) and IPV6_FLOWINFO (41/11) with fewer than 4 bytes.
    for (level, kind, data) in [(0, 23, &[1u8, 2][..]), (41, 11, &[1, 2, 3][..])] {
        let c = Cmsg {
            level,
            kind,
            len: 12 + data.len() as u64,
            offset: 0,
            data,
        };
        check(
            Record::decode(c, &Abi::I686),
            Error::truncated(Structure::U32, 4, data.len()),
        );
    }
}
