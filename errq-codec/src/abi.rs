//! The Linux ABI a control buffer was written for.
//!
//! The same error-queue message comes out as different bytes on different machines: the
//! `cmsghdr` is 16 bytes aligned to 8 for a 64-bit task and 12 bytes aligned to 4 for a 32-bit
//! one (also a 32-bit program on a 64-bit kernel); the byte order is the machine's;
//! `SOL_SOCKET` and the `SO_TIMESTAMP*` numbers differ on alpha, mips, sparc and parisc; the
//! old timestamp records use the task's `time_t`; errno numbers differ. An [`Abi`] value
//! holds all of that, so a capture made anywhere can be decoded anywhere. [`Abi::NATIVE`] is
//! the ABI this crate was compiled for.

mod endian;
mod socket;
mod width;

pub use endian::Endian;
pub(crate) use endian::{with_order, Order};
pub use socket::SocketNumbers;
pub use width::Width;

use crate::errno::ErrnoNumbering;

/// Everything about a Linux ABI that changes the bytes of an error-queue message.
///
/// Use a preset ([`Abi::X86_64`], [`Abi::I686`], ...) or [`Abi::NATIVE`]; the fields are
/// public so an unusual ABI can be described too, within what Linux ABIs can be: the widths
/// are a [`Width`] (4 or 8 bytes), so every value of this type has a layout the decoders
/// and encoders know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Abi {
    /// A short name for messages and test output.
    pub name: &'static str,
    /// The width of `cmsg_len` (`size_t`): the `cmsghdr` is this plus 8 bytes, and control
    /// messages are aligned to this (`CMSG_ALIGN` rounds to `sizeof(long)`).
    pub word: Width,
    /// The byte order of host-order fields.
    pub endian: Endian,
    /// Socket-level numbers.
    pub socket: SocketNumbers,
    /// The width in bytes of the task's `time_t` (and `long`) in the *old* timestamp records
    /// (`SO_TIMESTAMP_OLD`, `SO_TIMESTAMPNS_OLD`, `SO_TIMESTAMPING_OLD`).
    pub time_t: Width,
    /// Which errno numbering the architecture uses.
    pub errno: ErrnoNumbering,
}

impl Abi {
    const fn lp64(
        name: &'static str,
        endian: Endian,
        socket: SocketNumbers,
        errno: ErrnoNumbering,
    ) -> Self {
        Self {
            name,
            word: Width::Eight,
            endian,
            socket,
            time_t: Width::Eight,
            errno,
        }
    }

    const fn ilp32(
        name: &'static str,
        endian: Endian,
        socket: SocketNumbers,
        errno: ErrnoNumbering,
    ) -> Self {
        Self {
            name,
            word: Width::Four,
            endian,
            socket,
            time_t: Width::Four,
            errno,
        }
    }

    /// x86_64 (and any little-endian 64-bit generic ABI: aarch64, riscv64, ppc64le,
    /// loongarch64 share these bytes).
    pub const X86_64: Self = Self::lp64(
        "x86_64",
        Endian::Little,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// aarch64.
    pub const AARCH64: Self = Self::lp64(
        "aarch64",
        Endian::Little,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// riscv64.
    pub const RISCV64: Self = Self::lp64(
        "riscv64",
        Endian::Little,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// i686, and any 32-bit x86 task on a 64-bit kernel (the compat layout).
    pub const I686: Self = Self::ilp32(
        "i686",
        Endian::Little,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// 32-bit ARM (armv7, EABI).
    pub const ARM: Self = Self::ilp32(
        "arm",
        Endian::Little,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// s390x: big-endian, 64-bit.
    pub const S390X: Self = Self::lp64(
        "s390x",
        Endian::Big,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// powerpc64 (big-endian).
    pub const POWERPC64: Self = Self::lp64(
        "powerpc64",
        Endian::Big,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// 32-bit powerpc.
    pub const POWERPC: Self = Self::ilp32(
        "powerpc",
        Endian::Big,
        SocketNumbers::GENERIC,
        ErrnoNumbering::Generic,
    );
    /// 32-bit MIPS, big-endian (o32).
    pub const MIPS: Self = Self::ilp32(
        "mips",
        Endian::Big,
        SocketNumbers::MIPS_ALPHA,
        ErrnoNumbering::Mips,
    );
    /// 32-bit MIPS, little-endian (o32).
    pub const MIPSEL: Self = Self::ilp32(
        "mipsel",
        Endian::Little,
        SocketNumbers::MIPS_ALPHA,
        ErrnoNumbering::Mips,
    );
    /// 64-bit MIPS, big-endian (n64).
    pub const MIPS64: Self = Self::lp64(
        "mips64",
        Endian::Big,
        SocketNumbers::MIPS_ALPHA,
        ErrnoNumbering::Mips,
    );
    /// 64-bit SPARC.
    pub const SPARC64: Self = Self::lp64(
        "sparc64",
        Endian::Big,
        SocketNumbers::SPARC,
        ErrnoNumbering::Sparc,
    );
    /// Alpha.
    pub const ALPHA: Self = Self::lp64(
        "alpha",
        Endian::Little,
        SocketNumbers::MIPS_ALPHA,
        ErrnoNumbering::Alpha,
    );
    /// 32-bit PA-RISC.
    pub const PARISC: Self = Self::ilp32(
        "parisc",
        Endian::Big,
        SocketNumbers::PARISC,
        ErrnoNumbering::Parisc,
    );

    /// Every preset, for tests and tools that try them all.
    pub const PRESETS: &'static [Self] = &[
        Self::X86_64,
        Self::AARCH64,
        Self::RISCV64,
        Self::I686,
        Self::ARM,
        Self::S390X,
        Self::POWERPC64,
        Self::POWERPC,
        Self::MIPS,
        Self::MIPSEL,
        Self::MIPS64,
        Self::SPARC64,
        Self::ALPHA,
        Self::PARISC,
    ];

    /// The ABI this crate was compiled for.
    pub const NATIVE: Self = Self {
        name: "native",
        word: Width::NATIVE,
        endian: Endian::NATIVE,
        socket: if cfg!(target_arch = "sparc64") || cfg!(target_arch = "sparc") {
            SocketNumbers::SPARC
        } else if cfg!(any(
            target_arch = "mips",
            target_arch = "mips64",
            target_arch = "mips32r6",
            target_arch = "mips64r6"
        )) {
            SocketNumbers::MIPS_ALPHA
        } else {
            SocketNumbers::GENERIC
        },
        // The old records use `long`, which is pointer-sized on every Linux ABI but x32.
        time_t: Width::NATIVE,
        errno: ErrnoNumbering::NATIVE,
    };

    /// Look a preset up by its name (`"x86_64"`, `"i686"`, `"mips"`, ...).
    #[must_use]
    pub fn preset(name: &str) -> Option<Self> {
        Self::PRESETS
            .iter()
            .copied()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The size of a `cmsghdr`: `CMSG_LEN(0)`, 16 or 12.
    #[doc(alias = "CMSG_LEN")]
    #[must_use]
    #[inline(always)]
    pub const fn cmsg_header_len(&self) -> usize {
        match self.word {
            Width::Four => 12,
            Width::Eight => 16,
        }
    }

    /// `CMSG_ALIGN(len)`: `len` rounded up to the ABI's alignment (saturating at the top).
    #[doc(alias = "CMSG_ALIGN")]
    #[must_use]
    #[inline(always)]
    pub const fn cmsg_align(&self, len: usize) -> usize {
        align(len, self.word.bytes())
    }

    /// `CMSG_LEN(data_len)`: header plus data, unpadded; what `cmsg_len` holds.
    #[must_use]
    pub const fn cmsg_len(&self, data_len: usize) -> usize {
        self.cmsg_header_len().saturating_add(data_len)
    }

    /// `CMSG_SPACE(data_len)`: the room a record with `data_len` bytes takes in a control
    /// buffer, padding included.
    #[doc(alias = "CMSG_SPACE")]
    #[must_use]
    pub const fn cmsg_space(&self, data_len: usize) -> usize {
        self.cmsg_header_len()
            .saturating_add(self.cmsg_align(data_len))
    }
}

/// `len` rounded up to a multiple of `word` (a power of two), saturating at the top:
/// `(len + word - 1) & !(word - 1)` computed without overflow. The header sizes (16, 12)
/// are already multiples of their word.
#[inline(always)]
pub(crate) const fn align(len: usize, word: usize) -> usize {
    let mask = word.saturating_sub(1);
    match len.checked_add(mask) {
        Some(v) => v & !mask,
        None => usize::MAX & !mask,
    }
}

impl Default for Abi {
    fn default() -> Self {
        Self::NATIVE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmsg_macros_match_c_for_both_layouts() {
        // CMSG_LEN / CMSG_SPACE as glibc computes them on x86_64 and i686.
        assert_eq!(Abi::X86_64.cmsg_len(32), 48);
        assert_eq!(Abi::X86_64.cmsg_space(32), 48);
        assert_eq!(Abi::X86_64.cmsg_len(44), 60);
        assert_eq!(Abi::X86_64.cmsg_space(44), 64);
        assert_eq!(Abi::X86_64.cmsg_space(4), 24);
        assert_eq!(Abi::I686.cmsg_len(32), 44);
        assert_eq!(Abi::I686.cmsg_len(44), 56);
        assert_eq!(Abi::I686.cmsg_space(1), 16);
        assert_eq!(Abi::I686.cmsg_align(usize::MAX), usize::MAX - 3);
    }

    #[test]
    fn native_is_a_known_layout() {
        let n = Abi::NATIVE;
        assert_eq!(n.word.bytes(), core::mem::size_of::<usize>());
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        assert_eq!(
            Abi {
                name: "x86_64",
                ..n
            },
            Abi::X86_64
        );
        #[cfg(all(target_arch = "x86", target_os = "linux"))]
        assert_eq!(Abi { name: "i686", ..n }, Abi::I686);
        // The big-endian Miri job (.ci/miri_be.sh) interprets s390x: there the native fast
        // path must be the big-endian 64-bit layout.
        #[cfg(all(target_arch = "s390x", target_os = "linux"))]
        assert_eq!(Abi { name: "s390x", ..n }, Abi::S390X);
        #[cfg(all(target_arch = "powerpc64", target_endian = "big", target_os = "linux"))]
        assert_eq!(
            Abi {
                name: "powerpc64",
                ..n
            },
            Abi::POWERPC64
        );
    }

    #[test]
    fn widths_are_what_the_kernel_headers_say() {
        // `sizeof(long)` and `sizeof(time_t)`: 8 on LP64, 4 on ILP32 (glibc's defaults).
        for a in Abi::PRESETS {
            let lp64 = matches!(
                a.name,
                "x86_64"
                    | "aarch64"
                    | "riscv64"
                    | "s390x"
                    | "powerpc64"
                    | "mips64"
                    | "sparc64"
                    | "alpha"
            );
            let want = if lp64 { Width::Eight } else { Width::Four };
            assert_eq!((a.word, a.time_t), (want, want), "{}", a.name);
        }
        assert_eq!(Width::NATIVE.bytes(), core::mem::size_of::<usize>());
        for n in 0..=16 {
            let w = Width::from_bytes(n);
            assert_eq!(w.is_some(), n == 4 || n == 8, "{n}");
            assert_eq!(w.map(Width::bytes), w.map(|_| n));
        }
    }

    #[test]
    fn presets_have_unique_names_and_are_found() {
        for a in Abi::PRESETS {
            assert_eq!(Abi::preset(a.name), Some(*a));
            assert_eq!(Abi::PRESETS.iter().filter(|b| b.name == a.name).count(), 1);
        }
        assert_eq!(Abi::preset("vax"), None);
    }

    #[test]
    fn endian_round_trips() {
        for e in [Endian::Little, Endian::Big] {
            assert_eq!(e.u32(e.u32_bytes(0x0102_0304)), 0x0102_0304);
            assert_eq!(
                e.u64(e.u64_bytes(0x0102_0304_0506_0708)),
                0x0102_0304_0506_0708
            );
            assert_eq!(e.u16(e.u16_bytes(0x0102)), 0x0102);
        }
        assert_eq!(Endian::Big.u32([0, 0, 0, 1]), 1);
        assert_eq!(Endian::Little.u32([1, 0, 0, 0]), 1);
    }
}
