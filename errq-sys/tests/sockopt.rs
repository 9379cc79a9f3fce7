//! Option constants pinned to the kernel's values, and set/get round trips.
// Tests report failures by panicking, and use small known values.
#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]

mod common;

use std::time::Duration;

use common::bind;
use errq_sys::*;

#[test]
fn constants_are_the_kernel_values() {
    // linux/in.h and linux/in6.h (Linux 5.9); libc does not define these two.
    assert_eq!(IP_RECVERR_RFC4884, 26);
    assert_eq!(IPV6_RECVERR_RFC4884, 31);
    // What the rest of the crate takes from libc.
    assert_eq!(libc::IP_RECVERR, 11);
    assert_eq!(libc::IPV6_RECVERR, 25);
    assert_eq!(libc::MSG_ERRQUEUE, 0x2000);
    assert_eq!(libc::IP_MTU_DISCOVER, 10);
    assert_eq!(libc::IPV6_MTU_DISCOVER, 23);
    assert_eq!(libc::IP_RECVTTL, 12);
    assert_eq!(libc::IPV6_RECVHOPLIMIT, 51);
    assert_eq!(libc::IP_PKTINFO, 8);
    assert_eq!(libc::IPV6_RECVPKTINFO, 49);
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "x86"))]
    {
        assert_eq!(libc::SO_ZEROCOPY, 60);
        assert_eq!(libc::SOL_SOCKET, 1);
    }
    #[cfg(all(
        target_pointer_width = "64",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    assert_eq!(libc::SO_TIMESTAMPING, 37);
}

#[test]
fn pmtudisc_values_match_libc() {
    for (ours, v4, v6) in [
        (
            PmtuDisc::DONT,
            libc::IP_PMTUDISC_DONT,
            libc::IPV6_PMTUDISC_DONT,
        ),
        (
            PmtuDisc::WANT,
            libc::IP_PMTUDISC_WANT,
            libc::IPV6_PMTUDISC_WANT,
        ),
        (PmtuDisc::DO, libc::IP_PMTUDISC_DO, libc::IPV6_PMTUDISC_DO),
        (
            PmtuDisc::PROBE,
            libc::IP_PMTUDISC_PROBE,
            libc::IPV6_PMTUDISC_PROBE,
        ),
        (
            PmtuDisc::INTERFACE,
            libc::IP_PMTUDISC_INTERFACE,
            libc::IPV6_PMTUDISC_INTERFACE,
        ),
        (
            PmtuDisc::OMIT,
            libc::IP_PMTUDISC_OMIT,
            libc::IPV6_PMTUDISC_OMIT,
        ),
    ] {
        assert_eq!(ours.0, v4);
        assert_eq!(ours.0, v6);
    }
}

#[test]
fn timestamping_flags_match_libc() {
    for (ours, theirs) in [
        (
            Timestamping::TX_HARDWARE,
            libc::SOF_TIMESTAMPING_TX_HARDWARE,
        ),
        (
            Timestamping::TX_SOFTWARE,
            libc::SOF_TIMESTAMPING_TX_SOFTWARE,
        ),
        (
            Timestamping::RX_HARDWARE,
            libc::SOF_TIMESTAMPING_RX_HARDWARE,
        ),
        (
            Timestamping::RX_SOFTWARE,
            libc::SOF_TIMESTAMPING_RX_SOFTWARE,
        ),
        (Timestamping::SOFTWARE, libc::SOF_TIMESTAMPING_SOFTWARE),
        (
            Timestamping::SYS_HARDWARE,
            libc::SOF_TIMESTAMPING_SYS_HARDWARE,
        ),
        (
            Timestamping::RAW_HARDWARE,
            libc::SOF_TIMESTAMPING_RAW_HARDWARE,
        ),
        (Timestamping::OPT_ID, libc::SOF_TIMESTAMPING_OPT_ID),
        (Timestamping::TX_SCHED, libc::SOF_TIMESTAMPING_TX_SCHED),
        (Timestamping::TX_ACK, libc::SOF_TIMESTAMPING_TX_ACK),
        (Timestamping::OPT_CMSG, libc::SOF_TIMESTAMPING_OPT_CMSG),
        (Timestamping::OPT_TSONLY, libc::SOF_TIMESTAMPING_OPT_TSONLY),
        (Timestamping::OPT_STATS, libc::SOF_TIMESTAMPING_OPT_STATS),
        (
            Timestamping::OPT_PKTINFO,
            libc::SOF_TIMESTAMPING_OPT_PKTINFO,
        ),
        (
            Timestamping::OPT_TX_SWHW,
            libc::SOF_TIMESTAMPING_OPT_TX_SWHW,
        ),
        (Timestamping::BIND_PHC, libc::SOF_TIMESTAMPING_BIND_PHC),
        (Timestamping::OPT_ID_TCP, libc::SOF_TIMESTAMPING_OPT_ID_TCP),
        (
            Timestamping::OPT_RX_FILTER,
            libc::SOF_TIMESTAMPING_OPT_RX_FILTER,
        ),
    ] {
        assert_eq!(ours.0, theirs);
    }
    assert_eq!(Timestamping::TX_COMPLETION.0, 1 << 18);
    let f = Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE;
    assert!(f.contains(Timestamping::SOFTWARE));
    assert!(!f.contains(Timestamping::OPT_ID));
}

#[test]
fn control_space_fits_the_largest_error_message() {
    // 16-byte cmsghdr, 8-byte alignment: see error_control_space's docs for the parts.
    #[cfg(target_pointer_width = "64")]
    assert_eq!(ERROR_CONTROL_SPACE, 800);
    // 12-byte cmsghdr, 4-byte alignment (i686, arm, and any 32-bit task).
    #[cfg(target_pointer_width = "32")]
    assert_eq!(ERROR_CONTROL_SPACE, 724);
    assert_eq!(ERROR_CONTROL_SPACE, error_control_space());
    assert_eq!(
        ControlBuffer::<ERROR_CONTROL_SPACE>::LEN,
        ERROR_CONTROL_SPACE
    );
    assert_eq!(std::mem::align_of::<ControlBuffer>(), 8);
    assert_eq!(NAME_SPACE, std::mem::size_of::<libc::sockaddr_storage>());
    assert_eq!(std::mem::align_of::<NameBuffer>(), 8);
}

#[test]
fn ipv4_options_round_trip() {
    let s = bind("127.0.0.1").unwrap();
    for on in [true, false] {
        set_ip_recverr(&s, on).unwrap();
        assert_eq!(ip_recverr(&s).unwrap(), on);
        set_ip_recverr_rfc4884(&s, on).unwrap();
        assert_eq!(ip_recverr_rfc4884(&s).unwrap(), on);
        set_so_zerocopy(&s, on).unwrap();
        assert_eq!(so_zerocopy(&s).unwrap(), on);
    }
    set_ip_mtu_discover(&s, PmtuDisc::PROBE).unwrap();
    assert_eq!(ip_mtu_discover(&s).unwrap(), PmtuDisc::PROBE);
    set_ip_recvttl(&s, true).unwrap();
    set_ip_pktinfo(&s, true).unwrap();
    let flags = Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID;
    set_so_timestamping(&s, flags).unwrap();
    assert_eq!(so_timestamping(&s).unwrap(), flags);
    assert_eq!(so_domain(&s).unwrap(), errq_codec::addr::Family::INET);
    assert_eq!(so_type(&s).unwrap(), libc::SOCK_DGRAM);
    // IPv6 options on an IPv4 socket are refused.
    assert!(set_ipv6_recverr(&s, true).is_err());
    assert!(set_recverr_dual_stack(&s, true).is_err());
    set_recverr(&s, true).unwrap();
    assert!(ip_recverr(&s).unwrap());
}

#[test]
fn ipv6_options_round_trip() {
    let Some(s) = bind("::1") else { return };
    for on in [true, false] {
        set_ipv6_recverr(&s, on).unwrap();
        assert_eq!(ipv6_recverr(&s).unwrap(), on);
        set_ipv6_recverr_rfc4884(&s, on).unwrap();
        assert_eq!(ipv6_recverr_rfc4884(&s).unwrap(), on);
        set_recverr_dual_stack(&s, on).unwrap();
        assert_eq!(ipv6_recverr(&s).unwrap(), on);
        assert_eq!(ip_recverr(&s).unwrap(), on);
    }
    set_ipv6_mtu_discover(&s, PmtuDisc::DO).unwrap();
    assert_eq!(ipv6_mtu_discover(&s).unwrap(), PmtuDisc::DO);
    set_ipv6_recvhoplimit(&s, true).unwrap();
    set_ipv6_recvpktinfo(&s, true).unwrap();
    set_ipv6_unicast_hops(&s, 7).unwrap();
    assert_eq!(so_domain(&s).unwrap(), errq_codec::addr::Family::INET6);
    set_recverr(&s, true).unwrap();
    assert!(ipv6_recverr(&s).unwrap() && ip_recverr(&s).unwrap());
}

#[test]
fn path_mtu_of_a_connected_socket() {
    let s = bind("127.0.0.1").unwrap();
    assert!(ip_mtu(&s).is_err(), "ENOTCONN before connect");
    s.connect(common::closed_port("127.0.0.1")).unwrap();
    assert!(ip_mtu(&s).unwrap() >= 1280);
    let _ = Duration::ZERO;
}
