//! The Linux ABI a control buffer was written for.
//!
//! The same error-queue message comes out as different bytes on different machines: the
//! `cmsghdr` is 16 bytes aligned to 8 for a 64-bit task and 12 bytes aligned to 4 for a 32-bit
//! one (also a 32-bit program on a 64-bit kernel); the byte order is the machine's;
//! `SOL_SOCKET` and the `SO_TIMESTAMP*` numbers differ on alpha, mips, sparc and parisc; the
//! old timestamp records use the task's `time_t`; errno numbers differ. An [`Abi`] value
//! holds all of that, so a capture made anywhere can be decoded anywhere. [`Abi::NATIVE`] is
//! the ABI this crate was compiled for.

use crate::errno::ErrnoNumbering;
use crate::error::{Error, Reason, Structure};

/// Byte order of the host-order fields (`cmsg_len`, `ee_errno`, `sa_family`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endian {
    /// Least significant byte first (x86, arm, aarch64, riscv, mipsel, ppc64le).
    Little,
    /// Most significant byte first (s390x, powerpc, mips, sparc, parisc).
    Big,
}

impl Endian {
    /// The byte order of the target this crate was compiled for.
    pub const NATIVE: Self = if cfg!(target_endian = "big") {
        Self::Big
    } else {
        Self::Little
    };

    /// Read a `u16` in this byte order.
    #[must_use]
    pub const fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            Self::Little => u16::from_le_bytes(b),
            Self::Big => u16::from_be_bytes(b),
        }
    }

    /// Read a `u32` in this byte order.
    #[must_use]
    pub const fn u32(self, b: [u8; 4]) -> u32 {
        match self {
            Self::Little => u32::from_le_bytes(b),
            Self::Big => u32::from_be_bytes(b),
        }
    }

    /// Read a `u64` in this byte order.
    #[must_use]
    pub const fn u64(self, b: [u8; 8]) -> u64 {
        match self {
            Self::Little => u64::from_le_bytes(b),
            Self::Big => u64::from_be_bytes(b),
        }
    }

    /// Write a `u16` in this byte order.
    #[must_use]
    pub const fn u16_bytes(self, v: u16) -> [u8; 2] {
        match self {
            Self::Little => v.to_le_bytes(),
            Self::Big => v.to_be_bytes(),
        }
    }

    /// Write a `u32` in this byte order.
    #[must_use]
    pub const fn u32_bytes(self, v: u32) -> [u8; 4] {
        match self {
            Self::Little => v.to_le_bytes(),
            Self::Big => v.to_be_bytes(),
        }
    }

    /// Write a `u64` in this byte order.
    #[must_use]
    pub const fn u64_bytes(self, v: u64) -> [u8; 8] {
        match self {
            Self::Little => v.to_le_bytes(),
            Self::Big => v.to_be_bytes(),
        }
    }
}

/// The `SOL_SOCKET` level and the socket-level control message numbers of an architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SocketNumbers {
    /// `SOL_SOCKET`: 1 on generic ABIs, `0xffff` on alpha, mips, sparc, parisc.
    #[doc(alias = "SOL_SOCKET")]
    pub sol_socket: i32,
    /// `SO_TIMESTAMP_OLD` (`SCM_TIMESTAMP` with the task's `timeval`).
    #[doc(alias = "SO_TIMESTAMP_OLD")]
    pub timestamp_old: i32,
    /// `SO_TIMESTAMPNS_OLD` (`SCM_TIMESTAMPNS` with the task's `timespec`).
    #[doc(alias = "SO_TIMESTAMPNS_OLD")]
    pub timestampns_old: i32,
    /// `SO_TIMESTAMPING_OLD` (`struct scm_timestamping`).
    #[doc(alias = "SO_TIMESTAMPING_OLD")]
    pub timestamping_old: i32,
    /// `SO_TIMESTAMP_NEW` (`struct __kernel_sock_timeval`, 64-bit fields).
    #[doc(alias = "SO_TIMESTAMP_NEW")]
    pub timestamp_new: i32,
    /// `SO_TIMESTAMPNS_NEW` (`struct __kernel_timespec`).
    #[doc(alias = "SO_TIMESTAMPNS_NEW")]
    pub timestampns_new: i32,
    /// `SO_TIMESTAMPING_NEW` (`struct scm_timestamping64`).
    #[doc(alias = "SO_TIMESTAMPING_NEW")]
    pub timestamping_new: i32,
    /// `SCM_TIMESTAMPING_OPT_STATS` (netlink attributes).
    #[doc(alias = "SCM_TIMESTAMPING_OPT_STATS")]
    pub timestamping_opt_stats: i32,
    /// `SCM_TIMESTAMPING_PKTINFO` (`struct scm_ts_pktinfo`).
    #[doc(alias = "SCM_TIMESTAMPING_PKTINFO")]
    pub timestamping_pktinfo: i32,
    /// `SO_TXTIME` / `SCM_TXTIME` (the send-side transmit time, a `u64` of nanoseconds).
    #[doc(alias = "SO_TXTIME")]
    #[doc(alias = "SCM_TXTIME")]
    pub txtime: i32,
    /// `SCM_TS_OPT_ID` (Linux 6.13: the OPT_ID key of one send, a `u32`).
    #[doc(alias = "SCM_TS_OPT_ID")]
    pub ts_opt_id: i32,
}

impl SocketNumbers {
    /// The generic numbering (`include/uapi/asm-generic/socket.h`): x86, arm, aarch64, riscv,
    /// powerpc, s390, loongarch, ...
    pub const GENERIC: Self = Self {
        sol_socket: 1,
        timestamp_old: 29,
        timestampns_old: 35,
        timestamping_old: 37,
        timestamp_new: 63,
        timestampns_new: 64,
        timestamping_new: 65,
        timestamping_opt_stats: 54,
        timestamping_pktinfo: 58,
        txtime: 61,
        ts_opt_id: 81,
    };
    /// MIPS and Alpha: `SOL_SOCKET` is `0xffff`, the timestamp numbers are the generic ones.
    pub const MIPS_ALPHA: Self = Self {
        sol_socket: 0xffff,
        ..Self::GENERIC
    };
    /// SPARC (`arch/sparc/include/uapi/asm/socket.h`).
    pub const SPARC: Self = Self {
        sol_socket: 0xffff,
        timestamp_old: 0x1d,
        timestampns_old: 0x21,
        timestamping_old: 0x23,
        timestamp_new: 0x46,
        timestampns_new: 0x42,
        timestamping_new: 0x43,
        timestamping_opt_stats: 0x38,
        timestamping_pktinfo: 0x3c,
        txtime: 0x3f,
        ts_opt_id: 0x5a,
    };
    /// PA-RISC (`arch/parisc/include/uapi/asm/socket.h`).
    pub const PARISC: Self = Self {
        sol_socket: 0xffff,
        timestamp_old: 0x4012,
        timestampns_old: 0x4013,
        timestamping_old: 0x4020,
        timestamp_new: 0x4038,
        timestampns_new: 0x4039,
        timestamping_new: 0x403a,
        timestamping_opt_stats: 0x402f,
        timestamping_pktinfo: 0x4033,
        txtime: 0x4036,
        ts_opt_id: 0x404c,
    };
}

/// Everything about a Linux ABI that changes the bytes of an error-queue message.
///
/// Use a preset ([`Abi::X86_64`], [`Abi::I686`], ...) or [`Abi::NATIVE`]; the fields are
/// public so an unusual ABI can be described too. Every Linux ABI has a `word` and a
/// `time_t` of 4 or 8 bytes: a value with anything else is refused by every encoder and by
/// the decoders it would make misread ([`Abi::validate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Abi {
    /// A short name for messages and test output.
    pub name: &'static str,
    /// The width of `cmsg_len` (`size_t`) in bytes, 8 or 4: the `cmsghdr` is this plus 8
    /// bytes, and control messages are aligned to this (`CMSG_ALIGN` rounds to
    /// `sizeof(long)`).
    pub word: usize,
    /// The byte order of host-order fields.
    pub endian: Endian,
    /// Socket-level numbers.
    pub socket: SocketNumbers,
    /// The width in bytes of the task's `time_t` (and `long`) in the *old* timestamp records
    /// (`SO_TIMESTAMP_OLD`, `SO_TIMESTAMPNS_OLD`, `SO_TIMESTAMPING_OLD`): 8 or 4.
    pub time_t: usize,
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
            word: 8,
            endian,
            socket,
            time_t: 8,
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
            word: 4,
            endian,
            socket,
            time_t: 4,
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
        word: core::mem::size_of::<usize>(),
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
        time_t: core::mem::size_of::<usize>(),
        errno: ErrnoNumbering::NATIVE,
    };

    /// Check that this describes a layout Linux has: `word` (`sizeof(long)`, the `cmsg_len`
    /// width and `CMSG_ALIGN` unit) and `time_t` (the old timestamp records' field width)
    /// both 4 or 8 bytes. Every preset and [`Abi::NATIVE`] pass.
    ///
    /// A hand-made value that fails cannot be written faithfully: with `word` above 8 a
    /// `cmsghdr` would not fit the header the encoder builds, with a `word` that is not a
    /// power of two `CMSG_ALIGN` has no meaning, and a `time_t` of another width has no
    /// layout for the old timestamp records. So [`CmsgWriter`](crate::cmsg::CmsgWriter),
    /// [`Record::encode`](crate::record::Record::encode) and the timestamp encoders refuse
    /// it with this error, and [`Cmsgs`](crate::cmsg::Cmsgs) (so also
    /// [`Records`](crate::record::Records) and
    /// [`Message::decode_with`](crate::message::Message::decode_with)) yields it instead of
    /// reading headers of an unknown shape.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::error::{Error, Reason, Structure};
    ///
    /// assert!(Abi::MIPS.validate().is_ok());
    /// let odd = Abi { word: 6, ..Abi::X86_64 };
    /// assert_eq!(
    ///     odd.validate(),
    ///     Err(Error::Malformed {
    ///         what: Structure::Abi,
    ///         reason: Reason::BadValue { field: "word", value: 6 }
    ///     })
    /// );
    /// ```
    ///
    /// # Errors
    /// [`Error::Malformed`] with [`Structure::Abi`] and [`Reason::BadValue`] naming the
    /// field (`"word"` or `"time_t"`) and its value.
    pub const fn validate(&self) -> Result<(), Error> {
        if self.word != 4 && self.word != 8 {
            return Err(Error::malformed(
                Structure::Abi,
                Reason::BadValue {
                    field: "word",
                    value: self.word as u64,
                },
            ));
        }
        if self.time_t != 4 && self.time_t != 8 {
            return Err(Error::malformed(
                Structure::Abi,
                Reason::BadValue {
                    field: "time_t",
                    value: self.time_t as u64,
                },
            ));
        }
        Ok(())
    }

    /// Whether [`Abi::validate`] passes.
    #[must_use]
    pub const fn is_valid(&self) -> bool {
        self.validate().is_ok()
    }

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
    pub const fn cmsg_header_len(&self) -> usize {
        // `word` is 4 or 8 for every real ABI; saturate rather than overflow for odd values.
        self.word.saturating_add(8)
    }

    /// `CMSG_ALIGN(len)`: `len` rounded up to the ABI's alignment (saturating at the top).
    #[doc(alias = "CMSG_ALIGN")]
    #[must_use]
    pub const fn cmsg_align(&self, len: usize) -> usize {
        // Round up to a multiple of the word: `(len + w - 1) & !(w - 1)` for a power of
        // two, computed without overflow.
        let mask = self.word.saturating_sub(1);
        match len.checked_add(mask) {
            Some(v) => v & !mask,
            None => usize::MAX & !mask,
        }
    }

    /// `CMSG_LEN(data_len)`: header plus data, unpadded; what `cmsg_len` holds.
    #[must_use]
    pub const fn cmsg_len(&self, data_len: usize) -> usize {
        self.cmsg_align(self.cmsg_header_len())
            .saturating_add(data_len)
    }

    /// `CMSG_SPACE(data_len)`: the room a record with `data_len` bytes takes in a control
    /// buffer, padding included.
    #[doc(alias = "CMSG_SPACE")]
    #[must_use]
    pub const fn cmsg_space(&self, data_len: usize) -> usize {
        self.cmsg_align(self.cmsg_header_len())
            .saturating_add(self.cmsg_align(data_len))
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
        assert!(n.word == 4 || n.word == 8);
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
    fn presets_and_native_are_valid() {
        assert!(Abi::NATIVE.is_valid());
        for a in Abi::PRESETS {
            assert_eq!(a.validate(), Ok(()), "{}", a.name);
        }
    }

    #[test]
    fn impossible_word_and_time_t_are_refused() {
        for word in [0usize, 1, 2, 3, 5, 6, 7, 9, 12, 16, 64, usize::MAX] {
            let abi = Abi {
                word,
                ..Abi::X86_64
            };
            assert_eq!(
                abi.validate(),
                Err(Error::malformed(
                    Structure::Abi,
                    Reason::BadValue {
                        field: "word",
                        value: word as u64
                    }
                ))
            );
            assert!(!abi.is_valid());
        }
        for time_t in [0usize, 2, 3, 16] {
            let abi = Abi {
                time_t,
                ..Abi::I686
            };
            assert_eq!(
                abi.validate(),
                Err(Error::malformed(
                    Structure::Abi,
                    Reason::BadValue {
                        field: "time_t",
                        value: time_t as u64
                    }
                ))
            );
        }
        // A 32-bit word with a 64-bit time_t (a 32-bit program built with 64-bit time) is
        // a real combination.
        assert!(Abi {
            time_t: 8,
            ..Abi::I686
        }
        .is_valid());
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
