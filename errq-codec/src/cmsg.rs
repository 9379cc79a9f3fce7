//! Walking and building `cmsghdr` chains, for any [`Abi`].
//!
//! [`Cmsgs`] walks a control buffer the way `CMSG_FIRSTHDR`/`CMSG_NXTHDR` do, with every
//! bound checked: it yields each record ([`Cmsg`]: level, type, data bounded by `cmsg_len`),
//! and on a bad header yields one [`Error`] and stops. Records before the bad one have already
//! been yielded. It cannot loop forever: every step moves forward by at least one header.
//!
//! [`CmsgWriter`] builds control buffers. [`CmsgWriter::push`] refuses what does not fit;
//! [`CmsgWriter::put_cmsg`] does exactly what the kernel's `put_cmsg` does when the buffer is
//! too small (cut the record short, set `MSG_CTRUNC`), so tests can make the same bytes the
//! kernel would.
//!
//! Pass the control bytes the kernel reported (`msg_controllen` after `recvmsg`), not the
//! whole buffer: zero bytes after the last record read as a `cmsg_len` of 0, which is
//! malformed.

pub(crate) mod layout;

use zerocopy::IntoBytes;

use crate::abi::Abi;
use crate::error::{Error, Structure};
use layout::{with_layout, CmsgLayout};

/// One control message: a `cmsghdr` and the data its `cmsg_len` covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "cmsghdr")]
pub struct Cmsg<'a> {
    /// `cmsg_level`: the protocol (`SOL_IP` 0, `SOL_IPV6` 41, `SOL_PACKET` 263, or the ABI's
    /// `SOL_SOCKET`).
    #[doc(alias = "cmsg_level")]
    pub level: i32,
    /// `cmsg_type`: the protocol-specific type.
    #[doc(alias = "cmsg_type")]
    pub kind: i32,
    /// `cmsg_len` exactly as stored (header included).
    #[doc(alias = "cmsg_len")]
    pub len: u64,
    /// Where the header starts in the control buffer.
    pub offset: usize,
    /// The data: `cmsg_len - CMSG_LEN(0)` bytes from `CMSG_DATA`.
    #[doc(alias = "CMSG_DATA")]
    pub data: &'a [u8],
}

/// An iterator over the records of a control buffer; see the [module docs](self).
///
/// Yields `Ok(Cmsg)` for each well-formed record. A header that is cut short, a `cmsg_len`
/// below the header size, or one running past the buffer yields one `Err` and ends the walk.
///
/// ```
/// use errq_codec::abi::Abi;
/// use errq_codec::cmsg::Cmsgs;
///
/// // The control bytes of a real x86_64 capture: IP_TTL (64), then IP_RECVERR.
/// let control = [
///     20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0,
///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0,
///     111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
///     2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
/// ];
/// let records: Vec<_> = Cmsgs::new(&control, Abi::X86_64).collect::<Result<_, _>>()?;
/// assert_eq!(records.len(), 2);
/// assert_eq!((records[0].level, records[0].kind, records[0].len), (0, 2, 20));
/// assert_eq!(records[0].data, &[64, 0, 0, 0]);
/// assert_eq!((records[1].level, records[1].kind, records[1].data.len()), (0, 11, 32));
/// // A cut buffer: the first record still comes, then one error, then the end.
/// let mut cut = Cmsgs::new(&control[..40], Abi::X86_64);
/// assert!(cut.next().unwrap().is_ok());
/// assert!(cut.next().unwrap().is_err());
/// assert!(cut.next().is_none());
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Cmsgs<'a> {
    buf: &'a [u8],
    pub(crate) abi: Abi,
    pos: usize,
    done: bool,
}

impl<'a> Cmsgs<'a> {
    /// Walk `control` as written for `abi`.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::cmsg::Cmsgs;
    ///
    /// // The control bytes of a real x86_64 capture: IP_TTL (64), then IP_RECVERR.
    /// let control = [
    ///     20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0,
    ///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0,
    ///     111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ///     2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    /// ];
    /// // The same walk as glibc's CMSG_FIRSTHDR / CMSG_NXTHDR, for the ABI given.
    /// let kinds: Vec<i32> = Cmsgs::new(&control, Abi::X86_64).map(|c| c.unwrap().kind).collect();
    /// assert_eq!(kinds, [2, 11]); // IP_TTL, IP_RECVERR
    /// ```
    #[must_use]
    pub const fn new(control: &'a [u8], abi: Abi) -> Self {
        Self {
            buf: control,
            abi,
            pos: 0,
            done: false,
        }
    }

    /// The ABI this walk reads with.
    #[must_use]
    pub const fn abi(&self) -> Abi {
        self.abi
    }

    #[inline]
    fn step(&mut self) -> Result<Option<Cmsg<'a>>, Error> {
        let step = with_layout!(self.abi, L => layout::step::<L>(self.buf, self.pos));
        Ok(step?.map(|(c, next)| {
            self.pos = next;
            c
        }))
    }
}

impl<'a> Iterator for Cmsgs<'a> {
    type Item = Result<Cmsg<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let step = self.step();
        crate::error::fuse(&mut self.done, step)
    }
}

impl core::iter::FusedIterator for Cmsgs<'_> {}

/// Builds a control buffer for any [`Abi`]; see the [module docs](self).
///
/// ```
/// use errq_codec::abi::Abi;
/// use errq_codec::cmsg::{CmsgWriter, Cmsgs};
///
/// // IP_TTL 64 as a 32-bit ARM task receives it: a 12-byte header, 4-byte alignment.
/// let mut buf = [0u8; 64];
/// let mut w = CmsgWriter::new(&mut buf, Abi::ARM);
/// w.push(0, 2, &64u32.to_le_bytes())?;
/// assert_eq!(w.as_bytes(), &[16, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0]);
/// let written = w.finish();
/// let c = Cmsgs::new(written, Abi::ARM).next().unwrap()?;
/// assert_eq!((c.level, c.kind, c.data), (0, 2, &[64, 0, 0, 0][..]));
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Debug)]
pub struct CmsgWriter<'a> {
    buf: &'a mut [u8],
    abi: Abi,
    len: usize,
    ctrunc: bool,
}

impl<'a> CmsgWriter<'a> {
    /// Write into `buf` (its length plays the part of `msg_controllen` before the call).
    pub fn new(buf: &'a mut [u8], abi: Abi) -> Self {
        Self {
            buf,
            abi,
            len: 0,
            ctrunc: false,
        }
    }

    /// The ABI this writer writes.
    #[must_use]
    pub const fn abi(&self) -> Abi {
        self.abi
    }

    /// The bytes written so far: what the kernel would report as `msg_controllen`.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written yet.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether a [`put_cmsg`](Self::put_cmsg) had to cut a record or leave it out
    /// (the kernel sets `MSG_CTRUNC` then).
    #[must_use]
    pub fn ctrunc(&self) -> bool {
        self.ctrunc
    }

    /// The control bytes written so far.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Finish, returning the written part of the buffer.
    #[must_use]
    pub fn finish(self) -> &'a mut [u8] {
        let len = self.len;
        let buf = self.buf;
        let (head, _) = buf.split_at_mut(len.min(buf.len()));
        head
    }

    fn write_header(&mut self, at: usize, cmsg_len: usize, level: i32, kind: i32) {
        let buf = &mut *self.buf;
        with_layout!(self.abi, L => {
            if let Some(dst) = buf.get_mut(at..) {
                // The callers checked the room for a header; nothing is written otherwise.
                let _ = L::header(cmsg_len, level, kind).write_to_prefix(dst);
            }
        });
    }

    /// Append a record with `data`, padded to `CMSG_SPACE`.
    ///
    /// The padding of the last record is written only where the buffer has room for it, as
    /// the kernel does.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if the record (`CMSG_LEN(data.len())`) does not fit. Nothing is
    /// written then.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::cmsg::CmsgWriter;
    /// use errq_codec::error::{Error, Structure};
    ///
    /// let mut buf = [0u8; 20];
    /// let mut w = CmsgWriter::new(&mut buf, Abi::X86_64);
    /// w.push(0, 2, &64i32.to_le_bytes())?; // CMSG_SPACE(4) = 24 > 20, but CMSG_LEN(4) = 20 fits
    /// assert_eq!(w.len(), 20);
    /// // Nothing more fits: refused, nothing written, unlike `put_cmsg`.
    /// assert_eq!(
    ///     w.push(0, 2, &[0; 4]),
    ///     Err(Error::NoSpace { what: Structure::CmsgHeader, needed: 20, available: 0 })
    /// );
    /// # Ok::<(), Error>(())
    /// ```
    pub fn push(&mut self, level: i32, kind: i32, data: &[u8]) -> Result<(), Error> {
        self.push_with(level, kind, data.len(), |dst| dst.copy_from_slice(data))
    }

    /// Append a record exactly as the kernel's `put_cmsg` does: if there is no room for a
    /// header, write nothing and set `ctrunc`; if there is room for the header but not all
    /// the data, write the record cut short with `cmsg_len` = the bytes left and set
    /// `ctrunc`; then move on by `CMSG_SPACE(data.len())` or to the end of the buffer.
    /// Returns whether the whole record was written.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::cmsg::CmsgWriter;
    ///
    /// // A 24-byte control buffer for a 48-byte IP_RECVERR record, as the kernel's put_cmsg
    /// // fills it: the record cut to the buffer, cmsg_len saying so, MSG_CTRUNC set.
    /// let mut buf = [0u8; 24];
    /// let mut w = CmsgWriter::new(&mut buf, Abi::X86_64);
    /// assert!(!w.put_cmsg(0, 11, &[0u8; 32])); // false: cut
    /// assert!(w.ctrunc());
    /// assert_eq!(w.len(), 24);
    /// assert_eq!(&w.as_bytes()[..8], &[24, 0, 0, 0, 0, 0, 0, 0]); // cmsg_len 24, not 48
    /// ```
    pub fn put_cmsg(&mut self, level: i32, kind: i32, data: &[u8]) -> bool {
        let hlen = self.abi.cmsg_header_len();
        let avail = self.buf.len().saturating_sub(self.len);
        if avail < hlen {
            self.ctrunc = true;
            return false;
        }
        let mut cmsg_len = self.abi.cmsg_len(data.len());
        let whole = cmsg_len <= avail;
        if !whole {
            self.ctrunc = true;
            cmsg_len = avail;
        }
        let at = self.len;
        self.write_header(at, cmsg_len, level, kind);
        let data_at = at.saturating_add(hlen);
        let data_len = cmsg_len.saturating_sub(hlen);
        if let (Some(dst), Some(src)) = (
            self.buf.get_mut(data_at..data_at.saturating_add(data_len)),
            data.get(..data_len),
        ) {
            dst.copy_from_slice(src);
        }
        let step = self.abi.cmsg_space(data.len()).min(avail);
        // Zero the padding, so the bytes are those a zeroed kernel buffer would hold.
        let pad_from = at.saturating_add(cmsg_len);
        if let Some(pad) = self.buf.get_mut(pad_from..at.saturating_add(step)) {
            pad.fill(0);
        }
        self.len = at.saturating_add(step);
        whole
    }

    /// Append a record whose data is built in place by `fill`, which gets exactly
    /// `data_len` zeroed bytes.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if the record does not fit.
    pub fn push_with(
        &mut self,
        level: i32,
        kind: i32,
        data_len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> Result<(), Error> {
        let cmsg_len = self.abi.cmsg_len(data_len);
        let avail = self.buf.len().saturating_sub(self.len);
        if cmsg_len > avail || cmsg_len == usize::MAX {
            return Err(Error::NoSpace {
                what: Structure::CmsgHeader,
                needed: cmsg_len,
                available: avail,
            });
        }
        let at = self.len;
        self.write_header(at, cmsg_len, level, kind);
        let data_at = at.saturating_add(self.abi.cmsg_header_len());
        if let Some(dst) = self.buf.get_mut(data_at..data_at.saturating_add(data_len)) {
            dst.fill(0);
            fill(dst);
        }
        let step = self.abi.cmsg_space(data_len).min(avail);
        if let Some(pad) = self
            .buf
            .get_mut(at.saturating_add(cmsg_len)..at.saturating_add(step))
        {
            pad.fill(0);
        }
        self.len = at.saturating_add(step);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    // Real bytes: x86_64, UDP to a closed port on 127.0.0.1 with IP_RECVTTL: an IP_TTL
    // record (cmsg_len 20, padded to 24) then IP_RECVERR (cmsg_len 48).
    const TTL_THEN_ERR_X86_64: [u8; 72] = [
        20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, //
        48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, //
        111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, //
        2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    #[test]
    fn walks_two_records() {
        let v: Vec<_> = Cmsgs::new(&TTL_THEN_ERR_X86_64, Abi::X86_64).collect();
        assert_eq!(v.len(), 2);
        let a = v[0].unwrap();
        assert_eq!((a.level, a.kind, a.len, a.offset), (0, 2, 20, 0));
        assert_eq!(a.data, &[64, 0, 0, 0]);
        let b = v[1].unwrap();
        assert_eq!((b.level, b.kind, b.len, b.offset), (0, 11, 48, 24));
        assert_eq!(b.data.len(), 32);
    }

    #[test]
    fn writer_rebuilds_the_same_bytes() {
        let mut buf = [0xAAu8; 72];
        let mut w = CmsgWriter::new(&mut buf, Abi::X86_64);
        w.push(0, 2, &64i32.to_le_bytes()).unwrap();
        w.push(0, 11, &TTL_THEN_ERR_X86_64[40..]).unwrap();
        assert_eq!(w.len(), 72);
        assert_eq!(w.as_bytes(), &TTL_THEN_ERR_X86_64[..]);
    }

    #[test]
    fn zero_len_is_malformed_not_a_loop() {
        let buf = [0u8; 64];
        let v: Vec<_> = Cmsgs::new(&buf, Abi::X86_64).collect();
        assert_eq!(
            v,
            [Err(Error::malformed(
                Structure::CmsgHeader,
                crate::error::Reason::LengthBelowHeader {
                    length: 0,
                    minimum: 16
                }
            ))]
        );
    }

    #[test]
    fn short_header_and_overrun() {
        let v: Vec<_> = Cmsgs::new(&TTL_THEN_ERR_X86_64[..30], Abi::X86_64).collect();
        assert_eq!(v.len(), 2);
        assert!(v[0].is_ok());
        assert_eq!(v[1], Err(Error::truncated(Structure::CmsgHeader, 16, 6)));
        let v: Vec<_> = Cmsgs::new(&TTL_THEN_ERR_X86_64[..60], Abi::X86_64).collect();
        assert_eq!(v[1], Err(Error::truncated(Structure::CmsgData, 48, 36)));
    }

    #[test]
    fn huge_len_is_an_error() {
        let mut buf = [0u8; 16];
        buf[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        let v: Vec<_> = Cmsgs::new(&buf, Abi::X86_64).collect();
        assert_eq!(v.len(), 1);
        assert!(v[0].is_err());
        let mut buf = [0u8; 12];
        buf[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        let v: Vec<_> = Cmsgs::new(&buf, Abi::I686).collect();
        assert_eq!(
            v,
            [Err(Error::truncated(
                Structure::CmsgData,
                u32::MAX as usize,
                12
            ))]
        );
    }

    #[test]
    fn put_cmsg_cuts_like_the_kernel() {
        // 40 bytes: the TTL record (24 with padding) fits, the error gets 16 bytes:
        // a header and no data, cmsg_len 16.
        let mut buf = [0u8; 40];
        let mut w = CmsgWriter::new(&mut buf, Abi::X86_64);
        assert!(w.put_cmsg(0, 2, &64i32.to_le_bytes()));
        assert!(!w.put_cmsg(0, 11, &TTL_THEN_ERR_X86_64[40..]));
        assert!(w.ctrunc());
        assert_eq!(w.len(), 40);
        let v: Vec<_> = Cmsgs::new(w.as_bytes(), Abi::X86_64).collect();
        let b = v[1].unwrap();
        assert_eq!((b.len, b.data.len()), (16, 0));
        // Room for less than a header: nothing written.
        let mut buf = [0u8; 30];
        let mut w = CmsgWriter::new(&mut buf, Abi::X86_64);
        w.put_cmsg(0, 2, &64i32.to_le_bytes());
        assert!(!w.put_cmsg(0, 11, &[0; 32]));
        assert_eq!(w.len(), 24);
    }

    #[test]
    fn i686_layout() {
        let mut buf = [0u8; 72];
        let mut w = CmsgWriter::new(&mut buf, Abi::I686);
        w.push(0, 2, &[64, 0, 0, 0]).unwrap();
        w.push(41, 25, &[7u8; 44]).unwrap();
        assert_eq!(w.len(), 16 + 56);
        let bytes = w.as_bytes().to_vec();
        assert_eq!(&bytes[..4], &16u32.to_le_bytes());
        let v: Vec<_> = Cmsgs::new(&bytes, Abi::I686).map(Result::unwrap).collect();
        assert_eq!(v[1].offset, 16);
        assert_eq!((v[1].level, v[1].kind, v[1].len), (41, 25, 56));
        assert_eq!(v[1].data, &[7u8; 44]);
    }

    #[test]
    fn big_endian_layout() {
        let mut buf = [0u8; 32];
        let mut w = CmsgWriter::new(&mut buf, Abi::S390X);
        w.push(0xffff, 37, &[1, 2, 3]).unwrap();
        let bytes = w.as_bytes().to_vec();
        assert_eq!(&bytes[..8], &19u64.to_be_bytes());
        assert_eq!(&bytes[8..12], &0xffffu32.to_be_bytes());
        let c = Cmsgs::new(&bytes, Abi::S390X).next().unwrap().unwrap();
        assert_eq!((c.level, c.kind, c.data), (0xffff, 37, &[1u8, 2, 3][..]));
    }
}
