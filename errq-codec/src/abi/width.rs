//! The width of an ABI's `long`/`size_t` and of its `time_t`: 4 or 8 bytes, nothing else.

/// The width in bytes of a C integer type that changes with the ABI: `size_t`/`long` (the
/// `cmsg_len` field and the `CMSG_ALIGN` unit) or `time_t`. Every Linux ABI has 4 or 8, so
/// this is a closed choice: an [`Abi`](super::Abi) with any other width cannot be built, and
/// the decoders and encoders have no "unknown layout" case.
///
/// ```
/// use errq_codec::abi::{Abi, Width};
///
/// assert_eq!(Abi::X86_64.word, Width::Eight);
/// assert_eq!(Abi::I686.word.bytes(), 4);
/// // A 32-bit program built with a 64-bit time_t: 4-byte words, 8-byte old timestamps.
/// let y2038 = Abi { time_t: Width::Eight, ..Abi::I686 };
/// assert_eq!(y2038.cmsg_header_len(), 12);
/// assert_eq!(Width::from_bytes(8), Some(Width::Eight));
/// assert_eq!(Width::from_bytes(6), None);
/// ```
///
/// A width no ABI has cannot be written down:
///
/// ```compile_fail
/// use errq_codec::abi::Abi;
///
/// let odd = Abi { word: 6, ..Abi::X86_64 }; // error: expected `Width`, found integer
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Width {
    /// 4 bytes: every 32-bit ABI (ILP32).
    Four,
    /// 8 bytes: every 64-bit ABI (LP64).
    Eight,
}

impl Width {
    /// The width of this crate's target's `usize`: its `long` and `size_t`.
    pub const NATIVE: Self = if core::mem::size_of::<usize>() == 8 {
        Self::Eight
    } else {
        Self::Four
    };

    /// The width in bytes: 4 or 8.
    #[must_use]
    #[inline(always)]
    pub const fn bytes(self) -> usize {
        match self {
            Self::Four => 4,
            Self::Eight => 8,
        }
    }

    /// The width of `n` bytes, if an ABI can have it.
    #[must_use]
    pub const fn from_bytes(n: usize) -> Option<Self> {
        match n {
            4 => Some(Self::Four),
            8 => Some(Self::Eight),
            _ => None,
        }
    }
}
