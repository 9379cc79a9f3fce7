//! `ee_origin`: where an extended error came from (`SO_EE_ORIGIN_*`, `linux/errqueue.h`).

use crate::table::table;

/// Where an extended error came from: `ee_origin`. An open newtype: unknown values stay
/// representable. `Debug` names the value and keeps the number (`Origin::ICMP(2)`),
/// `Display` gives the kernel's name (`ICMP`).
///
/// ```
/// use errq_codec::ee::{Origin, SockExtendedErr};
///
/// // sock_extended_err of a real x86_64 capture (port unreachable): ee_origin is byte 4.
/// let bytes = [111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// let ee = SockExtendedErr::decode(&bytes, &errq_codec::abi::Abi::X86_64)?;
/// assert_eq!(ee.origin, Origin::ICMP);
/// assert_eq!(format!("{:?} {}", ee.origin, ee.origin), "Origin::ICMP(2) ICMP");
/// assert_eq!(format!("{:?} {}", Origin(9), Origin(9)), "Origin(9) origin 9");
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[doc(alias = "ee_origin")]
pub struct Origin(pub u8);

table! {
    /// The kernel's name without the prefix, e.g. `"ICMP"`; `None` when unknown.
    Origin::name, unknown "origin {}", Debug;
    /// `SO_EE_ORIGIN_NONE`.
    NONE = 0, "NONE", alias "SO_EE_ORIGIN_NONE";
    /// `SO_EE_ORIGIN_LOCAL`: the local stack (e.g. `EMSGSIZE` over a known path MTU).
    LOCAL = 1, "LOCAL", alias "SO_EE_ORIGIN_LOCAL";
    /// `SO_EE_ORIGIN_ICMP`: an ICMPv4 error.
    ICMP = 2, "ICMP", alias "SO_EE_ORIGIN_ICMP";
    /// `SO_EE_ORIGIN_ICMP6`: an ICMPv6 error.
    ICMP6 = 3, "ICMP6", alias "SO_EE_ORIGIN_ICMP6";
    /// `SO_EE_ORIGIN_TIMESTAMPING`: a transmit timestamp.
    TIMESTAMPING = 4, "TIMESTAMPING", alias "SO_EE_ORIGIN_TIMESTAMPING";
    /// `SO_EE_ORIGIN_ZEROCOPY`: a `MSG_ZEROCOPY` completion.
    ZEROCOPY = 5, "ZEROCOPY", alias "SO_EE_ORIGIN_ZEROCOPY";
    /// `SO_EE_ORIGIN_TXTIME`: a packet dropped by the `SO_TXTIME` machinery.
    TXTIME = 6, "TXTIME", alias "SO_EE_ORIGIN_TXTIME";
}

impl Origin {
    /// `SO_EE_ORIGIN_TXSTATUS`: the same number as [`Origin::TIMESTAMPING`]. Not in
    /// [`Origin::ALL`], and named `TIMESTAMPING` by `name()`, `Display` and `Debug`.
    #[doc(alias = "SO_EE_ORIGIN_TXSTATUS")]
    pub const TXSTATUS: Self = Self(4);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::string::ToString;

    #[test]
    fn table_is_the_kernel_header() {
        // linux/errqueue.h, by hand: number, Debug, Display.
        let want = [
            (0, "Origin::NONE(0)", "NONE"),
            (1, "Origin::LOCAL(1)", "LOCAL"),
            (2, "Origin::ICMP(2)", "ICMP"),
            (3, "Origin::ICMP6(3)", "ICMP6"),
            (4, "Origin::TIMESTAMPING(4)", "TIMESTAMPING"),
            (5, "Origin::ZEROCOPY(5)", "ZEROCOPY"),
            (6, "Origin::TXTIME(6)", "TXTIME"),
        ];
        assert_eq!(Origin::ALL.len(), want.len());
        for (o, (n, debug, display)) in Origin::ALL.iter().zip(want) {
            assert_eq!(o.0, n);
            assert_eq!(format!("{o:?}"), debug);
            assert_eq!(o.to_string(), display);
            assert_eq!(o.name(), Some(display));
        }
        for n in 7..=255u8 {
            assert_eq!(format!("{:?}", Origin(n)), format!("Origin({n})"));
            assert_eq!(Origin(n).to_string(), format!("origin {n}"));
            assert_eq!(Origin(n).name(), None);
        }
        assert_eq!(Origin::TXSTATUS.0, 4);
        assert_eq!(format!("{:?}", Origin::TXSTATUS), "Origin::TIMESTAMPING(4)");
    }
}
