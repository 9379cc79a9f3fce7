//! Whole ICMP error messages, as a raw socket or a packet capture sees them.

use core::net::{IpAddr, Ipv6Addr};

use super::{Icmpv4Code, Icmpv4Type, Icmpv6Code, Icmpv6Type};
use super::{
    Icmpv4Packet, Icmpv4Repr, Icmpv4Rest, Icmpv6Packet, Icmpv6Repr, Icmpv6Rest, HEADER_LEN,
};
use crate::error::{Error, Reason, Structure};
use crate::ext::{
    encode_extension, locate, Extension, ExtensionAt, Located, ObjectRepr, COMPAT_OFFSET,
};
use crate::ip::{IpProtocol, Ipv4Header, Ipv6Header, QuotedIp, Transport};

/// How to look for an RFC 4884 extension structure after the quoted datagram (the rules are
/// those of [`crate::ext::locate`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ExtensionMode {
    /// Only where the RFC 4884 length field says, by the kernel's rule
    /// ([`ExtensionAt::LengthField`]).
    #[default]
    Rfc4884,
    /// As [`ExtensionMode::Rfc4884`], and also, when the length field is zero (or the type has
    /// none), at offset 128 after the ICMP header (ICMPv4 or ICMPv6) if a version-2 extension
    /// structure with a checksum that verifies is there: what routers that predate RFC 4884
    /// send (MPLS extensions; RFC 4884 section 5, [`ExtensionAt::Compat`]).
    Rfc4884OrCompat,
    /// Never: all the data after the header is the quoted datagram.
    Ignore,
}

/// The ICMP header of either version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IcmpHeader<'a> {
    /// ICMPv4.
    V4(Icmpv4Packet<'a>),
    /// ICMPv6.
    V6(Icmpv6Packet<'a>),
}

impl<'a> IcmpHeader<'a> {
    /// The type byte.
    #[must_use]
    pub fn type_byte(&self) -> u8 {
        match self {
            Self::V4(p) => p.msg_type().0,
            Self::V6(p) => p.msg_type().0,
        }
    }

    /// The code byte.
    #[must_use]
    pub fn code_byte(&self) -> u8 {
        match self {
            Self::V4(p) => p.code().0,
            Self::V6(p) => p.code().0,
        }
    }

    /// The IANA name of the type ("time exceeded"), if registered.
    #[must_use]
    pub fn type_name(&self) -> Option<&'static str> {
        match self {
            Self::V4(p) => p.msg_type().name(),
            Self::V6(p) => p.msg_type().name(),
        }
    }

    /// The IANA name of the code for this type ("port unreachable"), if registered.
    #[must_use]
    pub fn code_name(&self) -> Option<&'static str> {
        match self {
            Self::V4(p) => p.msg_type().code_name(p.code()),
            Self::V6(p) => p.msg_type().code_name(p.code()),
        }
    }

    /// The raw rest-of-header bytes (`ee_info` for ICMPv6 is these as a big-endian u32).
    #[must_use]
    pub fn rest_of_header(&self) -> [u8; 4] {
        match self {
            Self::V4(p) => p.rest_of_header(),
            Self::V6(p) => p.rest_of_header(),
        }
    }

    /// The RFC 4884 original-datagram length in bytes (the field times 4 for ICMPv4, times 8
    /// for ICMPv6), for the types that carry it.
    #[must_use]
    pub fn rfc4884_length_bytes(&self) -> Option<usize> {
        match self {
            Self::V4(p) => p.rfc4884_length().map(|l| usize::from(l).saturating_mul(4)),
            Self::V6(p) => p.rfc4884_length().map(|l| usize::from(l).saturating_mul(8)),
        }
    }

    /// The data after the 8-byte header.
    #[must_use]
    pub fn data(&self) -> &'a [u8] {
        match self {
            Self::V4(p) => p.data(),
            Self::V6(p) => p.data(),
        }
    }
}

impl core::fmt::Display for IcmpHeader<'_> {
    /// "time exceeded: TTL exceeded in transit"; unregistered values as "type N" / "code N".
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.type_name() {
            Some(name) => f.write_str(name)?,
            None => write!(f, "type {}", self.type_byte())?,
        }
        match self.code_name() {
            Some(name) => write!(f, ": {name}"),
            None => write!(f, ": code {}", self.code_byte()),
        }
    }
}

/// A whole ICMP or ICMPv6 error message: header, quoted IP packet (header whole, the rest
/// possibly cut short), quoted transport header, and RFC 4884 extension structure.
///
/// If a constructor succeeded, no accessor can panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcmpErrorPacket<'a> {
    outer: Option<QuotedIp<'a>>,
    icmp: IcmpHeader<'a>,
    quoted: QuotedIp<'a>,
    located: Located<'a>,
}

fn not_an_error(what: Structure, value: u8) -> Error {
    Error::malformed(
        what,
        Reason::BadValue {
            field: "ICMP type",
            value: u64::from(value),
        },
    )
}

/// Split the data after an ICMP error header into original datagram and extension: where the
/// length field says, by the kernel's rule ([`ExtensionAt::LengthField`]), else in
/// compatibility mode where routers that predate RFC 4884 put it ([`ExtensionAt::Compat`],
/// nothing of the 128 bytes stripped).
fn split(data: &[u8], length: Option<usize>, mode: ExtensionMode) -> Located<'_> {
    let length = length.unwrap_or(0);
    match mode {
        ExtensionMode::Ignore => locate(data, ExtensionAt::LengthField(0)),
        ExtensionMode::Rfc4884OrCompat if length == 0 => {
            locate(data, ExtensionAt::Compat { stripped: 0 })
        }
        ExtensionMode::Rfc4884 | ExtensionMode::Rfc4884OrCompat => {
            locate(data, ExtensionAt::LengthField(length))
        }
    }
}

impl<'a> IcmpErrorPacket<'a> {
    fn from_header(
        outer: Option<QuotedIp<'a>>,
        icmp: IcmpHeader<'a>,
        mode: ExtensionMode,
    ) -> Result<Self, Error> {
        let located = split(icmp.data(), icmp.rfc4884_length_bytes(), mode);
        let original = located.original();
        let first = original.first().map(|b| b >> 4);
        let quoted = match (&icmp, first) {
            (IcmpHeader::V4(_), Some(6)) | (IcmpHeader::V6(_), None | Some(6)) => {
                QuotedIp::V6(Ipv6Header::new(original)?)
            }
            _ => QuotedIp::V4(Ipv4Header::new(original)?),
        };
        Ok(Self {
            outer,
            icmp,
            quoted,
            located,
        })
    }

    /// Take apart an ICMPv4 error message starting at its ICMP header.
    ///
    /// # Errors
    /// [`Error::Truncated`] if the ICMP header or the quoted IP header is not whole;
    /// [`Error::Malformed`] if the type is not an error type ([`Icmpv4Type::is_error`]) or the
    /// quoted IP header is malformed. Problems in the extension structure are not errors
    /// here: [`IcmpErrorPacket::extension`] reports them.
    pub fn from_icmpv4(bytes: &'a [u8], mode: ExtensionMode) -> Result<Self, Error> {
        let packet = Icmpv4Packet::new(bytes)?;
        if !packet.msg_type().is_error() {
            return Err(not_an_error(Structure::Icmpv4Header, packet.msg_type().0));
        }
        Self::from_header(None, IcmpHeader::V4(packet), mode)
    }

    /// Take apart an ICMPv6 error message starting at its ICMPv6 header (what a raw ICMPv6
    /// socket reads).
    ///
    /// # Errors
    /// As [`IcmpErrorPacket::from_icmpv4`], with [`Icmpv6Type::is_error`].
    pub fn from_icmpv6(bytes: &'a [u8], mode: ExtensionMode) -> Result<Self, Error> {
        let packet = Icmpv6Packet::new(bytes)?;
        if !packet.msg_type().is_error() {
            return Err(not_an_error(Structure::Icmpv6Header, packet.msg_type().0));
        }
        Self::from_header(None, IcmpHeader::V6(packet), mode)
    }

    /// Take apart an ICMP error message starting at the IP header that carried it (what a raw
    /// IPv4 ICMP socket reads, or a packet capture after the link-layer header). For IPv6 the
    /// extension-header chain is walked to the ICMPv6 header.
    ///
    /// # Errors
    /// The errors of [`QuotedIp::new`] for the outer header; [`Error::Malformed`]
    /// ([`Reason::BadValue`] "IP protocol") if it does not carry ICMP / ICMPv6;
    /// [`Error::Truncated`] (`Ipv6ExtensionHeader`) if the outer extension headers are cut;
    /// then the errors of [`IcmpErrorPacket::from_icmpv4`] / [`IcmpErrorPacket::from_icmpv6`].
    pub fn from_ip(bytes: &'a [u8], mode: ExtensionMode) -> Result<Self, Error> {
        let outer = QuotedIp::new(bytes)?;
        let wrong = |what, protocol: IpProtocol| {
            Error::malformed(
                what,
                Reason::BadValue {
                    field: "IP protocol",
                    value: u64::from(protocol.0),
                },
            )
        };
        match outer {
            QuotedIp::V4(h) => {
                if h.protocol() != IpProtocol::ICMP {
                    return Err(wrong(Structure::Icmpv4Header, h.protocol()));
                }
                let packet = Icmpv4Packet::new(h.payload())?;
                if !packet.msg_type().is_error() {
                    return Err(not_an_error(Structure::Icmpv4Header, packet.msg_type().0));
                }
                Self::from_header(Some(outer), IcmpHeader::V4(packet), mode)
            }
            QuotedIp::V6(h) => {
                if let Some(Err(e)) = h.extension_headers().find(Result::is_err) {
                    return Err(e);
                }
                let icmp = match h.transport() {
                    Transport::Icmp(q) if q.is_v6() => q.bytes(),
                    other => return Err(wrong(Structure::Icmpv6Header, other.protocol())),
                };
                let packet = Icmpv6Packet::new(icmp)?;
                if !packet.msg_type().is_error() {
                    return Err(not_an_error(Structure::Icmpv6Header, packet.msg_type().0));
                }
                Self::from_header(Some(outer), IcmpHeader::V6(packet), mode)
            }
        }
    }

    /// The IP header that carried the message, when parsed with [`IcmpErrorPacket::from_ip`].
    #[must_use]
    pub fn outer_ip(&self) -> Option<QuotedIp<'a>> {
        self.outer
    }

    /// The address of the node that sent the error (the hop), when the outer header is known.
    #[must_use]
    pub fn sender(&self) -> Option<IpAddr> {
        self.outer.map(|o| o.src())
    }

    /// Whether the ICMP checksum verifies: always known for ICMPv4; for ICMPv6 only when the
    /// outer IPv6 header (its addresses are in the pseudo-header) was parsed, else `None`.
    #[must_use]
    pub fn checksum_valid(&self) -> Option<bool> {
        match (self.icmp, self.outer) {
            (IcmpHeader::V4(p), _) => Some(p.checksum_valid()),
            (IcmpHeader::V6(p), Some(QuotedIp::V6(ip))) => {
                Some(p.checksum_valid(ip.src(), ip.dst()))
            }
            (IcmpHeader::V6(_), _) => None,
        }
    }

    /// The ICMP header.
    #[must_use]
    pub fn icmp(&self) -> IcmpHeader<'a> {
        self.icmp
    }

    /// The original-datagram part of the data: up to the RFC 4884 length (or offset 128 in
    /// compatibility mode) if an extension follows, else all the data.
    #[must_use]
    pub fn original_datagram(&self) -> &'a [u8] {
        self.located.original()
    }

    /// The quoted IP packet.
    #[must_use]
    pub fn quoted(&self) -> QuotedIp<'a> {
        self.quoted
    }

    /// The quoted transport header (ports, echo id/seq), as much as was quoted.
    #[must_use]
    pub fn transport(&self) -> Transport<'a> {
        self.quoted.transport()
    }

    /// The RFC 4884 extension structure: `None` if there is none (or the message ends before
    /// the offset the length field gives, as in a capture cut short), `Some(Err)` if there is
    /// one that cannot be read (bad version, header cut, length field below 128 bytes).
    #[must_use]
    pub fn extension(&self) -> Option<Result<Extension<'a>, Error>> {
        self.located.extension()
    }

    /// Where the extension structure starts, counted from the end of the ICMP header.
    #[must_use]
    pub fn extension_offset(&self) -> Option<usize> {
        self.located.offset()
    }
}

fn pad_len(original: usize, unit: usize) -> usize {
    let rounded = original.div_ceil(unit.max(1)).saturating_mul(unit);
    rounded.max(COMPAT_OFFSET)
}

fn needs_type(what: Structure, value: u8) -> Error {
    Error::malformed(
        what,
        Reason::BadValue {
            field: "ICMP type without RFC 4884 length",
            value: u64::from(value),
        },
    )
}

/// Write the original datagram zero-padded to `padded`, then the extension, after `head`.
fn encode_body(
    original: &[u8],
    padded: usize,
    extension: &[ObjectRepr<'_>],
    out: &mut [u8],
) -> Result<usize, Error> {
    let available = out.len();
    let no_space = |needed| Error::NoSpace {
        what: Structure::ExtensionHeader,
        needed,
        available,
    };
    let (orig, rest) = out.split_at_mut_checked(padded).ok_or(no_space(padded))?;
    orig.fill(0);
    orig.get_mut(..original.len())
        .ok_or(no_space(padded))?
        .copy_from_slice(original);
    let n = encode_extension(extension, true, rest).map_err(|e| match e {
        Error::NoSpace { needed, .. } => no_space(padded.saturating_add(needed)),
        other => other,
    })?;
    Ok(padded.saturating_add(n))
}

/// An ICMPv4 error message as plain values, to build one, with an RFC 4884 extension if
/// `extension` is not empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmpv4ErrorRepr<'a> {
    /// The type (destination unreachable, time exceeded or parameter problem for an
    /// extension).
    pub msg_type: Icmpv4Type,
    /// The code.
    pub code: Icmpv4Code,
    /// The rest of the header; its RFC 4884 length is set by the encoder.
    pub rest: Icmpv4Rest,
    /// The original datagram (zero-padded to 128 bytes and a multiple of 4 when an extension
    /// follows).
    pub original: &'a [u8],
    /// Extension objects; empty: no extension structure, length field 0.
    pub extension: &'a [ObjectRepr<'a>],
}

impl Icmpv4ErrorRepr<'_> {
    /// Write the message with correct checksums at the start of `out`.
    ///
    /// # Errors
    /// [`Error::NoSpace`] if `out` is too short; [`Error::Malformed`] if an extension is
    /// asked for on a type without an RFC 4884 length, or the original datagram is longer
    /// than the length field can say (1020 bytes).
    ///
    /// ```
    /// use errq_codec::ext::{ObjectClass, ObjectRepr};
    /// use errq_codec::icmp::{ExtensionMode, IcmpErrorPacket, Icmpv4Code, Icmpv4ErrorRepr, Icmpv4Rest, Icmpv4Type};
    ///
    /// // A time exceeded quoting a UDP probe (IPv4 header + UDP header), with an MPLS label stack.
    /// let probe = [
    ///     0x45, 0, 0, 28, 0, 0, 0x40, 0, 1, 17, 0, 0, 198, 18, 1, 1, 198, 18, 2, 2, // IPv4, TTL 1
    ///     0x82, 0x9a, 0x82, 0x9b, 0, 8, 0, 0, // UDP 33434 -> 33435
    /// ];
    /// let mpls = [0x03, 0xe8, 0x11, 0x01]; // label 16001, bottom of stack, TTL 1
    /// let repr = Icmpv4ErrorRepr {
    ///     msg_type: Icmpv4Type::TIME_EXCEEDED,
    ///     code: Icmpv4Code::TTL_EXCEEDED,
    ///     rest: Icmpv4Rest::TimeExceeded { length: 0 }, // the encoder sets the RFC 4884 length
    ///     original: &probe,
    ///     extension: &[ObjectRepr { class: ObjectClass::MPLS_LABEL_STACK, c_type: 1, payload: &mpls }],
    /// };
    /// let mut out = [0u8; 256];
    /// let n = repr.encode(&mut out)?;
    /// assert_eq!(n, 8 + 128 + 4 + 8); // header, quote padded to 128 (RFC 4884), extension
    /// let packet = IcmpErrorPacket::from_icmpv4(&out[..n], ExtensionMode::Rfc4884)?;
    /// assert_eq!(packet.checksum_valid(), Some(true));
    /// assert_eq!(packet.transport().ports(), Some((33434, 33435)));
    /// assert!(packet.extension().is_some());
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        if self.extension.is_empty() {
            return Icmpv4Repr {
                msg_type: self.msg_type,
                code: self.code,
                rest: self.rest,
                data: self.original,
            }
            .encode(out);
        }
        let padded = pad_len(self.original.len(), 4);
        let words = u8::try_from(padded / 4).map_err(|_| {
            Error::malformed(
                Structure::Icmpv4Header,
                Reason::LengthOverflow {
                    length: padded as u64,
                },
            )
        })?;
        let rest = match self.rest {
            Icmpv4Rest::DestUnreach { next_hop_mtu, .. } => Icmpv4Rest::DestUnreach {
                length: words,
                next_hop_mtu,
            },
            Icmpv4Rest::TimeExceeded { .. } => Icmpv4Rest::TimeExceeded { length: words },
            Icmpv4Rest::ParameterProblem { pointer, .. } => Icmpv4Rest::ParameterProblem {
                pointer,
                length: words,
            },
            _ => return Err(needs_type(Structure::Icmpv4Header, self.msg_type.0)),
        };
        let available = out.len();
        let body = out.get_mut(HEADER_LEN..).ok_or(Error::NoSpace {
            what: Structure::Icmpv4Header,
            needed: HEADER_LEN,
            available,
        })?;
        let n = encode_body(self.original, padded, self.extension, body)?;
        let len = n.saturating_add(HEADER_LEN);
        // The header, then the checksum over header and body.
        let (head, body) = out.split_at_mut(HEADER_LEN);
        let body = body.get(..n).unwrap_or(&[]);
        let mut header = [0u8; HEADER_LEN];
        Icmpv4Repr {
            msg_type: self.msg_type,
            code: self.code,
            rest,
            data: &[],
        }
        .encode(&mut header)?;
        let mut sum = crate::checksum::Checksum::new();
        sum.add_bytes(header.get(..2).unwrap_or(&[]));
        sum.add_bytes(header.get(4..).unwrap_or(&[]));
        sum.add_bytes(body);
        if let Some(field) = header.get_mut(2..4) {
            field.copy_from_slice(&sum.finish().to_be_bytes());
        }
        head.copy_from_slice(&header);
        Ok(len)
    }
}

/// An ICMPv6 error message as plain values, to build one, with an RFC 4884 extension if
/// `extension` is not empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icmpv6ErrorRepr<'a> {
    /// The type (destination unreachable or time exceeded for an extension).
    pub msg_type: Icmpv6Type,
    /// The code.
    pub code: Icmpv6Code,
    /// The rest of the header; its RFC 4884 length is set by the encoder.
    pub rest: Icmpv6Rest,
    /// The original packet (zero-padded to 128 bytes and a multiple of 8 when an extension
    /// follows).
    pub original: &'a [u8],
    /// Extension objects; empty: no extension structure.
    pub extension: &'a [ObjectRepr<'a>],
}

impl Icmpv6ErrorRepr<'_> {
    /// Write the message at the start of `out` with the checksum for a packet from `src` to
    /// `dst`.
    ///
    /// # Errors
    /// As [`Icmpv4ErrorRepr::encode`] (the length field can say up to 2040 bytes).
    pub fn encode_with_checksum(
        &self,
        src: Ipv6Addr,
        dst: Ipv6Addr,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let (rest, len) = if self.extension.is_empty() {
            (self.rest, HEADER_LEN.saturating_add(self.original.len()))
        } else {
            let padded = pad_len(self.original.len(), 8);
            let words = u8::try_from(padded / 8).map_err(|_| {
                Error::malformed(
                    Structure::Icmpv6Header,
                    Reason::LengthOverflow {
                        length: padded as u64,
                    },
                )
            })?;
            let rest = match self.rest {
                Icmpv6Rest::DestUnreach { .. } => Icmpv6Rest::DestUnreach { length: words },
                Icmpv6Rest::TimeExceeded { .. } => Icmpv6Rest::TimeExceeded { length: words },
                _ => return Err(needs_type(Structure::Icmpv6Header, self.msg_type.0)),
            };
            let available = out.len();
            let body = out.get_mut(HEADER_LEN..).ok_or(Error::NoSpace {
                what: Structure::Icmpv6Header,
                needed: HEADER_LEN,
                available,
            })?;
            let n = encode_body(self.original, padded, self.extension, body)?;
            (rest, n.saturating_add(HEADER_LEN))
        };
        let available = out.len();
        let all = out.get_mut(..len).ok_or(Error::NoSpace {
            what: Structure::Icmpv6Header,
            needed: len,
            available,
        })?;
        if self.extension.is_empty() {
            let (_, body) = all.split_at_mut(HEADER_LEN.min(all.len()));
            body.copy_from_slice(self.original);
        }
        let header = Icmpv6Repr {
            msg_type: self.msg_type,
            code: self.code,
            rest,
            data: &[],
        };
        header.encode(all)?;
        let checksum = Icmpv6Packet::new(all)?.compute_checksum(src, dst);
        if let Some(field) = all.get_mut(2..4) {
            field.copy_from_slice(&checksum.to_be_bytes());
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests;
