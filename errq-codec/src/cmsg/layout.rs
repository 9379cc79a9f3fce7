//! The two `cmsghdr` layouts Linux has, as zerocopy types, and the one step of the walk,
//! compiled for each.
//!
//! `struct cmsghdr` is `{ size_t cmsg_len; int cmsg_level; int cmsg_type; }`: 16 bytes with
//! 8-byte alignment on a 64-bit ABI, 12 with 4-byte alignment on a 32-bit one (and for a
//! 32-bit task on a 64-bit kernel: `struct compat_cmsghdr`, written by `put_cmsg_compat`).
//! [`CmsgLayout`] names one of the four combinations of width and byte order; every
//! decoder and encoder of control messages is generic over it, and [`with_layout!`] picks
//! the instance for an [`Abi`](crate::abi::Abi) once per buffer.

use core::marker::PhantomData;

use zerocopy::byteorder::{I32, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::Cmsg;
use crate::abi::Order;
use crate::error::{Error, Reason, Structure};

/// `struct cmsghdr` of a 64-bit ABI.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub(crate) struct Header64<O: Order> {
    len: U64<O>,
    level: I32<O>,
    kind: I32<O>,
}

/// `struct cmsghdr` of a 32-bit ABI (`struct compat_cmsghdr`).
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub(crate) struct Header32<O: Order> {
    len: U32<O>,
    level: I32<O>,
    kind: I32<O>,
}

/// One `cmsghdr` layout: its width (`size_t`, also the `CMSG_ALIGN` unit) and byte order.
pub(crate) trait CmsgLayout {
    /// The byte order of every host-order field in the records.
    type Order: Order;
    /// The header as stored.
    type Header: FromBytes + IntoBytes + KnownLayout + Immutable + Unaligned;
    /// `sizeof(size_t)`: 8 or 4.
    const WORD: usize;
    /// `CMSG_LEN(0)`: 16 or 12 (already a multiple of `WORD`).
    const HEADER: usize = Self::WORD + 8;
    /// `cmsg_len`, `cmsg_level`, `cmsg_type`.
    fn fields(h: &Self::Header) -> (u64, i32, i32);
    /// A header; a `cmsg_len` too wide for a 32-bit `size_t` is stored as `u32::MAX`.
    fn header(len: usize, level: i32, kind: i32) -> Self::Header;
}

/// A 64-bit ABI in byte order `O`.
pub(crate) struct Lp64<O>(PhantomData<O>);
/// A 32-bit ABI in byte order `O`.
pub(crate) struct Ilp32<O>(PhantomData<O>);

impl<O: Order> CmsgLayout for Lp64<O> {
    type Order = O;
    type Header = Header64<O>;
    const WORD: usize = 8;
    #[inline(always)]
    fn fields(h: &Header64<O>) -> (u64, i32, i32) {
        (h.len.get(), h.level.get(), h.kind.get())
    }
    fn header(len: usize, level: i32, kind: i32) -> Header64<O> {
        Header64 {
            len: U64::new(len as u64),
            level: I32::new(level),
            kind: I32::new(kind),
        }
    }
}

impl<O: Order> CmsgLayout for Ilp32<O> {
    type Order = O;
    type Header = Header32<O>;
    const WORD: usize = 4;
    #[inline(always)]
    fn fields(h: &Header32<O>) -> (u64, i32, i32) {
        (u64::from(h.len.get()), h.level.get(), h.kind.get())
    }
    fn header(len: usize, level: i32, kind: i32) -> Header32<O> {
        Header32 {
            len: U32::new(u32::try_from(len).unwrap_or(u32::MAX)),
            level: I32::new(level),
            kind: I32::new(kind),
        }
    }
}

/// Evaluate `$body` with the type `$L` standing for the [`CmsgLayout`] of `$abi`: the one
/// runtime choice of layout, made once per buffer.
macro_rules! with_layout {
    ($abi:expr, $L:ident => $body:expr) => {{
        use $crate::abi::{Endian, Width};
        use $crate::cmsg::layout::{Ilp32, Lp64};
        use zerocopy::byteorder::{BigEndian, LittleEndian};
        match ($abi.word, $abi.endian) {
            (Width::Eight, Endian::Little) => {
                type $L = Lp64<LittleEndian>;
                $body
            }
            (Width::Eight, Endian::Big) => {
                type $L = Lp64<BigEndian>;
                $body
            }
            (Width::Four, Endian::Little) => {
                type $L = Ilp32<LittleEndian>;
                $body
            }
            (Width::Four, Endian::Big) => {
                type $L = Ilp32<BigEndian>;
                $body
            }
        }
    }};
}
pub(crate) use with_layout;

/// One step of the walk: the record at `pos` and where the next header starts, `Ok(None)`
/// at the end. The checks of `CMSG_NXTHDR` and more: a header cut short, a `cmsg_len` below
/// the header or past the buffer are errors; the next header is at
/// `pos + CMSG_ALIGN(cmsg_len)`, at least one header on, so the walk always ends.
///
/// The header size and alignment are constants of `L`, so the walk compiled for the native
/// layout reads each header with plain loads and has no runtime ABI branch.
#[inline(always)]
pub(crate) fn step<L: CmsgLayout>(
    buf: &[u8],
    pos: usize,
) -> Result<Option<(Cmsg<'_>, usize)>, Error> {
    let rest = match buf.get(pos..) {
        Some(rest) if !rest.is_empty() => rest,
        _ => return Ok(None),
    };
    let Ok((hdr, _)) = L::Header::ref_from_prefix(rest) else {
        return Err(Error::truncated(
            Structure::CmsgHeader,
            L::HEADER,
            rest.len(),
        ));
    };
    let (len, level, kind) = L::fields(hdr);
    let Ok(ulen) = usize::try_from(len) else {
        return Err(Error::malformed(
            Structure::CmsgHeader,
            Reason::LengthOverflow { length: len },
        ));
    };
    if ulen < L::HEADER {
        return Err(Error::malformed(
            Structure::CmsgHeader,
            Reason::LengthBelowHeader {
                length: len,
                minimum: L::HEADER,
            },
        ));
    }
    let Some(record) = rest.get(..ulen) else {
        return Err(Error::truncated(Structure::CmsgData, ulen, rest.len()));
    };
    let data = record.get(L::HEADER..).unwrap_or(&[]);
    Ok(Some((
        Cmsg {
            level,
            kind,
            len,
            offset: pos,
            data,
        },
        // `pos + CMSG_ALIGN(ulen)`, which cannot wrap: `pos + ulen <= buf.len() <= isize::MAX`
        // (it is a slice), and aligning adds less than a word. (Saturating arithmetic here
        // cost two instructions a record.)
        pos.wrapping_add(ulen.wrapping_add(L::WORD.wrapping_sub(1)) & !L::WORD.wrapping_sub(1)),
    )))
}
