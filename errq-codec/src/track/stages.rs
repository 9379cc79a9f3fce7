//! Which transmit-timestamp stages a send expects, and one stage's time.

use core::fmt;
use core::ops::{BitOr, BitOrAssign};

use crate::timestamp::{Timespec, TstampKind};

/// A set of stages (`SCM_TSTAMP_*`): bit `1 << n` for [`TstampKind`]`(n)`, n in 0..=3.
///
/// ```
/// use errq_codec::timestamp::TstampKind;
/// use errq_codec::track::Stages;
///
/// let s = Stages::SCHED | Stages::SND;
/// assert!(s.contains(Stages::SND) && !s.contains(Stages::ACK));
/// assert_eq!(Stages::of(TstampKind::SCHED), Some(Stages::SCHED));
/// assert_eq!(s.len(), 2);
/// assert_eq!(s.to_string(), "SND|SCHED");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Stages(pub u8);

impl Stages {
    /// No stage.
    pub const NONE: Self = Self(0);
    /// `SCM_TSTAMP_SND` (`SOF_TIMESTAMPING_TX_SOFTWARE` / `TX_HARDWARE`).
    #[doc(alias = "SCM_TSTAMP_SND")]
    pub const SND: Self = Self(1 << 0);
    /// `SCM_TSTAMP_SCHED` (`SOF_TIMESTAMPING_TX_SCHED`).
    #[doc(alias = "SCM_TSTAMP_SCHED")]
    pub const SCHED: Self = Self(1 << 1);
    /// `SCM_TSTAMP_ACK` (`SOF_TIMESTAMPING_TX_ACK`, TCP only).
    #[doc(alias = "SCM_TSTAMP_ACK")]
    pub const ACK: Self = Self(1 << 2);
    /// `SCM_TSTAMP_COMPLETION` (`SOF_TIMESTAMPING_TX_COMPLETION`, Linux 6.15).
    #[doc(alias = "SCM_TSTAMP_COMPLETION")]
    pub const COMPLETION: Self = Self(1 << 3);
    /// Every stage this module knows.
    pub const ALL: Self = Self(0b1111);

    /// The stage of a report kind; `None` for a kind this module does not know.
    #[must_use]
    pub const fn of(kind: TstampKind) -> Option<Self> {
        if kind.0 <= 3 {
            Some(Self(1 << kind.0))
        } else {
            None
        }
    }

    /// Whether every stage of `other` is in `self`.
    #[must_use]
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no stage is set.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many stages are set.
    #[must_use]
    pub const fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// The stages of `self` not in `other`.
    #[must_use]
    pub const fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// The stages in both.
    #[must_use]
    pub const fn and(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// Whether only known stages are set ([`Stages::ALL`]).
    #[must_use]
    pub const fn is_known(self) -> bool {
        self.0 & !Self::ALL.0 == 0
    }

    /// The stages set, as report kinds, in `SCM_TSTAMP_*` order.
    pub fn kinds(self) -> impl Iterator<Item = TstampKind> {
        (0..4u32)
            .filter(move |n| self.0 & (1 << n) != 0)
            .map(TstampKind)
    }
}

impl BitOr for Stages {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl BitOrAssign for Stages {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

impl fmt::Display for Stages {
    /// `SND|SCHED`, `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut first = true;
        for k in self.kinds() {
            if !first {
                f.write_str("|")?;
            }
            first = false;
            write!(f, "{k}")?;
        }
        if !self.is_known() {
            write!(f, "|{:#x}", self.0 & !Self::ALL.0)?;
        }
        Ok(())
    }
}

/// One stage's time, as the kernel reported it.
///
/// ```
/// use errq_codec::timestamp::Timespec;
/// use errq_codec::track::Stamp;
///
/// let s = Stamp { time: Timespec { sec: 1, nsec: 5 }, hardware: false };
/// assert_eq!(s.time.nsec, 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// The time: `ts[0]` of `scm_timestamping` (software) or `ts[2]` (raw hardware).
    pub time: Timespec,
    /// Whether it is the device's hardware clock (`ts[2]`) rather than the system clock.
    pub hardware: bool,
}

impl Stamp {
    /// `later - self` when both are on the same clock and `later` is not earlier; `None`
    /// otherwise (a hardware and a software time are on different clocks).
    #[must_use]
    pub fn until(&self, later: &Self) -> Option<core::time::Duration> {
        if self.hardware != later.hardware {
            return None;
        }
        let ns = |t: &Timespec| {
            i128::from(t.sec)
                .saturating_mul(1_000_000_000)
                .saturating_add(i128::from(t.nsec))
        };
        let d = ns(&later.time).checked_sub(ns(&self.time))?;
        let d = u128::try_from(d).ok()?;
        let secs = u64::try_from(d / 1_000_000_000).ok()?;
        let nanos = u32::try_from(d % 1_000_000_000).ok()?;
        Some(core::time::Duration::new(secs, nanos))
    }
}
