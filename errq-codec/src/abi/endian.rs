//! The byte order of an ABI: a value ([`Endian`]) for what is chosen at run time, and the
//! two zerocopy byte-order types the decoders are compiled for ([`Order`]).

use zerocopy::byteorder::{BigEndian, ByteOrder, LittleEndian};

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

/// A byte order known at compile time: zerocopy's [`LittleEndian`] or [`BigEndian`]. The
/// decoders of the fixed kernel layouts are generic over it, so each exists once and the
/// native order is the instance the compiler folds; [`Endian`] chooses the instance at run
/// time.
pub(crate) trait Order: ByteOrder {
    /// The same order as a value.
    const ENDIAN: Endian;
}

impl Order for LittleEndian {
    const ENDIAN: Endian = Endian::Little;
}

impl Order for BigEndian {
    const ENDIAN: Endian = Endian::Big;
}

/// Evaluate `$body` with the type `$O` standing for the [`Order`] of the [`Endian`] value
/// `$e`: how a decoder generic over the byte order is called with a runtime one.
macro_rules! with_order {
    ($e:expr, $O:ident => $body:expr) => {{
        match $e {
            $crate::abi::Endian::Little => {
                type $O = zerocopy::byteorder::LittleEndian;
                $body
            }
            $crate::abi::Endian::Big => {
                type $O = zerocopy::byteorder::BigEndian;
                $body
            }
        }
    }};
}
pub(crate) use with_order;
