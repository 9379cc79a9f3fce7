//! RFC 4884 ICMP extension structure and its objects.
//!
//! An ICMP error that follows RFC 4884 pads the original datagram to at least 128 bytes,
//! says how long it is (ICMPv4: 32-bit words in byte 5 of the header; ICMPv6: 64-bit words in
//! byte 4), and appends an extension structure: a 4-byte header {version 2, reserved,
//! checksum} and objects {length (header included), class-num, c-type, payload}.
//!
//! - [`Extension`] checks the header; [`Extension::checksum_status`] verifies the checksum but
//!   a bad one does not stop the decode (the kernel also reports `ee_rfc4884.len` and sets
//!   `SO_EE_RFC4884_FLAG_INVALID`).
//! - [`Extension::objects`] walks the objects, each bounded by its own length; a length below
//!   4 or past the end is yielded once as an error, then the iterator stops.
//! - [`ExtensionObject::decode`] interprets the classes this crate knows: MPLS label stack
//!   (RFC 4950, [`MplsLabelStack`]), interface information (RFC 5837,
//!   [`InterfaceInformation`]), interface identification (RFC 8335, [`InterfaceIdent`]);
//!   any other class is kept raw.
//!
//! If a checked constructor succeeded, no accessor can panic.

mod interface;
mod locate;
mod mpls;

use zerocopy::network_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

pub use interface::{
    InterfaceIdent, InterfaceInformation, InterfaceInformationRepr, InterfaceRole,
};
pub use locate::{locate, ExtensionAt, Located};
pub use mpls::{MplsLabel, MplsLabelStack, MplsLabels};

use crate::checksum::Checksum;
use crate::error::{Error, Reason, Structure};
use crate::table::table;

/// The extension structure version RFC 4884 defines.
#[doc(alias = "ICMP_EXT_VERSION_2")]
pub const VERSION: u8 = 2;

/// The offset at which routers that predate RFC 4884 put their extension structure (counted
/// from the end of the ICMP header), with the length field left zero.
pub const COMPAT_OFFSET: usize = 128;

/// The size of the extension header and of an object header.
pub const HEADER_LEN: usize = 4;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
struct ExtHeaderWire {
    version_reserved: U16,
    checksum: U16,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
struct ObjHeaderWire {
    length: U16,
    class_num: u8,
    c_type: u8,
}

/// What the extension checksum says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExtensionChecksum {
    /// The checksum field is zero: not computed (the kernel accepts this).
    Absent,
    /// The checksum verifies.
    Valid,
    /// The checksum does not verify.
    Invalid {
        /// The stored checksum.
        stored: u16,
        /// The checksum the structure should carry.
        computed: u16,
    },
}

/// A checked view of an RFC 4884 extension structure: the header and the objects after it.
///
/// ```
/// use errq_codec::ext::{Extension, ExtensionChecksum, ObjectData};
///
/// // The RFC 4884 extension a router appended to a real ICMP time exceeded (x86_64 capture
/// // udp4_rfc4884, at ee_rfc4884.len = 100 in the payload): an MPLS label stack and RFC 5837
/// // interface information.
/// let bytes = [
///     0x20, 0x00, 0xc0, 0xc8, // version 2, checksum 0xc0c8
///     0x00, 0x0c, 0x01, 0x01, 0x03, 0xe8, 0x10, 0x01, 0x05, 0xdc, 0x5b, 0x01, // MPLS, 2 labels
///     0x00, 0x1c, 0x02, 0x0f, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00, // interface info
///     0xc6, 0x12, 0x01, 0x02, 0x08, 0x65, 0x74, 0x68, 0x2d, 0x72, 0x30, 0x00, 0x00, 0x00, 0x05, 0xdc,
/// ];
/// let ext = Extension::new(&bytes)?;
/// assert_eq!(ext.checksum_status(), ExtensionChecksum::Valid);
/// let mut objects = ext.objects();
/// let Ok(ObjectData::MplsLabelStack(stack)) = objects.next().unwrap()?.decode() else { panic!() };
/// let labels: Vec<u32> = stack.entries().map(|l| l.label).collect();
/// assert_eq!(labels, [16001, 24005]);
/// let Ok(ObjectData::InterfaceInformation(info)) = objects.next().unwrap()?.decode() else { panic!() };
/// assert_eq!(info.name_str(), Some("eth-r0"));
/// assert!(objects.next().is_none());
/// # Ok::<(), errq_codec::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "icmp_ext_hdr")]
pub struct Extension<'a> {
    header: &'a ExtHeaderWire,
    objects: &'a [u8],
    bytes: &'a [u8],
}

impl<'a> Extension<'a> {
    /// Check and view an extension structure: all of `bytes`, from its header to the end of
    /// the ICMP message.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`ExtensionHeader`) if `bytes` is shorter than 4 bytes;
    /// [`Error::Malformed`] with [`Reason::BadVersion`] if the version is not 2.
    ///
    /// ```
    /// use errq_codec::ext::Extension;
    ///
    /// // The RFC 4884 extension a router appended to a real ICMP time exceeded (x86_64 capture
    /// // udp4_rfc4884, at ee_rfc4884.len = 100 in the payload): an MPLS label stack and RFC 5837
    /// // interface information.
    /// let bytes = [
    ///     0x20, 0x00, 0xc0, 0xc8, // version 2, checksum 0xc0c8
    ///     0x00, 0x0c, 0x01, 0x01, 0x03, 0xe8, 0x10, 0x01, 0x05, 0xdc, 0x5b, 0x01, // MPLS, 2 labels
    ///     0x00, 0x1c, 0x02, 0x0f, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00, // interface info
    ///     0xc6, 0x12, 0x01, 0x02, 0x08, 0x65, 0x74, 0x68, 0x2d, 0x72, 0x30, 0x00, 0x00, 0x00, 0x05, 0xdc,
    /// ];
    /// let ext = Extension::new(&bytes)?;
    /// assert_eq!((ext.version(), ext.checksum()), (2, 0xc0c8));
    /// assert!(ext.is_valid());
    /// assert_eq!(ext.objects().count(), 2);
    /// assert!(Extension::new(&bytes[..3]).is_err()); // shorter than the 4-byte header
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[inline]
    pub fn new(bytes: &'a [u8]) -> Result<Self, Error> {
        let (header, objects) = ExtHeaderWire::ref_from_prefix(bytes)
            .map_err(|_| Error::truncated(Structure::ExtensionHeader, HEADER_LEN, bytes.len()))?;
        let version = u8::try_from(header.version_reserved.get() >> 12).unwrap_or(0);
        if version != VERSION {
            return Err(Error::malformed(
                Structure::ExtensionHeader,
                Reason::BadVersion { version },
            ));
        }
        Ok(Self {
            header,
            objects,
            bytes,
        })
    }

    /// The version (always 2).
    #[must_use]
    pub fn version(&self) -> u8 {
        u8::try_from(self.header.version_reserved.get() >> 12).unwrap_or(0)
    }

    /// The 12 reserved bits.
    #[must_use]
    pub fn reserved(&self) -> u16 {
        self.header.version_reserved.get() & 0x0fff
    }

    /// The checksum as stored.
    #[must_use]
    pub fn checksum(&self) -> u16 {
        self.header.checksum.get()
    }

    /// Verify the checksum over the whole structure.
    #[must_use]
    pub fn checksum_status(&self) -> ExtensionChecksum {
        let stored = self.checksum();
        if stored == 0 {
            return ExtensionChecksum::Absent;
        }
        let mut sum = Checksum::new();
        sum.add_bytes(self.bytes);
        if sum.verifies() {
            ExtensionChecksum::Valid
        } else {
            let mut zeroed = Checksum::new();
            zeroed.add_bytes(self.bytes.get(..2).unwrap_or(&[]));
            zeroed.add_bytes(self.objects);
            ExtensionChecksum::Invalid {
                stored,
                computed: zeroed.finish(),
            }
        }
    }

    /// The objects, each bounded by its own length.
    #[must_use]
    #[inline]
    pub fn objects(&self) -> ExtensionObjects<'a> {
        ExtensionObjects {
            rest: self.objects,
            done: false,
        }
    }

    /// Whether the kernel would accept this structure (not set `SO_EE_RFC4884_FLAG_INVALID`):
    /// the checksum is absent or valid and every object length is sound.
    #[doc(alias = "SO_EE_RFC4884_FLAG_INVALID")]
    #[must_use]
    pub fn is_valid(&self) -> bool {
        !matches!(self.checksum_status(), ExtensionChecksum::Invalid { .. })
            && self.objects().all(|o| o.is_ok())
    }

    /// The whole structure.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// An extension object class number (IANA "ICMP Extension Object Classes"). Open newtype.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectClass(pub u8);

table! {
    /// The class name, or `None` if this crate does not know it.
    ObjectClass::name, unknown "class {}", Debug;
    /// MPLS label stack (RFC 4950).
    MPLS_LABEL_STACK = 1, "MPLS label stack", alias "ICMP_EXT_OBJ_CLASS_MPLS";
    /// Interface information (RFC 5837).
    INTERFACE_INFORMATION = 2, "interface information";
    /// Interface identification (RFC 8335).
    INTERFACE_IDENTIFICATION = 3, "interface identification", alias "ICMP_EXT_OBJ_CLASS_IIO";
    _ 0xf7..=0xff => "private use";
}

/// One extension object, bounded by its length field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(alias = "icmp_extobj_hdr")]
pub struct ExtensionObject<'a> {
    header: &'a ObjHeaderWire,
    payload: &'a [u8],
}

impl<'a> ExtensionObject<'a> {
    /// The length field: header and payload, in bytes.
    #[must_use]
    pub fn length(&self) -> u16 {
        self.header.length.get()
    }

    /// The class.
    #[doc(alias = "class_num")]
    #[must_use]
    pub fn class(&self) -> ObjectClass {
        ObjectClass(self.header.class_num)
    }

    /// The class sub-type.
    #[must_use]
    pub fn c_type(&self) -> u8 {
        self.header.c_type
    }

    /// The payload after the 4-byte object header.
    #[must_use]
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Interpret the object by class and c-type.
    ///
    /// # Errors
    /// The errors of [`MplsLabelStack::new`], [`InterfaceInformation::new`] and
    /// [`InterfaceIdent::new`] for the classes they decode.
    #[inline]
    pub fn decode(&self) -> Result<ObjectData<'a>, Error> {
        match (self.class(), self.c_type()) {
            (ObjectClass::MPLS_LABEL_STACK, 1) => {
                MplsLabelStack::new(self.payload).map(ObjectData::MplsLabelStack)
            }
            (ObjectClass::INTERFACE_INFORMATION, c_type) => {
                InterfaceInformation::new(c_type, self.payload)
                    .map(ObjectData::InterfaceInformation)
            }
            (ObjectClass::INTERFACE_IDENTIFICATION, 1..=3) => {
                InterfaceIdent::new(self.c_type(), self.payload).map(ObjectData::InterfaceIdent)
            }
            _ => Ok(ObjectData::Other(*self)),
        }
    }
}

/// An extension object interpreted by class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectData<'a> {
    /// RFC 4950 incoming MPLS label stack (class 1, c-type 1).
    MplsLabelStack(MplsLabelStack<'a>),
    /// RFC 5837 interface information (class 2).
    InterfaceInformation(InterfaceInformation<'a>),
    /// RFC 8335 interface identification (class 3, c-types 1 to 3).
    InterfaceIdent(InterfaceIdent<'a>),
    /// Any other class or c-type, raw.
    Other(ExtensionObject<'a>),
}

/// Iterator over the objects of an extension structure.
///
/// Yields `Err` once for an object whose header is cut short ([`Error::Truncated`]), whose
/// length is below 4 ([`Error::Malformed`]), or whose length runs past the end
/// ([`Error::Truncated`]), then stops.
#[derive(Clone, Debug)]
pub struct ExtensionObjects<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> Iterator for ExtensionObjects<'a> {
    type Item = Result<ExtensionObject<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.rest.is_empty() {
            return None;
        }
        let available = self.rest.len();
        let result =
            ObjHeaderWire::ref_from_prefix(self.rest)
                .map_err(|_| Error::truncated(Structure::ExtensionObject, HEADER_LEN, available))
                .and_then(|(header, _)| {
                    let length = usize::from(header.length.get());
                    if length < HEADER_LEN {
                        return Err(Error::malformed(
                            Structure::ExtensionObject,
                            Reason::LengthBelowHeader {
                                length: length as u64,
                                minimum: HEADER_LEN,
                            },
                        ));
                    }
                    let (object, rest) = self.rest.split_at_checked(length).ok_or(
                        Error::truncated(Structure::ExtensionObject, length, available),
                    )?;
                    Ok((header, object, rest))
                });
        match result {
            Ok((header, object, rest)) => {
                self.rest = rest;
                Some(Ok(ExtensionObject {
                    header,
                    payload: object.get(HEADER_LEN..).unwrap_or(&[]),
                }))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for ExtensionObjects<'_> {}

/// An extension object as plain values, to build one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectRepr<'a> {
    /// The class.
    pub class: ObjectClass,
    /// The class sub-type.
    pub c_type: u8,
    /// The payload.
    pub payload: &'a [u8],
}

/// Write an extension structure (header with a correct checksum, then `objects`) at the start
/// of `out`; `checksum` false leaves the checksum field zero.
///
/// # Errors
/// [`Error::NoSpace`] (`ExtensionHeader`) if `out` is too short; [`Error::Malformed`]
/// (`ExtensionObject`, [`Reason::LengthOverflow`]) if a payload does not fit a 16-bit length.
///
/// ```
/// use errq_codec::ext::{encode_extension, Extension, ObjectClass, ObjectRepr};
///
/// // The two objects of the RFC 4884 extension a router appended to a real ICMP time
/// // exceeded (capture udp4_rfc4884): an MPLS label stack and RFC 5837 interface information.
/// let mpls = [0x03, 0xe8, 0x10, 0x01, 0x05, 0xdc, 0x5b, 0x01]; // labels 16001, 24005
/// let info = [
///     0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00, 0xc6, 0x12, 0x01, 0x02, // ifIndex 7, 198.18.1.2
///     0x08, 0x65, 0x74, 0x68, 0x2d, 0x72, 0x30, 0x00, 0x00, 0x00, 0x05, 0xdc, // "eth-r0", MTU 1500
/// ];
/// let objects = [
///     ObjectRepr { class: ObjectClass::MPLS_LABEL_STACK, c_type: 1, payload: &mpls },
///     ObjectRepr { class: ObjectClass::INTERFACE_INFORMATION, c_type: 0x0f, payload: &info },
/// ];
/// let mut out = [0u8; 64];
/// let n = encode_extension(&objects, true, &mut out)?;
/// // Byte for byte what the router sent, checksum 0xc0c8 included.
/// assert_eq!(n, 44);
/// assert_eq!(&out[..4], &[0x20, 0x00, 0xc0, 0xc8]);
/// assert!(Extension::new(&out[..n])?.is_valid());
/// # Ok::<(), errq_codec::Error>(())
/// ```
pub fn encode_extension(
    objects: &[ObjectRepr<'_>],
    checksum: bool,
    out: &mut [u8],
) -> Result<usize, Error> {
    let mut len = HEADER_LEN;
    for o in objects {
        let object_len = o.payload.len().saturating_add(HEADER_LEN);
        if object_len > usize::from(u16::MAX) {
            return Err(Error::malformed(
                Structure::ExtensionObject,
                Reason::LengthOverflow {
                    length: object_len as u64,
                },
            ));
        }
        len = len.saturating_add(object_len);
    }
    let available = out.len();
    let dest = out.get_mut(..len).ok_or(Error::NoSpace {
        what: Structure::ExtensionHeader,
        needed: len,
        available,
    })?;
    let header = ExtHeaderWire {
        version_reserved: U16::new(u16::from(VERSION) << 12),
        checksum: U16::new(0),
    };
    let (head, mut rest) = dest.split_at_mut(HEADER_LEN);
    head.copy_from_slice(header.as_bytes());
    for o in objects {
        let length = u16::try_from(o.payload.len().saturating_add(HEADER_LEN)).unwrap_or(u16::MAX);
        let wire = ObjHeaderWire {
            length: U16::new(length),
            class_num: o.class.0,
            c_type: o.c_type,
        };
        let (obj, after) = core::mem::take(&mut rest).split_at_mut(usize::from(length));
        let (oh, op) = obj.split_at_mut(HEADER_LEN);
        oh.copy_from_slice(wire.as_bytes());
        op.copy_from_slice(o.payload);
        rest = after;
    }
    if checksum {
        let mut sum = Checksum::new();
        sum.add_bytes(dest);
        // A sum that folds to 0 is written as 0xFFFF, the same one's-complement value
        // (RFC 1624), as UDP does: a zero field reads as "no checksum" (routers that send
        // none leave it 0), and the check sums either to the same result.
        let value = match sum.finish() {
            0 => 0xFFFF_u16,
            v => v,
        }
        .to_be_bytes();
        if let Some(field) = dest.get_mut(2..4) {
            field.copy_from_slice(&value);
        }
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_each_bounded_by_their_length() {
        let mut buf = [0u8; 64];
        let n = encode_extension(
            &[
                ObjectRepr {
                    class: ObjectClass::MPLS_LABEL_STACK,
                    c_type: 1,
                    payload: &[0x00, 0x01, 0x01, 0x01],
                },
                ObjectRepr {
                    class: ObjectClass(200),
                    c_type: 9,
                    payload: &[1, 2, 3, 4, 5, 6, 7, 8],
                },
            ],
            true,
            &mut buf,
        )
        .unwrap();
        assert_eq!(n, 4 + 8 + 12);
        let e = Extension::new(&buf[..n]).unwrap();
        assert_eq!(e.version(), 2);
        assert_eq!(e.checksum_status(), ExtensionChecksum::Valid);
        assert!(e.is_valid());
        let objs: std::vec::Vec<_> = e.objects().map(Result::unwrap).collect();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[1].class(), ObjectClass(200));
        assert_eq!(objs[1].payload(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert!(matches!(objs[1].decode(), Ok(ObjectData::Other(_))));
    }

    #[test]
    fn zero_length_object_is_malformed_not_a_loop() {
        let bytes = [0x20, 0, 0, 0, 0, 0, 1, 1, 0, 8, 1, 1, 0, 0, 0, 0];
        let e = Extension::new(&bytes).unwrap();
        let mut it = e.objects();
        assert_eq!(
            it.next(),
            Some(Err(Error::malformed(
                Structure::ExtensionObject,
                Reason::LengthBelowHeader {
                    length: 0,
                    minimum: 4
                }
            )))
        );
        assert_eq!(it.next(), None);
        assert!(!e.is_valid());
    }

    #[test]
    fn long_object_and_short_header() {
        let bytes = [0x20, 0, 0, 0, 0, 12, 1, 1, 0, 0, 0, 0];
        let e = Extension::new(&bytes).unwrap();
        assert_eq!(
            e.objects().collect::<std::vec::Vec<_>>(),
            [Err(Error::truncated(Structure::ExtensionObject, 12, 8))]
        );
        let bytes = [0x20, 0, 0, 0, 0, 4, 1];
        let e = Extension::new(&bytes).unwrap();
        assert_eq!(
            e.objects().collect::<std::vec::Vec<_>>(),
            [Err(Error::truncated(Structure::ExtensionObject, 4, 3))]
        );
    }

    #[test]
    fn header_errors_and_bad_checksum() {
        for len in 0..4 {
            assert_eq!(
                Extension::new(&[0x20, 0, 0, 0][..len]),
                Err(Error::truncated(Structure::ExtensionHeader, 4, len))
            );
        }
        assert_eq!(
            Extension::new(&[0x10, 0, 0, 0]),
            Err(Error::malformed(
                Structure::ExtensionHeader,
                Reason::BadVersion { version: 1 }
            ))
        );
        let bytes = [0x20, 0, 0x12, 0x34, 0, 4, 5, 5];
        let e = Extension::new(&bytes).unwrap();
        let status = e.checksum_status();
        assert!(matches!(
            status,
            ExtensionChecksum::Invalid { stored: 0x1234, .. }
        ));
        // A bad checksum still decodes.
        assert_eq!(e.objects().count(), 1);
        assert!(!e.is_valid());
        let ExtensionChecksum::Invalid { computed, .. } = status else {
            panic!()
        };
        let mut fixed = bytes;
        fixed[2..4].copy_from_slice(&computed.to_be_bytes());
        assert_eq!(
            Extension::new(&fixed).unwrap().checksum_status(),
            ExtensionChecksum::Valid
        );
    }
}
