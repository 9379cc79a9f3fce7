//! Timestamp records: `SO_TIMESTAMP`, `SO_TIMESTAMPNS`, `SO_TIMESTAMPING` (old and new
//! layouts), and the `ee_info` kinds of a transmit timestamp.
//!
//! The old records use the task's `long`/`time_t` ([`Abi::time_t`] bytes per field); the new
//! ones (`SO_*_NEW`, what a 32-bit program with a 64-bit `time_t` gets) always use two `i64`.

use core::fmt;

use zerocopy::byteorder::{I32, I64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::abi::{with_order, Abi, Order, Width};
use crate::error::{Error, Structure};
use crate::table::table;

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
            Layout::Old => Self::len_of(Layout::Old, abi.time_t),
            Layout::New => 48,
        }
    }

    /// Decode from control-message data.
    ///
    /// # Errors
    /// [`Error::Truncated`] if `data` is shorter than three timespecs of the layout.
    #[inline]
    pub fn decode(data: &[u8], layout: Layout, abi: &Abi) -> Result<Self, Error> {
        with_order!(abi.endian, O => Self::decode_as::<O>(data, layout, abi.time_t))
    }

    /// [`ScmTimestamping::decode`] for a byte order known at compile time: the one decoder,
    /// which the message walk calls with its own order.
    #[inline(always)]
    pub(crate) fn decode_as<O: Order>(
        data: &[u8],
        layout: Layout,
        time_t: Width,
    ) -> Result<Self, Error> {
        match read_pairs::<O, 3>(data, wide(layout, time_t)) {
            Some(p) => Ok(Self {
                ts: p.map(|(sec, nsec)| Timespec { sec, nsec }),
                layout,
            }),
            None => Err(Self::short(Self::len_of(layout, time_t), data.len())),
        }
    }

    const fn len_of(layout: Layout, time_t: Width) -> usize {
        if wide(layout, time_t) {
            48
        } else {
            24
        }
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
    /// [`Error::NoSpace`] if `out` is too small.
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
        let pairs = self.ts.map(|t| (t.sec, t.nsec));
        write_pairs(&pairs, self.layout, abi, out, Structure::ScmTimestamping)
    }
}

const fn nonzero(t: Timespec) -> Option<Timespec> {
    if t.is_zero() {
        None
    } else {
        Some(t)
    }
}

/// Two 64-bit `long`s: `struct __kernel_timespec`, `struct __kernel_sock_timeval`, and a
/// 64-bit task's `timespec`/`timeval`.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct Pair64<O: Order> {
    sec: I64<O>,
    sub: I64<O>,
}

/// Two 32-bit `long`s: `struct old_timespec32` / `old_timeval32`, what a 32-bit task with a
/// 32-bit `time_t` gets (`put_cmsg_compat` on a 64-bit kernel).
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct Pair32<O: Order> {
    sec: I32<O>,
    sub: I32<O>,
}

/// Whether the fields are 64-bit: always in the new layout, the task's `time_t` in the old.
#[inline(always)]
pub(crate) const fn wide(layout: Layout, time_t: Width) -> bool {
    matches!(layout, Layout::New) || matches!(time_t, Width::Eight)
}

/// The first `N` pairs of `data` in order `O`; `None` if `data` is too short.
#[inline(always)]
fn read_pairs<O: Order, const N: usize>(data: &[u8], wide: bool) -> Option<[(i64, i64); N]> {
    if wide {
        let (p, _) = <[Pair64<O>; N]>::ref_from_prefix(data).ok()?;
        Some(core::array::from_fn(|i| {
            p.get(i).map_or((0, 0), |p| (p.sec.get(), p.sub.get()))
        }))
    } else {
        let (p, _) = <[Pair32<O>; N]>::ref_from_prefix(data).ok()?;
        Some(core::array::from_fn(|i| {
            p.get(i)
                .map_or((0, 0), |p| (i64::from(p.sec.get()), i64::from(p.sub.get())))
        }))
    }
}

/// Write `pairs` in the layout and ABI; returns the bytes written.
fn write_pairs(
    pairs: &[(i64, i64)],
    layout: Layout,
    abi: &Abi,
    out: &mut [u8],
    what: Structure,
) -> Result<usize, Error> {
    let wide = wide(layout, abi.time_t);
    let each = if wide { 16 } else { 8 };
    let need = pairs.len().saturating_mul(each);
    let available = out.len();
    let dst = out.get_mut(..need).ok_or(Error::NoSpace {
        what,
        needed: need,
        available,
    })?;
    with_order!(abi.endian, O => {
        for (&(sec, sub), at) in pairs.iter().zip(dst.chunks_exact_mut(each)) {
            // The chunks are exactly one pair long, so the writes cannot fail.
            if wide {
                let _ = Pair64::<O> { sec: I64::new(sec), sub: I64::new(sub) }.write_to(at);
            } else {
                // A 32-bit `long` keeps the low 32 bits, as the kernel's compat layer does.
                #[allow(clippy::cast_possible_truncation)] // Truncation is the 32-bit ABI's meaning.
                let (sec, sub) = (sec as i32, sub as i32);
                let _ = Pair32::<O> { sec: I32::new(sec), sub: I32::new(sub) }.write_to(at);
            }
        }
    });
    Ok(need)
}

/// One pair in the layout and ABI, or the error of a record too short for it.
fn decode_pair(
    data: &[u8],
    layout: Layout,
    abi: &Abi,
    what: Structure,
) -> Result<(i64, i64), Error> {
    let wide = wide(layout, abi.time_t);
    with_order!(abi.endian, O => read_pairs::<O, 1>(data, wide))
        .map(|[p]| p)
        .ok_or(Error::truncated(
            what,
            if wide { 16 } else { 8 },
            data.len(),
        ))
}

/// Decode a `SO_TIMESTAMP` record (`timeval`).
///
/// # Errors
/// [`Error::Truncated`] if `data` is shorter than two fields of the layout.
pub fn decode_timeval(data: &[u8], layout: Layout, abi: &Abi) -> Result<Timeval, Error> {
    let (sec, usec) = decode_pair(data, layout, abi, Structure::Timeval)?;
    Ok(Timeval { sec, usec })
}

/// Decode a `SO_TIMESTAMPNS` record (`timespec`).
///
/// # Errors
/// [`Error::Truncated`] if `data` is shorter than two fields of the layout.
pub fn decode_timespec(data: &[u8], layout: Layout, abi: &Abi) -> Result<Timespec, Error> {
    let (sec, nsec) = decode_pair(data, layout, abi, Structure::Timespec)?;
    Ok(Timespec { sec, nsec })
}

/// Encode two fields (`timeval` or `timespec`) of the layout; returns the bytes written.
///
/// # Errors
/// [`Error::NoSpace`] if `out` is too small.
pub fn encode_pair(
    sec: i64,
    sub: i64,
    layout: Layout,
    abi: &Abi,
    out: &mut [u8],
) -> Result<usize, Error> {
    write_pairs(&[(sec, sub)], layout, abi, out, Structure::Timespec)
}

/// Which moment a transmit timestamp reports: `ee_info` of an `SO_EE_ORIGIN_TIMESTAMPING`
/// error. An open newtype.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TstampKind(pub u32);

table! {
    /// `"SND"`, `"SCHED"`, `"ACK"`, `"COMPLETION"`; `None` when unknown.
    TstampKind::name, unknown "tstamp {}", Debug;
    /// `SCM_TSTAMP_SND`: the driver handed the packet to the device.
    SND = 0, "SND", alias "SCM_TSTAMP_SND";
    /// `SCM_TSTAMP_SCHED`: the packet entered the packet scheduler.
    SCHED = 1, "SCHED", alias "SCM_TSTAMP_SCHED";
    /// `SCM_TSTAMP_ACK`: all the data was acknowledged (TCP).
    ACK = 2, "ACK", alias "SCM_TSTAMP_ACK";
    /// `SCM_TSTAMP_COMPLETION`: the device reported completion.
    COMPLETION = 3, "COMPLETION", alias "SCM_TSTAMP_COMPLETION";
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

    /// Each field as the kernel stores it (`put_cmsg`, or `put_cmsg_compat` for a 32-bit
    /// task), the expected values read off the bytes by hand: both byte orders, both widths.
    #[test]
    fn fields_in_each_order_and_width() {
        let mut b = [0u8; 48];
        for (i, x) in b.iter_mut().enumerate() {
            *x = u8::try_from(i).unwrap();
        }
        let t = ScmTimestamping::decode(&b, Layout::New, &Abi::S390X).unwrap();
        assert_eq!(
            t.ts[0],
            Timespec {
                sec: 0x0001_0203_0405_0607,
                nsec: 0x0809_0a0b_0c0d_0e0f
            }
        );
        assert_eq!(t.ts[2].nsec, 0x2829_2a2b_2c2d_2e2f);
        let t = ScmTimestamping::decode(&b, Layout::New, &Abi::X86_64).unwrap();
        assert_eq!(t.ts[0].sec, 0x0706_0504_0302_0100);
        let t = ScmTimestamping::decode(&b, Layout::Old, &Abi::POWERPC).unwrap();
        assert_eq!(
            t.ts[0],
            Timespec {
                sec: 0x0001_0203,
                nsec: 0x0405_0607
            }
        );
        assert_eq!(
            t.ts[2],
            Timespec {
                sec: 0x1011_1213,
                nsec: 0x1415_1617
            }
        );
        let t = ScmTimestamping::decode(&b, Layout::Old, &Abi::ARM).unwrap();
        assert_eq!(
            t.ts[1],
            Timespec {
                sec: 0x0b0a_0908,
                nsec: 0x0f0e_0d0c
            }
        );
        // A 32-bit `long` is signed: 0xffffffff is -1, not 4294967295.
        let t = ScmTimestamping::decode(&[0xff; 24], Layout::Old, &Abi::I686).unwrap();
        assert_eq!(t.ts[0], Timespec { sec: -1, nsec: -1 });
        // A 32-bit task with a 64-bit time_t: the old layout has 64-bit fields.
        let y2038 = Abi {
            time_t: Width::Eight,
            ..Abi::I686
        };
        assert_eq!(
            ScmTimestamping::decode(&b[..47], Layout::Old, &y2038),
            Err(Error::truncated(Structure::ScmTimestamping, 48, 47))
        );
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
