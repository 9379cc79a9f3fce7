//! Unit tests of the meanings.

use super::*;
use crate::abi::Endian;
use crate::errno::ErrnoNumbering;

fn ee(errno: &str, origin: Origin, kind: u8, code: u8, info: u32, data: u32) -> SockExtendedErr {
    let e = Errno::from_name(errno, ErrnoNumbering::Generic)
        .map_or(Errno::new(0, ErrnoNumbering::Generic), |e| e);
    SockExtendedErr::new(e, origin, kind, code, info, data, Endian::Little)
}

#[test]
fn icmp_meanings() {
    let m = Meaning::of(&ee("EMSGSIZE", Origin::ICMP, 3, 4, 1280, 0));
    assert_eq!(m.mtu(), Some(1280));
    let Meaning::Icmp(i) = m else { panic!() };
    assert!(!i.is_fatal());
    let m = Meaning::of(&ee("EPROTO", Origin::ICMP, 12, 0, 20, 0));
    let Meaning::Icmp(i) = m else { panic!() };
    assert_eq!((i.pointer(), i.is_fatal()), (Some(20), true));
    let Meaning::Icmp(i) = Meaning::of(&ee("ECONNREFUSED", Origin::ICMP, 3, 3, 0, 0)) else {
        panic!()
    };
    assert!(i.is_fatal());
    let Meaning::Icmp6(i) = Meaning::of(&ee("EMSGSIZE", Origin::ICMP6, 2, 0, 1280, 0)) else {
        panic!()
    };
    assert_eq!((i.mtu(), i.is_fatal()), (Some(1280), false));
    let Meaning::Icmp6(i) = Meaning::of(&ee("EPROTO", Origin::ICMP6, 1, 7, 0, 0)) else {
        panic!()
    };
    assert!(i.is_fatal());
    let Meaning::Icmp6(i) = Meaning::of(&ee("ENETUNREACH", Origin::ICMP6, 1, 0, 0, 0)) else {
        panic!()
    };
    assert!(!i.is_fatal());
}

#[test]
fn fatal_table_matches_the_kernel() {
    // icmp_err_convert[].fatal, codes 0..=15.
    let fatal = [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1];
    for (code, f) in fatal.iter().enumerate() {
        assert_eq!(
            icmpv4_fatal(Icmpv4Type::DEST_UNREACH, Icmpv4Code(code as u8)),
            *f == 1,
            "code {code}"
        );
    }
    assert!(!icmpv4_fatal(Icmpv4Type::TIME_EXCEEDED, Icmpv4Code(0)));
    // tab_unreach[].fatal, codes 0..=6, then EPROTO fatal.
    let fatal6 = [0, 1, 0, 0, 1, 1, 1, 1, 1];
    for (code, f) in fatal6.iter().enumerate() {
        assert_eq!(
            icmpv6_fatal(Icmpv6Type::DEST_UNREACH, Icmpv6Code(code as u8)),
            *f == 1,
            "code {code}"
        );
    }
    assert!(!icmpv6_fatal(Icmpv6Type::TIME_EXCEEDED, Icmpv6Code(0)));
}

#[test]
fn other_origins() {
    assert_eq!(
        Meaning::of(&ee("ENOMSG", Origin::TIMESTAMPING, 0, 0, 1, 7)),
        Meaning::Timestamp(TxTimestamp {
            kind: TstampKind::SCHED,
            key: 7,
            timestamps: None
        })
    );
    let z = Meaning::of(&ee("", Origin::ZEROCOPY, 0, 1, u32::MAX - 1, 2));
    let Meaning::Zerocopy(z) = z else { panic!() };
    assert_eq!((z.count(), z.copied), (5, true));
    assert!(z.contains(0) && z.contains(u32::MAX) && !z.contains(3));
    let Meaning::TxTime(t) = Meaning::of(&ee("ECANCELED", Origin::TXTIME, 0, 2, 0xdead_beef, 1))
    else {
        panic!()
    };
    assert_eq!((t.txtime, t.missed()), (0x1_dead_beef, true));
    assert!(matches!(
        Meaning::of(&ee("EIO", Origin(9), 0, 0, 0, 0)),
        Meaning::Unknown(_)
    ));
    assert!(matches!(
        Meaning::of(&ee("EIO", Origin::TXSTATUS, 0, 0, 0, 0)),
        Meaning::TxStatus(_)
    ));
    let Meaning::Local(l) = Meaning::of(&ee("EMSGSIZE", Origin::LOCAL, 0, 0, 1280, 0)) else {
        panic!()
    };
    assert_eq!(l.mtu(), Some(1280));
}

#[test]
fn display() {
    let s = |m: Meaning| std::format!("{m}");
    assert_eq!(
        s(Meaning::of(&ee("EHOSTUNREACH", Origin::ICMP, 11, 0, 0, 0))),
        "ICMP time exceeded (TTL exceeded in transit)"
    );
    assert_eq!(
        s(Meaning::of(&ee("EMSGSIZE", Origin::ICMP6, 2, 0, 1280, 0))),
        "ICMPv6 packet too big (MTU 1280)"
    );
    assert_eq!(
        s(Meaning::of(&ee("", Origin::ZEROCOPY, 0, 0, 0, 4))),
        "zerocopy completion 0..=4"
    );
}
