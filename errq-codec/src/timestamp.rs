//! Timestamp records: `SO_TIMESTAMP`, `SO_TIMESTAMPNS`, `SO_TIMESTAMPING` (old and new
//! layouts), and the `ee_info` kinds of a transmit timestamp.
//!
//! The old records use the task's `long`/`time_t` ([`Abi::time_t`] bytes per field); the new
//! ones (`SO_*_NEW`, what a 32-bit program with a 64-bit `time_t` gets) always use two `i64`.

use core::fmt;

use crate::abi::{Abi, Endian};
use crate::error::{Error, Reason, Structure};

/// Which layout a timestamp record uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// `SO_*_OLD`: fields of the task's `time_t` width.
    #[default]
    Old,
    /// `SO_*_NEW`: 64-bit fields.
    New,
}

/// Seconds and nanoseconds (`struct timespec` / `__kernel_timespec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[doc(alias = "timespec")]
pub struct Timespec {
    /// `tv_sec`.
    pub sec: i64,
    /// `tv_nsec`.
    pub nsec: i64,
}

impl Timespec {
    /// Whether both fields are zero (the kernel leaves an unused slot of
    /// `scm_timestamping` zeroed).
    #[must_use]
    pub const fn is_zero(&self) -> bool {
        self.sec == 0 && self.nsec == 0
    }

    /// As a `core::time::Duration` since the clock's epoch; `None` if negative or out of
    /// range.
    #[must_use]
    pub fn to_duration(&self) -> Option<core::time::Duration> {
        let sec = u64::try_from(self.sec).ok()?;
        let nsec = u32::try_from(self.nsec)
            .ok()
            .filter(|n| *n < 1_000_000_000)?;
        Some(core::time::Duration::new(sec, nsec))
    }
}

impl fmt::Display for Timespec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.sec, self.nsec)
    }
}

/// Seconds and microseconds (`struct timeval` / `__kernel_sock_timeval`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[doc(alias = "timeval")]
pub struct Timeval {
    /// `tv_sec`.
    pub sec: i64,
    /// `tv_usec`.
    pub usec: i64,
}

impl fmt::Display for Timeval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}", self.sec, self.usec)
    }
}

/// `struct scm_timestamping` / `scm_timestamping64`: three timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[doc(alias = "scm_timestamping")]
#[doc(alias = "scm_timestamping64")]
pub struct ScmTimestamping {
    /// `ts[0]`, `ts[1]`, `ts[2]`.
    pub ts: [Timespec; 3],
    /// The layout it was read from.
    pub layout: Layout,
}

impl ScmTimestamping {
    /// `ts[0]`: the software timestamp (`SOF_TIMESTAMPING_SOFTWARE`); `None` if zero.
    #[must_use]
    pub const fn software(&self) -> Option<Timespec> {
        nonzero(self.ts[0])
    }

    /// `ts[1]`: deprecated, always zero on current kernels; `None` if zero.
    #[must_use]
    pub const fn legacy(&self) -> Option<Timespec> {
        nonzero(self.ts[1])
    }

    /// `ts[2]`: the raw hardware timestamp (`SOF_TIMESTAMPING_RAW_HARDWARE`); `None` if
    /// zero.
    #[must_use]
    pub const fn hardware(&self) -> Option<Timespec> {
        nonzero(self.ts[2])
    }

    /// The size of the record for `layout` on `abi`.
    #[must_use]
    pub const fn encoded_len(layout: Layout, abi: &Abi) -> usize {
        match layout {
            Layout::Old => abi.time_t.saturating_mul(6),
            Layout::New => 48,
        }
    }

    /// Decode from control-message data.
    ///
    /// # Errors
    /// [`Error::Truncated`] if `data` is shorter than three timespecs of the layout; for
    /// [`Layout::Old`], the [`Abi::validate`] error if the ABI's `time_t` is not 4 or 8.
    pub fn decode(data: &[u8], layout: Layout, abi: &Abi) -> Result<Self, Error> {
        let w = field_width(layout, abi)?;
        let need = w.saturating_mul(6);
        if data.len() < need {
            return Err(Error::truncated(
                Structure::ScmTimestamping,
                need,
                data.len(),
            ));
        }
        let mut ts = [Timespec::default(); 3];
        for (i, t) in ts.iter_mut().enumerate() {
            let at = i.saturating_mul(2).saturating_mul(w);
            t.sec = read_long(data, at, w, abi.endian);
            t.nsec = read_long(data, at.saturating_add(w), w, abi.endian);
        }
        Ok(Self { ts, layout })
    }

    /// [`ScmTimestamping::decode`] for a byte order fixed at compile time (the message walk's):
    /// the same result and the same error, with the six fields read at constant offsets.
    #[inline]
    pub(crate) fn decode_fixed<const BE: bool>(
        data: &[u8],
        layout: Layout,
        time_t: usize,
    ) -> Result<Self, Error> {
        /// `N` bytes at `at`; the caller checked the length, so this never falls back.
        #[inline(always)]
        fn bytes<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
            data.get(at..at.saturating_add(N))
                .and_then(|b| b.try_into().ok())
                .unwrap_or([0; N])
        }
        if matches!(layout, Layout::Old) {
            old_width(time_t)?;
        }
        let mut ts = [Timespec::default(); 3];
        if matches!(layout, Layout::Old) && time_t == 4 {
            if data.len() < 24 {
                return Err(Self::short(24, data.len()));
            }
            for (t, (s, n)) in ts.iter_mut().zip([(0, 4), (8, 12), (16, 20)]) {
                let (s, n) = (bytes::<4>(data, s), bytes::<4>(data, n));
                let (s, n) = if BE {
                    (i32::from_be_bytes(s), i32::from_be_bytes(n))
                } else {
                    (i32::from_le_bytes(s), i32::from_le_bytes(n))
                };
                *t = Timespec {
                    sec: i64::from(s),
                    nsec: i64::from(n),
                };
            }
        } else {
            if data.len() < 48 {
                return Err(Self::short(48, data.len()));
            }
            for (t, (s, n)) in ts.iter_mut().zip([(0, 8), (16, 24), (32, 40)]) {
                let (s, n) = (bytes::<8>(data, s), bytes::<8>(data, n));
                *t = if BE {
                    Timespec {
                        sec: i64::from_be_bytes(s),
                        nsec: i64::from_be_bytes(n),
                    }
                } else {
                    Timespec {
                        sec: i64::from_le_bytes(s),
                        nsec: i64::from_le_bytes(n),
                    }
                };
            }
        }
        Ok(Self { ts, layout })
    }

    /// The error of a record too short for its layout (kept out of the walk's hot path).
    #[cold]
    #[inline(never)]
    fn short(need: usize, available: usize) -> Error {
        Error::truncated(Structure::ScmTimestamping, need, available)
    }

    /// Encode into `out`; returns the bytes written.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if `out` is too small; the [`Abi::validate`] error for an ABI no
    /// Linux has.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::timestamp::{Layout, ScmTimestamping, Timespec};
    ///
    /// // The software TX timestamp of a real capture, for a 32-bit ARM task: the old layout is
    /// // three 32-bit timespecs there (24 bytes), the new one three 64-bit pairs (48 bytes).
    /// let ts = ScmTimestamping {
    ///     ts: [Timespec { sec: 1_795_300_418, nsec: 211_963_732 }, Timespec::default(), Timespec::default()],
    ///     layout: Layout::Old,
    /// };
    /// let mut out = [0u8; 48];
    /// assert_eq!(ts.encode(&Abi::ARM, &mut out)?, 24);
    /// assert_eq!(ScmTimestamping::encoded_len(Layout::Old, &Abi::ARM), 24);
    /// assert_eq!(ScmTimestamping::encoded_len(Layout::New, &Abi::ARM), 48);
    /// assert_eq!(ScmTimestamping::decode(&out[..24], Layout::Old, &Abi::ARM)?.software(), Some(ts.ts[0]));
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    pub fn encode(&self, abi: &Abi, out: &mut [u8]) -> Result<usize, Error> {
        abi.validate()?;
        let w = field_width(self.layout, abi)?;
        let need = w.saturating_mul(6);
        let available = out.len();
        let dst = out.get_mut(..need).ok_or(Error::NoSpace {
            what: Structure::ScmTimestamping,
            needed: need,
            available,
        })?;
        for (i, t) in self.ts.iter().enumerate() {
            let at = i.saturating_mul(2).saturating_mul(w);
            write_long(dst, at, w, t.sec, abi.endian);
            write_long(dst, at.saturating_add(w), w, t.nsec, abi.endian);
        }
        Ok(need)
    }
}

const fn nonzero(t: Timespec) -> Option<Timespec> {
    if t.is_zero() {
        None
    } else {
        Some(t)
    }
}

/// The width of one field: the ABI's `time_t` for the old layout, 8 for the new one; an
/// old-layout `time_t` other than 4 or 8 has no layout and is refused ([`Abi::validate`]).
const fn field_width(layout: Layout, abi: &Abi) -> Result<usize, Error> {
    match layout {
        Layout::Old => old_width(abi.time_t),
        Layout::New => Ok(8),
    }
}

const fn old_width(time_t: usize) -> Result<usize, Error> {
    match time_t {
        4 | 8 => Ok(time_t),
        _ => Err(Error::malformed(
            Structure::Abi,
            Reason::BadValue {
                field: "time_t",
                value: time_t as u64,
            },
        )),
    }
}

fn read_long(data: &[u8], at: usize, w: usize, e: Endian) -> i64 {
    let Some(b) = data.get(at..at.saturating_add(w)) else {
        return 0;
    };
    if let Ok(a) = <[u8; 8]>::try_from(b) {
        i64::from_ne_bytes(e.u64(a).to_ne_bytes())
    } else if let Ok(a) = <[u8; 4]>::try_from(b) {
        i64::from(i32::from_ne_bytes(e.u32(a).to_ne_bytes()))
    } else {
        0
    }
}

fn write_long(out: &mut [u8], at: usize, w: usize, v: i64, e: Endian) {
    let Some(dst) = out.get_mut(at..at.saturating_add(w)) else {
        return;
    };
    if w == 8 {
        dst.copy_from_slice(&e.u64_bytes(u64::from_ne_bytes(v.to_ne_bytes())));
    } else {
        // A 32-bit `long` keeps the low 32 bits, as the kernel's compat layer does.
        #[allow(clippy::cast_possible_truncation)] // Truncation is the 32-bit ABI's meaning.
        let low = v as i32;
        dst.copy_from_slice(&e.u32_bytes(u32::from_ne_bytes(low.to_ne_bytes())));
    }
}

/// Decode a `SO_TIMESTAMP` record (`timeval`).
///
/// # Errors
/// [`Error::Truncated`] if `data` is shorter than two fields of the layout; for
/// [`Layout::Old`], the [`Abi::validate`] error if the ABI's `time_t` is not 4 or 8.
pub fn decode_timeval(data: &[u8], layout: Layout, abi: &Abi) -> Result<Timeval, Error> {
    let w = field_width(layout, abi)?;
    let need = w.saturating_mul(2);
    if data.len() < need {
        return Err(Error::truncated(Structure::Timeval, need, data.len()));
    }
    Ok(Timeval {
        sec: read_long(data, 0, w, abi.endian),
        usec: read_long(data, w, w, abi.endian),
    })
}

/// Decode a `SO_TIMESTAMPNS` record (`timespec`).
///
/// # Errors
/// [`Error::Truncated`] if `data` is shorter than two fields of the layout; for
/// [`Layout::Old`], the [`Abi::validate`] error if the ABI's `time_t` is not 4 or 8.
pub fn decode_timespec(data: &[u8], layout: Layout, abi: &Abi) -> Result<Timespec, Error> {
    let w = field_width(layout, abi)?;
    let need = w.saturating_mul(2);
    if data.len() < need {
        return Err(Error::truncated(Structure::Timespec, need, data.len()));
    }
    Ok(Timespec {
        sec: read_long(data, 0, w, abi.endian),
        nsec: read_long(data, w, w, abi.endian),
    })
}

/// Encode two fields (`timeval` or `timespec`) of the layout; returns the bytes written.
///
/// # Errors
/// [`Error::NoSpace`] if `out` is too small; the [`Abi::validate`] error for an ABI no
/// Linux has.
pub fn encode_pair(
    sec: i64,
    sub: i64,
    layout: Layout,
    abi: &Abi,
    out: &mut [u8],
) -> Result<usize, Error> {
    abi.validate()?;
    let w = field_width(layout, abi)?;
    let need = w.saturating_mul(2);
    if out.len() < need {
        return Err(Error::NoSpace {
            what: Structure::Timespec,
            needed: need,
            available: out.len(),
        });
    }
    write_long(out, 0, w, sec, abi.endian);
    write_long(out, w, w, sub, abi.endian);
    Ok(need)
}

/// Which moment a transmit timestamp reports: `ee_info` of an `SO_EE_ORIGIN_TIMESTAMPING`
/// error. An open newtype.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TstampKind(pub u32);

impl TstampKind {
    /// `SCM_TSTAMP_SND`: the driver handed the packet to the device.
    #[doc(alias = "SCM_TSTAMP_SND")]
    pub const SND: Self = Self(0);
    /// `SCM_TSTAMP_SCHED`: the packet entered the packet scheduler.
    #[doc(alias = "SCM_TSTAMP_SCHED")]
    pub const SCHED: Self = Self(1);
    /// `SCM_TSTAMP_ACK`: all the data was acknowledged (TCP).
    #[doc(alias = "SCM_TSTAMP_ACK")]
    pub const ACK: Self = Self(2);
    /// `SCM_TSTAMP_COMPLETION`: the device reported completion.
    #[doc(alias = "SCM_TSTAMP_COMPLETION")]
    pub const COMPLETION: Self = Self(3);

    /// `"SND"`, `"SCHED"`, `"ACK"`, `"COMPLETION"`; `None` when unknown.
    #[must_use]
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "SND",
            1 => "SCHED",
            2 => "ACK",
            3 => "COMPLETION",
            _ => return None,
        })
    }
}

impl fmt::Display for TstampKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "tstamp {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_new_layouts() {
        let t = ScmTimestamping {
            ts: [
                Timespec {
                    sec: 1_700_000_000,
                    nsec: 123_456_789,
                },
                Timespec::default(),
                Timespec { sec: -1, nsec: 5 },
            ],
            layout: Layout::Old,
        };
        for abi in [Abi::X86_64, Abi::I686, Abi::S390X, Abi::MIPS] {
            for layout in [Layout::Old, Layout::New] {
                let t = ScmTimestamping { layout, ..t };
                let mut b = [0u8; 48];
                let n = t.encode(&abi, &mut b).unwrap();
                assert_eq!(n, ScmTimestamping::encoded_len(layout, &abi));
                let back = ScmTimestamping::decode(&b[..n], layout, &abi).unwrap();
                assert_eq!(back, t);
                assert_eq!(back.software().unwrap().nsec, 123_456_789);
                assert_eq!(back.legacy(), None);
                assert_eq!(
                    ScmTimestamping::decode(&b[..n - 1], layout, &abi),
                    Err(Error::truncated(Structure::ScmTimestamping, n, n - 1))
                );
            }
        }
        assert_eq!(ScmTimestamping::encoded_len(Layout::Old, &Abi::I686), 24);
    }

    /// The walk's fixed-byte-order decode gives what `decode` gives, for every preset, both
    /// layouts and every length (errors included).
    #[test]
    fn decode_fixed_equals_decode() {
        let mut b = [0u8; 56];
        for (i, x) in b.iter_mut().enumerate() {
            *x = u8::try_from(i).unwrap().wrapping_mul(37) ^ 0x80;
        }
        for abi in Abi::PRESETS {
            for layout in [Layout::Old, Layout::New] {
                for n in 0..=b.len() {
                    let d = &b[..n];
                    let fixed = match abi.endian {
                        Endian::Big => ScmTimestamping::decode_fixed::<true>(d, layout, abi.time_t),
                        Endian::Little => {
                            ScmTimestamping::decode_fixed::<false>(d, layout, abi.time_t)
                        }
                    };
                    assert_eq!(
                        fixed,
                        ScmTimestamping::decode(d, layout, abi),
                        "{} {n}",
                        abi.name
                    );
                }
            }
        }
    }

    #[test]
    fn display() {
        let t = Timespec { sec: 5, nsec: 7 };
        assert_eq!(std::format!("{t}"), "5.000000007");
        assert_eq!(std::format!("{}", TstampKind::SCHED), "SCHED");
        assert_eq!(t.to_duration(), Some(core::time::Duration::new(5, 7)));
        assert_eq!(Timespec { sec: -1, nsec: 0 }.to_duration(), None);
    }

    #[test]
    fn timeval_timespec() {
        let mut b = [0u8; 16];
        encode_pair(3, 4, Layout::Old, &Abi::I686, &mut b).unwrap();
        assert_eq!(&b[..8], &[3, 0, 0, 0, 4, 0, 0, 0]);
        assert_eq!(
            decode_timeval(&b[..8], Layout::Old, &Abi::I686),
            Ok(Timeval { sec: 3, usec: 4 })
        );
        assert_eq!(
            decode_timespec(&b[..8], Layout::New, &Abi::I686),
            Err(Error::truncated(Structure::Timespec, 16, 8))
        );
    }
}
