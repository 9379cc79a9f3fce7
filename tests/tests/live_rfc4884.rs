//! RFC 4884 extensions (MPLS label stack + interface information) in hand-built ICMP time
//! exceeded errors sent from R, with `IP_RECVERR_RFC4884` / `IPV6_RECVERR_RFC4884` on and
//! off, valid and with a bad checksum.

use std::net::IpAddr;

use errq_codec::ee::Origin;
use errq_codec::ext::MplsLabel;
use errq_codec::ext::{ExtensionChecksum, InterfaceRole, ObjectClass, ObjectData};
use errq_codec::meaning::Meaning;
use errq_sys::{set_ip_recverr_rfc4884, set_ipv6_recverr_rfc4884, RecvBuffers};
use errq_tests::hand_built::hand_built_error;
use errq_tests::netns::require_root;
use errq_tests::packet;
use errq_tests::sockets::recverr_udp;
use errq_tests::table::run_rows;
use errq_tests::topology::{addr, Topology};

/// The extension R puts after the 128-byte quote.
fn ext(v6: bool, bad: bool) -> Vec<u8> {
    let r: IpAddr = if v6 {
        addr::RA6.into()
    } else {
        addr::RA4.into()
    };
    let mut mpls = packet::mpls_entry(16001, 0, false, 1).to_vec();
    mpls.extend_from_slice(&packet::mpls_entry(24005, 5, true, 1));
    packet::extension(
        &[
            packet::object(1, 1, &mpls),
            packet::interface_info(7, r, "eth-r0", 1500),
        ],
        bad,
    )
}

fn data() -> Vec<u8> {
    (0..200u32).map(|i| i as u8).collect()
}

fn run(v6: bool, option: bool, bad: bool) {
    let t = Topology::new().unwrap();
    let s = recverr_udp(&t.a, if v6 { "[::]:0" } else { "0.0.0.0:0" });
    if option {
        if v6 {
            set_ipv6_recverr_rfc4884(&s, true).unwrap();
        } else {
            set_ip_recverr_rfc4884(&s, true).unwrap();
        }
    }
    let e = ext(v6, bad);
    let data = data();
    let mut b: RecvBuffers = RecvBuffers::new();
    let r = hand_built_error(
        &t,
        v6,
        &s,
        &data,
        |quote| {
            // time exceeded, length of the 128-byte original datagram field in its header:
            // ICMPv4 in 32-bit words at byte 5, ICMPv6 in 64-bit words at byte 4.
            let rest = if v6 { [16, 0, 0, 0] } else { [0, 32, 0, 0] };
            packet::icmp_error(if v6 { 3 } else { 11 }, 0, rest, quote, 128, &e, !v6)
        },
        &mut b,
    )
    .unwrap();
    let m = b.message(&r);
    assert_eq!(m.problem(), None, "{m}");
    let ee = m.error().unwrap().ee;
    // UDP strips the IP and UDP headers from the 128-byte quote: the extension starts at
    // 128 - 20 - 8 = 100 (v4) / 128 - 40 - 8 = 80 (v6) in the payload.
    let off = if v6 { 80 } else { 100 };
    let (rfc, offender) = match m.meaning() {
        Some(Meaning::Icmp(i)) if !v6 => {
            assert_eq!(ee.origin, Origin::ICMP);
            assert_eq!((ee.kind, ee.code, ee.info), (11, 0, 0));
            (i.rfc4884, IpAddr::from(addr::RA4))
        }
        Some(Meaning::Icmp6(i)) if v6 => {
            assert_eq!(ee.origin, Origin::ICMP6);
            // ICMPv6 info is the whole word after the checksum: the length in its top byte.
            assert_eq!((ee.kind, ee.code, ee.info), (3, 0, 0x1000_0000));
            (i.rfc4884, IpAddr::from(addr::RA6))
        }
        other => panic!("unexpected {other:?}"),
    };
    assert!(ee.errno.is("EHOSTUNREACH"));
    assert_eq!(m.offender().map(|a| a.ip()), Some(offender));
    // The payload: the rest of the quoted datagram, then the extension, whatever the option.
    assert_eq!(&m.payload()[..off], &data[..off]);
    assert_eq!(&m.payload()[off..], &e[..]);
    if !option {
        assert_eq!((rfc.len, rfc.flags), (0, 0));
        assert!(m.extension().is_none());
        assert_eq!(m.original(), m.payload());
        return;
    }
    assert_eq!(usize::from(rfc.len), off);
    assert_eq!(rfc.invalid(), bad, "{rfc:?}");
    assert_eq!(m.original(), &data[..off]);
    let x = m.extension().expect("extension").expect("extension header");
    assert_eq!(x.version(), 2);
    if bad {
        assert!(matches!(
            x.checksum_status(),
            ExtensionChecksum::Invalid { .. }
        ));
    } else {
        assert_eq!(x.checksum_status(), ExtensionChecksum::Valid);
    }
    let objects: Vec<_> = x.objects().map(Result::unwrap).collect();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0].class(), ObjectClass::MPLS_LABEL_STACK);
    assert_eq!(objects[0].c_type(), 1);
    let ObjectData::MplsLabelStack(stack) = objects[0].decode().unwrap() else {
        panic!("not MPLS")
    };
    let labels: Vec<MplsLabel> = stack.entries().collect();
    assert_eq!(
        labels,
        [
            MplsLabel {
                label: 16001,
                traffic_class: 0,
                bottom_of_stack: false,
                ttl: 1
            },
            MplsLabel {
                label: 24005,
                traffic_class: 5,
                bottom_of_stack: true,
                ttl: 1
            },
        ]
    );
    assert_eq!(objects[1].class(), ObjectClass::INTERFACE_INFORMATION);
    assert_eq!(objects[1].c_type(), 0x0f);
    let ObjectData::InterfaceInformation(ii) = objects[1].decode().unwrap() else {
        panic!("not interface information")
    };
    assert_eq!(ii.role, InterfaceRole::IncomingInterface);
    assert_eq!(ii.if_index, Some(7));
    assert_eq!(ii.address, Some(offender));
    assert_eq!(ii.name, Some(&b"eth-r0"[..]));
    assert_eq!(ii.mtu, Some(1500));
}

/// One case: the family, whether A asked for the extension (`IP_RECVERR_RFC4884` /
/// `IPV6_RECVERR_RFC4884`), and whether R's extension checksum is wrong.
#[derive(Debug)]
struct Case {
    v6: bool,
    option: bool,
    bad_checksum: bool,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { v6: false, option: true,  bad_checksum: false },
    Case { v6: false, option: true,  bad_checksum: true  },
    Case { v6: false, option: false, bad_checksum: false },
    Case { v6: true,  option: true,  bad_checksum: false },
    Case { v6: true,  option: true,  bad_checksum: true  },
    Case { v6: true,  option: false, bad_checksum: false },
];

#[test]
fn rfc4884_extensions_v4_and_v6() {
    if require_root() {
        run_rows(CASES, |c| run(c.v6, c.option, c.bad_checksum));
    }
}
