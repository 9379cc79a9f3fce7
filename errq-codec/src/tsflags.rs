//! `SOF_TIMESTAMPING_*` flags (`linux/net_tstamp.h`): the same numbers on every
//! architecture.

/// `SOF_TIMESTAMPING_*` flags: what to timestamp and how to report it. Open newtype: combine
/// with `|`.
///
/// The socket option `SO_TIMESTAMPING` takes all of them (errq-sys `set_so_timestamping`);
/// a per-send `SO_TIMESTAMPING` control message takes only the [`TX_RECORD_MASK`]
/// (`Timestamping::TX_RECORD_MASK`) flags (see [`crate::send`]).
///
/// ```
/// use errq_codec::tsflags::Timestamping;
/// let flags = Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID;
/// assert!(flags.contains(Timestamping::OPT_ID));
/// assert_eq!(flags.0, 0x92);
/// ```
///
/// [`TX_RECORD_MASK`]: Timestamping::TX_RECORD_MASK
///
/// Values from `linux/net_tstamp.h`; they are the same on every architecture.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Timestamping(pub u32);

impl Timestamping {
    /// No timestamping.
    pub const NONE: Self = Self(0);
    /// `SOF_TIMESTAMPING_TX_HARDWARE`: request hardware transmit timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_TX_HARDWARE")]
    pub const TX_HARDWARE: Self = Self(1 << 0);
    /// `SOF_TIMESTAMPING_TX_SOFTWARE`: request software transmit timestamps (at the driver).
    #[doc(alias = "SOF_TIMESTAMPING_TX_SOFTWARE")]
    pub const TX_SOFTWARE: Self = Self(1 << 1);
    /// `SOF_TIMESTAMPING_RX_HARDWARE`: request hardware receive timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_RX_HARDWARE")]
    pub const RX_HARDWARE: Self = Self(1 << 2);
    /// `SOF_TIMESTAMPING_RX_SOFTWARE`: request software receive timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_RX_SOFTWARE")]
    pub const RX_SOFTWARE: Self = Self(1 << 3);
    /// `SOF_TIMESTAMPING_SOFTWARE`: report software timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_SOFTWARE")]
    pub const SOFTWARE: Self = Self(1 << 4);
    /// `SOF_TIMESTAMPING_SYS_HARDWARE`: deprecated, ignored by the kernel.
    #[doc(alias = "SOF_TIMESTAMPING_SYS_HARDWARE")]
    pub const SYS_HARDWARE: Self = Self(1 << 5);
    /// `SOF_TIMESTAMPING_RAW_HARDWARE`: report raw hardware timestamps.
    #[doc(alias = "SOF_TIMESTAMPING_RAW_HARDWARE")]
    pub const RAW_HARDWARE: Self = Self(1 << 6);
    /// `SOF_TIMESTAMPING_OPT_ID`: tag each send with a counter (`ee_data`).
    #[doc(alias = "SOF_TIMESTAMPING_OPT_ID")]
    pub const OPT_ID: Self = Self(1 << 7);
    /// `SOF_TIMESTAMPING_TX_SCHED`: timestamp on entering the packet scheduler.
    #[doc(alias = "SOF_TIMESTAMPING_TX_SCHED")]
    pub const TX_SCHED: Self = Self(1 << 8);
    /// `SOF_TIMESTAMPING_TX_ACK`: timestamp when the data is acknowledged (TCP).
    #[doc(alias = "SOF_TIMESTAMPING_TX_ACK")]
    pub const TX_ACK: Self = Self(1 << 9);
    /// `SOF_TIMESTAMPING_OPT_CMSG`: add `IP_PKTINFO` (and the source address) to entries.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_CMSG")]
    pub const OPT_CMSG: Self = Self(1 << 10);
    /// `SOF_TIMESTAMPING_OPT_TSONLY`: do not loop the packet back, timestamps only.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_TSONLY")]
    pub const OPT_TSONLY: Self = Self(1 << 11);
    /// `SOF_TIMESTAMPING_OPT_STATS`: add `SCM_TIMESTAMPING_OPT_STATS` (TCP statistics).
    #[doc(alias = "SOF_TIMESTAMPING_OPT_STATS")]
    pub const OPT_STATS: Self = Self(1 << 12);
    /// `SOF_TIMESTAMPING_OPT_PKTINFO`: add `SCM_TIMESTAMPING_PKTINFO` to received packets.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_PKTINFO")]
    pub const OPT_PKTINFO: Self = Self(1 << 13);
    /// `SOF_TIMESTAMPING_OPT_TX_SWHW`: report both software and hardware transmit stamps.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_TX_SWHW")]
    pub const OPT_TX_SWHW: Self = Self(1 << 14);
    /// `SOF_TIMESTAMPING_BIND_PHC`: bind to a PTP clock (errq-sys `set_so_timestamping_bind_phc`).
    #[doc(alias = "SOF_TIMESTAMPING_BIND_PHC")]
    pub const BIND_PHC: Self = Self(1 << 15);
    /// `SOF_TIMESTAMPING_OPT_ID_TCP`: count `OPT_ID` in bytes sent, for TCP.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_ID_TCP")]
    pub const OPT_ID_TCP: Self = Self(1 << 16);
    /// `SOF_TIMESTAMPING_OPT_RX_FILTER`: filter receive timestamps by the device's config.
    #[doc(alias = "SOF_TIMESTAMPING_OPT_RX_FILTER")]
    pub const OPT_RX_FILTER: Self = Self(1 << 17);
    /// `SOF_TIMESTAMPING_TX_COMPLETION` (Linux 6.14): timestamp on transmit completion.
    #[doc(alias = "SOF_TIMESTAMPING_TX_COMPLETION")]
    pub const TX_COMPLETION: Self = Self(1 << 18);

    /// The flags a per-send `SO_TIMESTAMPING` control message may carry
    /// (`SOF_TIMESTAMPING_TX_RECORD_MASK`: `TX_HARDWARE | TX_SOFTWARE | TX_SCHED | TX_ACK |
    /// TX_COMPLETION`); `__sock_cmsg_send` (net/core/sock.c) refuses any other bit with
    /// `EINVAL`.
    #[doc(alias = "SOF_TIMESTAMPING_TX_RECORD_MASK")]
    pub const TX_RECORD_MASK: Self = Self(
        Self::TX_HARDWARE.0
            | Self::TX_SOFTWARE.0
            | Self::TX_SCHED.0
            | Self::TX_ACK.0
            | Self::TX_COMPLETION.0,
    );

    /// Whether every flag of `other` is set in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl core::ops::BitOr for Timestamping {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl core::ops::BitOrAssign for Timestamping {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

/// Every named flag, in bit order, for `Debug`.
const NAMES: [(Timestamping, &str); 19] = [
    (Timestamping::TX_HARDWARE, "TX_HARDWARE"),
    (Timestamping::TX_SOFTWARE, "TX_SOFTWARE"),
    (Timestamping::RX_HARDWARE, "RX_HARDWARE"),
    (Timestamping::RX_SOFTWARE, "RX_SOFTWARE"),
    (Timestamping::SOFTWARE, "SOFTWARE"),
    (Timestamping::SYS_HARDWARE, "SYS_HARDWARE"),
    (Timestamping::RAW_HARDWARE, "RAW_HARDWARE"),
    (Timestamping::OPT_ID, "OPT_ID"),
    (Timestamping::TX_SCHED, "TX_SCHED"),
    (Timestamping::TX_ACK, "TX_ACK"),
    (Timestamping::OPT_CMSG, "OPT_CMSG"),
    (Timestamping::OPT_TSONLY, "OPT_TSONLY"),
    (Timestamping::OPT_STATS, "OPT_STATS"),
    (Timestamping::OPT_PKTINFO, "OPT_PKTINFO"),
    (Timestamping::OPT_TX_SWHW, "OPT_TX_SWHW"),
    (Timestamping::BIND_PHC, "BIND_PHC"),
    (Timestamping::OPT_ID_TCP, "OPT_ID_TCP"),
    (Timestamping::OPT_RX_FILTER, "OPT_RX_FILTER"),
    (Timestamping::TX_COMPLETION, "TX_COMPLETION"),
];

/// `Timestamping(TX_SOFTWARE | SOFTWARE | OPT_ID)`; bits without a name are shown in hex.
impl core::fmt::Debug for Timestamping {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Timestamping(")?;
        let mut rest = self.0;
        let mut first = true;
        for (flag, name) in NAMES {
            if rest & flag.0 != 0 {
                if !first {
                    f.write_str(" | ")?;
                }
                f.write_str(name)?;
                rest &= !flag.0;
                first = false;
            }
        }
        if rest != 0 || first {
            if !first {
                f.write_str(" | ")?;
            }
            write!(f, "{rest:#x}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn debug_names_the_flags() {
        let t = Timestamping::TX_SOFTWARE | Timestamping::SOFTWARE | Timestamping::OPT_ID;
        assert_eq!(
            format!("{t:?}"),
            "Timestamping(TX_SOFTWARE | SOFTWARE | OPT_ID)"
        );
        assert_eq!(
            format!("{:?}", Timestamping(1 << 30 | 1)),
            "Timestamping(TX_HARDWARE | 0x40000000)"
        );
        assert_eq!(format!("{:?}", Timestamping::NONE), "Timestamping(0x0)");
    }
}
