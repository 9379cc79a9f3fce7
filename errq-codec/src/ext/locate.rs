//! Where an RFC 4884 extension structure starts: one locator, [`locate`], for the three
//! places an offset comes from ([`ExtensionAt`]).

use super::{Extension, ExtensionChecksum, COMPAT_OFFSET, HEADER_LEN};
use crate::error::{Error, Reason, Structure};

/// Where an extension structure is said to start.
///
/// | source | offset | used by |
/// | --- | --- | --- |
/// | the error queue | `ee_rfc4884.len`, checked by the kernel | [`Message::extension`], [`split_rfc4884`] |
/// | a whole ICMP message | its original-datagram length field | [`IcmpErrorPacket`] |
/// | a router that predates RFC 4884 | 128 after the ICMP header, if a valid structure is there | [`Message::probe_extension`], [`find_compat_extension`], [`ExtensionMode::Rfc4884OrCompat`] |
///
/// [`locate`] takes the bytes after the ICMP header as the reader has them (the whole data
/// of a raw message; the payload of an error-queue message, from which the kernel removed
/// the quoted headers) and cuts them there into the original datagram and the extension
/// structure.
///
/// [`Message::extension`]: crate::message::Message::extension
/// [`Message::probe_extension`]: crate::message::Message::probe_extension
/// [`split_rfc4884`]: crate::payload::split_rfc4884
/// [`find_compat_extension`]: crate::payload::find_compat_extension
/// [`IcmpErrorPacket`]: crate::icmp::IcmpErrorPacket
/// [`ExtensionMode::Rfc4884OrCompat`]: crate::icmp::ExtensionMode::Rfc4884OrCompat
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtensionAt {
    /// `ee_rfc4884.len` of an error-queue message (0: none), an offset into its payload.
    ///
    /// The kernel computed and checked it (`ip_icmp_error_rfc4884` in `net/ipv4/icmp.c`,
    /// called when the socket set `IP_RECVERR_RFC4884` / `IPV6_RECVERR_RFC4884` by
    /// `ipv4_icmp_error_rfc4884` in `net/ipv4/ip_sockglue.c` for ICMPv4 destination
    /// unreachable, time exceeded and parameter problem, and by `ipv6_icmp_error_rfc4884` in
    /// `net/ipv6/datagram.c` for ICMPv6 destination unreachable and time exceeded): it takes
    /// the header's length field in bytes, requires at least 128 and at least the quoted
    /// headers it removed before the payload, subtracts those, and reports the offset only
    /// if a 4-byte extension header fits in the packet. So the structure is there: a
    /// payload that ends before it was cut by a short buffer (`MSG_TRUNC`).
    #[doc(alias = "sock_ee_data_rfc4884")]
    Reported(u16),
    /// The original-datagram length field of a whole ICMP error message, in bytes (ICMPv4:
    /// the field times 4; ICMPv6: times 8), counted from the end of the ICMP header, where
    /// the data starts.
    ///
    /// The rule is the kernel's (`ip_icmp_error_rfc4884`, nothing removed): 0 means no
    /// extension, and RFC 4884 requires at least 128 bytes of original datagram before one.
    /// Where the kernel silently reports nothing, this locator says why when it can: a
    /// length below 128 with bytes after it is an error (and, as for the kernel, the whole
    /// data stays the original datagram: a junk length cannot cut the quoted packet), and
    /// 1 to 3 bytes after the length are a cut extension header. A length at or past the end of the data (a capture cut short) is
    /// no extension.
    LengthField(usize),
    /// RFC 4884 section 5 (backwards compatibility): routers that predate it (MPLS-aware
    /// ICMPv4 implementations) append the structure after exactly 128 bytes of original
    /// datagram and leave the length field zero, so the kernel reports `len` 0. A compliant
    /// reader then looks at offset 128 after the ICMP header when at least 8 bytes are
    /// there (an extension header and one object header: the RFC's "144 octets or more" of
    /// ICMP message), and takes them as an extension structure only if the version is 2
    /// and the checksum verifies. `stripped` is how much of those 128 bytes is not in the
    /// data (for the error queue of a UDP socket over IPv4: the 20-byte IP header and the
    /// 8-byte UDP header; 0 for a whole message).
    Compat {
        /// The bytes of the quote removed before the data.
        stripped: usize,
    },
}

/// An ICMP error's data cut by [`locate`] into the original datagram and the extension
/// structure.
///
/// ```
/// use errq_codec::ext::{locate, ExtensionAt, ObjectData};
///
/// // The payload of a real error-queue message (x86_64 capture udp4_rfc4884_nolen): the
/// // 100-byte UDP probe as quoted, then the extension a router that predates RFC 4884 put at
/// // offset 128 of its time exceeded; the kernel reported ee_rfc4884.len 0.
/// let mut payload: Vec<u8> = (0..100).collect();
/// payload.extend_from_slice(&[
///     0x20, 0x00, 0xc0, 0xc8, // version 2, checksum 0xc0c8
///     0x00, 0x0c, 0x01, 0x01, 0x03, 0xe8, 0x10, 0x01, 0x05, 0xdc, 0x5b, 0x01, // MPLS, 2 labels
///     0x00, 0x1c, 0x02, 0x0f, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00, // interface info
///     0xc6, 0x12, 0x01, 0x02, 0x08, 0x65, 0x74, 0x68, 0x2d, 0x72, 0x30, 0x00, 0x00, 0x00, 0x05, 0xdc,
/// ]);
/// // Where the kernel said: nothing.
/// let reported = locate(&payload, ExtensionAt::Reported(0));
/// assert_eq!((reported.original().len(), reported.extension()), (144, None));
/// // Where an old router puts it: 128 after the ICMP header, 20 + 8 of which the kernel removed.
/// let compat = locate(&payload, ExtensionAt::Compat { stripped: 28 });
/// assert_eq!((compat.original().len(), compat.offset()), (100, Some(100)));
/// let ext = compat.extension().unwrap()?;
/// let Ok(ObjectData::MplsLabelStack(stack)) = ext.objects().next().unwrap()?.decode() else { panic!() };
/// assert_eq!(stack.entries().map(|l| l.label).collect::<Vec<_>>(), [16001, 24005]);
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located<'a> {
    original: &'a [u8],
    extension: Option<(usize, Result<Extension<'a>, Error>)>,
}

impl<'a> Located<'a> {
    /// Nothing found: all of `data` is the original datagram.
    const fn none(data: &'a [u8]) -> Self {
        Self {
            original: data,
            extension: None,
        }
    }

    /// The original datagram: the data before the extension structure, or all of it when
    /// there is none (and when [`ExtensionAt::Reported`] points past a cut payload).
    #[must_use]
    #[inline]
    pub const fn original(&self) -> &'a [u8] {
        self.original
    }

    /// The extension structure: `None` if there is none, `Some(Err)` if one is said to be
    /// there but cannot be read (cut short, not version 2, a length field below 128). A bad
    /// checksum is not an error here: see [`Extension::checksum_status`].
    #[must_use]
    #[inline]
    pub fn extension(&self) -> Option<Result<Extension<'a>, Error>> {
        self.extension.map(|(_, e)| e)
    }

    /// Where the extension structure starts in the data.
    #[must_use]
    #[inline]
    pub fn offset(&self) -> Option<usize> {
        self.extension.map(|(off, _)| off)
    }
}

/// Cut `data` (the bytes after the ICMP header, as the reader has them) at the extension
/// structure `at` says; see [`ExtensionAt`] for the rule of each source.
///
/// ```
/// use errq_codec::ext::{locate, ExtensionAt};
///
/// // A whole ICMP message's data: a 128-byte original datagram (length field 32 words),
/// // then an extension header with no checksum and an empty MPLS object.
/// let mut data = vec![0u8; 128];
/// data.extend_from_slice(&[0x20, 0, 0, 0, 0, 4, 1, 1]);
/// let located = locate(&data, ExtensionAt::LengthField(32 * 4));
/// assert_eq!(located.original().len(), 128);
/// assert_eq!(located.extension().unwrap()?.objects().count(), 1);
/// // A length below the 128 bytes RFC 4884 requires is reported, not followed silently.
/// assert!(locate(&data, ExtensionAt::LengthField(64)).extension().unwrap().is_err());
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[must_use]
#[inline]
pub fn locate(data: &[u8], at: ExtensionAt) -> Located<'_> {
    match at {
        ExtensionAt::Reported(len) => reported(data, usize::from(len)),
        ExtensionAt::LengthField(off) => length_field(data, off),
        ExtensionAt::Compat { stripped } => compat(data, stripped),
    }
}

/// [`ExtensionAt::Reported`].
#[inline]
fn reported(payload: &[u8], off: usize) -> Located<'_> {
    if off == 0 {
        return Located::none(payload);
    }
    match (payload.get(..off), payload.get(off..)) {
        (Some(original), Some(rest)) => Located {
            original,
            extension: Some((off, Extension::new(rest))),
        },
        // The kernel saw a header there; the buffer was too short to hold it.
        _ => Located {
            original: payload,
            extension: Some((
                off,
                Err(Error::truncated(Structure::ExtensionHeader, HEADER_LEN, 0)),
            )),
        },
    }
}

/// [`ExtensionAt::LengthField`].
fn length_field(data: &[u8], off: usize) -> Located<'_> {
    let (Some(original), Some(rest)) = (data.get(..off), data.get(off..)) else {
        return Located::none(data);
    };
    if off == 0 || rest.is_empty() {
        return Located::none(data);
    }
    if off < COMPAT_OFFSET {
        // The kernel ignores such a field and reads the whole quote as the original
        // datagram; so does this, and says what the field held.
        return Located {
            original: data,
            extension: Some((
                off,
                Err(Error::malformed(
                    Structure::ExtensionHeader,
                    Reason::BadValue {
                        field: "RFC 4884 length",
                        value: off as u64,
                    },
                )),
            )),
        };
    }
    Located {
        original,
        extension: Some((off, Extension::new(rest))),
    }
}

/// [`ExtensionAt::Compat`].
fn compat(data: &[u8], stripped: usize) -> Located<'_> {
    /// An extension header and one object header: RFC 4884's 144 octets of ICMP message
    /// minus the 8-byte ICMP header and the 128 bytes of original datagram.
    const MIN: usize = 2 * HEADER_LEN;
    let Some(off) = COMPAT_OFFSET.checked_sub(stripped) else {
        return Located::none(data);
    };
    let found = data
        .get(off..)
        .filter(|rest| rest.len() >= MIN)
        .and_then(|rest| Extension::new(rest).ok())
        .filter(|ext| ext.checksum_status() == ExtensionChecksum::Valid);
    match (found, data.get(..off)) {
        (Some(ext), Some(original)) => Located {
            original,
            extension: Some((off, Ok(ext))),
        },
        _ => Located::none(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext::{encode_extension, ObjectClass, ObjectRepr};

    /// `pad` bytes of quote, then an extension with one MPLS object (checksum as asked).
    fn message(pad: usize, checksum: bool) -> std::vec::Vec<u8> {
        let mut v = std::vec![0x45u8; pad];
        let mut ext = [0u8; 12];
        let n = encode_extension(
            &[ObjectRepr {
                class: ObjectClass::MPLS_LABEL_STACK,
                c_type: 1,
                payload: &[0x03, 0xe8, 0x11, 0x01],
            }],
            checksum,
            &mut ext,
        )
        .unwrap();
        v.extend_from_slice(&ext[..n]);
        v
    }

    #[test]
    fn reported_offsets() {
        let m = message(100, true);
        let l = locate(&m, ExtensionAt::Reported(100));
        assert_eq!((l.original().len(), l.offset()), (100, Some(100)));
        assert!(l.extension().unwrap().unwrap().is_valid());
        assert_eq!(locate(&m, ExtensionAt::Reported(0)), Located::none(&m));
        // A payload cut before (or inside) the header the kernel saw.
        let cut = Some(Err(Error::truncated(Structure::ExtensionHeader, 4, 0)));
        let l = locate(&m[..50], ExtensionAt::Reported(100));
        assert_eq!((l.original().len(), l.extension()), (50, cut));
        let l = locate(&m[..102], ExtensionAt::Reported(100));
        let cut2 = Some(Err(Error::truncated(Structure::ExtensionHeader, 4, 2)));
        assert_eq!((l.original().len(), l.extension()), (100, cut2));
    }

    #[test]
    fn length_field_rules() {
        let m = message(128, false);
        let l = locate(&m, ExtensionAt::LengthField(128));
        assert_eq!(l.offset(), Some(128));
        assert!(l.extension().unwrap().is_ok());
        // Zero, at the end, past the end: no extension.
        for off in [0, m.len(), m.len() + 4] {
            assert_eq!(locate(&m, ExtensionAt::LengthField(off)), Located::none(&m));
        }
        // Below the 128 bytes RFC 4884 requires: reported with the value.
        let bad = Error::malformed(
            Structure::ExtensionHeader,
            Reason::BadValue {
                field: "RFC 4884 length",
                value: 124,
            },
        );
        let l = locate(&m, ExtensionAt::LengthField(124));
        assert_eq!((l.offset(), l.extension()), (Some(124), Some(Err(bad))));
        // ... and, as `ip_icmp_error_rfc4884` ignores it, the quote is not cut there.
        assert_eq!(l.original(), &m[..]);
        // 1 to 3 bytes after the length: a cut header.
        let l = locate(&m[..130], ExtensionAt::LengthField(128));
        let cut = Error::truncated(Structure::ExtensionHeader, 4, 2);
        assert_eq!(l.extension(), Some(Err(cut)));
    }

    #[test]
    fn compat_needs_a_verified_header_and_an_object() {
        let m = message(128, true);
        let l = locate(&m, ExtensionAt::Compat { stripped: 0 });
        assert_eq!((l.original().len(), l.offset()), (128, Some(128)));
        // The same bytes after a 28-byte strip.
        let l = locate(&m[28..], ExtensionAt::Compat { stripped: 28 });
        assert_eq!(l.offset(), Some(100));
        // No checksum, a wrong one, or no room for an object header: not taken.
        let absent = message(128, false);
        assert_eq!(
            locate(&absent, ExtensionAt::Compat { stripped: 0 }),
            Located::none(&absent)
        );
        let mut wrong = m.clone();
        wrong[131] ^= 1;
        assert_eq!(
            locate(&wrong, ExtensionAt::Compat { stripped: 0 }),
            Located::none(&wrong)
        );
        // A header alone whose checksum verifies (0x2000 + 0xdfff folds to 0xffff).
        let mut bare = std::vec![0u8; 128];
        bare.extend_from_slice(&[0x20, 0x00, 0xdf, 0xff]);
        assert!(
            Extension::new(&bare[128..]).unwrap().checksum_status() == ExtensionChecksum::Valid
        );
        assert_eq!(
            locate(&bare, ExtensionAt::Compat { stripped: 0 }),
            Located::none(&bare)
        );
        // More stripped than the 128 bytes: nowhere to look.
        assert_eq!(
            locate(&m, ExtensionAt::Compat { stripped: 129 }),
            Located::none(&m)
        );
    }
}
