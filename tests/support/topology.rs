//! The three-namespace topology `A - R - B` of the live ICMP tests, and its addresses.
//!
//! ```text
//!   A  vA  198.18.1.1  2001:db8:1::1 ------ vRA 198.18.1.2  2001:db8:1::2  R
//!   R  vRB 198.18.2.1  2001:db8:2::1 ------ vB  198.18.2.2  2001:db8:2::2  B   (MTU 1280)
//!   on R (forwarding on):
//!     unreachable 198.18.50.0/24  2001:db8:50::/64   -> host unreachable / no route
//!     prohibit    198.18.51.0/24  2001:db8:51::/64   -> admin prohibited
//!     blackhole   198.18.52.0/24  2001:db8:52::/64   -> silence (for hand-built errors)
//! ```
//!
//! The same plan as `tests/capture/capture.sh`, with the same addresses (only
//! 198.18.0.0/15 and 2001:db8::/32). Each namespace is a [`Netns`]: rate limits off, ping
//! sockets allowed, deleted on drop.
//!
//! ```no_run
//! use errq_tests::netns::require_root;
//! use errq_tests::topology::Topology;
//!
//! if !require_root() {
//!     return; // printed why
//! }
//! let topo = Topology::new().expect("topology");
//! let got = topo.a.run(|| {
//!     // sockets made here live in namespace A
//!     let s = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
//!     s.local_addr().unwrap().port()
//! });
//! assert_ne!(got, 0);
//! ```

use std::io;

use crate::netns::Netns;

/// The addresses of the topology (the same as `tests/capture/capture.sh`).
pub mod addr {
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// A's address on the A-R link.
    pub const A4: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);
    /// A's IPv6 address on the A-R link.
    pub const A6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);
    /// R's address on the A-R link (A's gateway; the source of R's ICMP errors to A).
    pub const RA4: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 2);
    /// R's IPv6 address on the A-R link.
    pub const RA6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 2);
    /// R's address on the R-B link (MTU 1280).
    pub const RB4: Ipv4Addr = Ipv4Addr::new(198, 18, 2, 1);
    /// R's IPv6 address on the R-B link.
    pub const RB6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1);
    /// B's address (behind the 1280-byte link).
    pub const B4: Ipv4Addr = Ipv4Addr::new(198, 18, 2, 2);
    /// B's IPv6 address.
    pub const B6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 2);
    /// An address under R's `unreachable` route (ICMP host unreachable, code 1).
    pub const UNREACH4: Ipv4Addr = Ipv4Addr::new(198, 18, 50, 1);
    /// An address under R's IPv6 `unreachable` route (ICMPv6 no route, code 0).
    pub const UNREACH6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x50, 0, 0, 0, 0, 1);
    /// An address under R's `prohibit` route (ICMP admin prohibited, code 13).
    pub const PROHIBIT4: Ipv4Addr = Ipv4Addr::new(198, 18, 51, 1);
    /// An address under R's IPv6 `prohibit` route (ICMPv6 admin prohibited, code 1).
    pub const PROHIBIT6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x51, 0, 0, 0, 0, 1);
    /// An address under R's `blackhole` route: dropped silently, so a test can answer the
    /// probe with a hand-built ICMP error from R (see [`crate::hand_built::hand_built_error`]).
    pub const HOLE4: Ipv4Addr = Ipv4Addr::new(198, 18, 52, 1);
    /// An address under R's IPv6 `blackhole` route.
    pub const HOLE6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x52, 0, 0, 0, 0, 1);
    /// The MTU of the R-B link.
    pub const MTU_RB: u32 = 1280;
    /// The MTU of the A-R link (veth default).
    pub const MTU_AR: u32 = 1500;
}

/// The three namespaces `A - R - B`; see the [module docs](self) for addresses and routes.
/// Dropping it deletes the namespaces (fields drop in order b, r, a... any order works).
#[derive(Debug)]
pub struct Topology {
    /// The sender: default routes via R (198.18.1.2, 2001:db8:1::2).
    pub a: Netns,
    /// The router: forwarding on, unreachable/prohibit/blackhole routes.
    pub r: Netns,
    /// The far host, behind the 1280-byte link.
    pub b: Netns,
}

impl Topology {
    /// Build the topology. Takes some tens of milliseconds (about 30 `ip` commands).
    ///
    /// # Errors
    /// Any `ip` command or sysctl failed.
    pub fn new() -> io::Result<Self> {
        let a = Netns::new("A")?;
        let r = Netns::new("R")?;
        let b = Netns::new("B")?;
        a.ip(&[
            "link",
            "add",
            "vA",
            "type",
            "veth",
            "peer",
            "name",
            "vRA",
            "netns",
            r.name(),
        ])?;
        r.ip(&[
            "link",
            "add",
            "vRB",
            "type",
            "veth",
            "peer",
            "name",
            "vB",
            "netns",
            b.name(),
        ])?;
        r.ip(&["link", "set", "dev", "vRB", "mtu", "1280"])?;
        b.ip(&["link", "set", "dev", "vB", "mtu", "1280"])?;
        for (ns, dev, v4, v6) in [
            (&a, "vA", "198.18.1.1/24", "2001:db8:1::1/64"),
            (&r, "vRA", "198.18.1.2/24", "2001:db8:1::2/64"),
            (&r, "vRB", "198.18.2.1/24", "2001:db8:2::1/64"),
            (&b, "vB", "198.18.2.2/24", "2001:db8:2::2/64"),
        ] {
            ns.ip(&["addr", "add", v4, "dev", dev])?;
            ns.ip(&["addr", "add", v6, "dev", dev, "nodad"])?;
            ns.ip(&["link", "set", "dev", dev, "up"])?;
        }
        a.ip(&["route", "add", "default", "via", "198.18.1.2"])?;
        a.ip(&["-6", "route", "add", "default", "via", "2001:db8:1::2"])?;
        b.ip(&["route", "add", "default", "via", "198.18.2.1"])?;
        b.ip(&["-6", "route", "add", "default", "via", "2001:db8:2::1"])?;
        r.sysctl("net/ipv4/ip_forward", "1")?;
        r.sysctl("net/ipv6/conf/all/forwarding", "1")?;
        for (kind, v4, v6) in [
            ("unreachable", "198.18.50.0/24", "2001:db8:50::/64"),
            ("prohibit", "198.18.51.0/24", "2001:db8:51::/64"),
            ("blackhole", "198.18.52.0/24", "2001:db8:52::/64"),
        ] {
            r.ip(&["route", "add", kind, v4])?;
            r.ip(&["-6", "route", "add", kind, v6])?;
        }
        Ok(Self { a, r, b })
    }
}
