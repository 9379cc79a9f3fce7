//! RFC 5837 interface information object (class 2) and RFC 8335 interface identification
//! object (class 3).

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{Error, Reason, Structure};

/// AFI of IPv4 (IANA address family numbers).
const AFI_IPV4: u16 = 1;
/// AFI of IPv6.
const AFI_IPV6: u16 = 2;

/// What interface an RFC 5837 interface information object describes (c-type bits 0-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InterfaceRole {
    /// The IP interface on which the datagram arrived (0).
    IncomingInterface,
    /// The sub-IP component of the interface on which it arrived (1).
    IncomingSubIpComponent,
    /// The IP interface through which it would have been forwarded (2).
    OutgoingInterface,
    /// The IP next hop to which it would have been forwarded (3).
    NextHop,
}

impl InterfaceRole {
    /// The role in the top two bits of a c-type.
    #[must_use]
    pub const fn from_c_type(c_type: u8) -> Self {
        match c_type >> 6 {
            0 => Self::IncomingInterface,
            1 => Self::IncomingSubIpComponent,
            2 => Self::OutgoingInterface,
            _ => Self::NextHop,
        }
    }

    /// The two role bits, in place in a c-type.
    #[must_use]
    pub const fn c_type_bits(self) -> u8 {
        match self {
            Self::IncomingInterface => 0x00,
            Self::IncomingSubIpComponent => 0x40,
            Self::OutgoingInterface => 0x80,
            Self::NextHop => 0xc0,
        }
    }
}

impl fmt::Display for InterfaceRole {
    /// `incoming interface`, `incoming sub-IP component`, `outgoing interface`, `next hop`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IncomingInterface => "incoming interface",
            Self::IncomingSubIpComponent => "incoming sub-IP component",
            Self::OutgoingInterface => "outgoing interface",
            Self::NextHop => "next hop",
        })
    }
}

/// C-type flag: an ifIndex sub-object is present.
const HAS_IFINDEX: u8 = 0x08;
/// C-type flag: an IP address sub-object is present.
const HAS_IPADDR: u8 = 0x04;
/// C-type flag: an interface name sub-object is present.
const HAS_NAME: u8 = 0x02;
/// C-type flag: an MTU sub-object is present.
const HAS_MTU: u8 = 0x01;

#[inline]
fn take<'a>(payload: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], Error> {
    let end = at.checked_add(n).unwrap_or(usize::MAX);
    let bytes = payload.get(*at..end).ok_or(Error::truncated(
        Structure::InterfaceInfo,
        end,
        payload.len(),
    ))?;
    *at = end;
    Ok(bytes)
}

#[inline]
fn u32_of(b: &[u8]) -> u32 {
    b.try_into().map(u32::from_be_bytes).unwrap_or(0)
}

#[inline]
fn trim_nul(name: &[u8]) -> &[u8] {
    let end = name
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |i| i.saturating_add(1));
    name.get(..end).unwrap_or(name)
}

/// A decoded RFC 5837 interface information object: the sub-objects its c-type announces,
/// in their fixed order (ifIndex, IP address, name, MTU).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceInformation<'a> {
    /// Which interface this describes.
    pub role: InterfaceRole,
    /// The ifIndex.
    pub if_index: Option<u32>,
    /// The IP address (AFI 1: IPv4, AFI 2: IPv6).
    pub address: Option<IpAddr>,
    /// The interface name as sent (UTF-8 by the RFC; trailing NUL padding removed).
    pub name: Option<&'a [u8]>,
    /// The MTU.
    pub mtu: Option<u32>,
}

impl fmt::Display for InterfaceInformation<'_> {
    /// The role, the name (invalid UTF-8 shown as U+FFFD) and the other sub-objects, e.g.
    /// `incoming interface eth0 (ifindex 2, 198.18.1.1, mtu 1500)`. Nothing is allocated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.role)?;
        if let Some(name) = self.name {
            f.write_str(" ")?;
            for chunk in name.utf8_chunks() {
                f.write_str(chunk.valid())?;
                if !chunk.invalid().is_empty() {
                    f.write_str("\u{fffd}")?;
                }
            }
        }
        let mut open = false;
        let mut part = |f: &mut fmt::Formatter<'_>, args: fmt::Arguments<'_>| {
            f.write_str(if open { ", " } else { " (" })?;
            open = true;
            f.write_fmt(args)
        };
        if let Some(i) = self.if_index {
            part(f, format_args!("ifindex {i}"))?;
        }
        if let Some(a) = self.address {
            part(f, format_args!("{a}"))?;
        }
        if let Some(m) = self.mtu {
            part(f, format_args!("mtu {m}"))?;
        }
        if open {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl<'a> InterfaceInformation<'a> {
    /// Decode an object payload with the given c-type.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`InterfaceInfo`, counted from the start of the payload) if the
    /// payload ends before the announced sub-objects do; [`Error::Malformed`]
    /// (`InterfaceInfo`) for an unknown AFI ([`Reason::UnexpectedFamily`]), a name length
    /// below 4 or not a multiple of 4, or bytes left over after the last sub-object
    /// ([`Reason::UnexpectedSize`]).
    #[inline]
    pub fn new(c_type: u8, payload: &'a [u8]) -> Result<Self, Error> {
        let mut at = 0usize;
        let if_index = if c_type & HAS_IFINDEX != 0 {
            Some(u32_of(take(payload, &mut at, 4)?))
        } else {
            None
        };
        let address = if c_type & HAS_IPADDR != 0 {
            let head = take(payload, &mut at, 4)?;
            let afi = head
                .get(..2)
                .and_then(|b| b.try_into().ok())
                .map_or(0, u16::from_be_bytes);
            match afi {
                AFI_IPV4 => {
                    let b: [u8; 4] = take(payload, &mut at, 4)?.try_into().unwrap_or([0; 4]);
                    Some(IpAddr::V4(Ipv4Addr::from(b)))
                }
                AFI_IPV6 => {
                    let b: [u8; 16] = take(payload, &mut at, 16)?.try_into().unwrap_or([0; 16]);
                    Some(IpAddr::V6(Ipv6Addr::from(b)))
                }
                family => {
                    return Err(Error::malformed(
                        Structure::InterfaceInfo,
                        Reason::UnexpectedFamily { family },
                    ))
                }
            }
        } else {
            None
        };
        let name = if c_type & HAS_NAME != 0 {
            let len = usize::from(*take(payload, &mut at, 1)?.first().unwrap_or(&0));
            if len < 4 {
                return Err(Error::malformed(
                    Structure::InterfaceInfo,
                    Reason::LengthBelowHeader {
                        length: len as u64,
                        minimum: 4,
                    },
                ));
            }
            if len % 4 != 0 {
                return Err(Error::malformed(
                    Structure::InterfaceInfo,
                    Reason::LengthNotMultiple {
                        length: len as u64,
                        unit: 4,
                    },
                ));
            }
            Some(trim_nul(take(payload, &mut at, len.saturating_sub(1))?))
        } else {
            None
        };
        let mtu = if c_type & HAS_MTU != 0 {
            Some(u32_of(take(payload, &mut at, 4)?))
        } else {
            None
        };
        if at != payload.len() {
            return Err(Error::malformed(
                Structure::InterfaceInfo,
                Reason::UnexpectedSize {
                    size: payload.len(),
                },
            ));
        }
        Ok(Self {
            role: InterfaceRole::from_c_type(c_type),
            if_index,
            address,
            name,
            mtu,
        })
    }

    /// The name as UTF-8, if present and valid.
    #[must_use]
    pub fn name_str(&self) -> Option<&'a str> {
        self.name.and_then(|n| core::str::from_utf8(n).ok())
    }
}

/// An RFC 5837 interface information object as plain values, to build one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterfaceInformationRepr<'a> {
    /// Which interface this describes.
    pub role: InterfaceRole,
    /// The ifIndex.
    pub if_index: Option<u32>,
    /// The IP address.
    pub address: Option<IpAddr>,
    /// The name. RFC 5837 allows at most 63 bytes; the encoder writes up to 251 (the
    /// sub-object, length byte included, NUL-padded to a multiple of 4).
    pub name: Option<&'a [u8]>,
    /// The MTU.
    pub mtu: Option<u32>,
}

impl InterfaceInformationRepr<'_> {
    /// The c-type: role and the flags of the sub-objects present.
    #[must_use]
    pub fn c_type(&self) -> u8 {
        let mut c = self.role.c_type_bits();
        if self.if_index.is_some() {
            c |= HAS_IFINDEX;
        }
        if self.address.is_some() {
            c |= HAS_IPADDR;
        }
        if self.name.is_some() {
            c |= HAS_NAME;
        }
        if self.mtu.is_some() {
            c |= HAS_MTU;
        }
        c
    }

    fn name_len(&self) -> usize {
        // Length byte + name, rounded up to a multiple of 4.
        self.name.map_or(0, |n| n.len().saturating_add(4) & !3)
    }

    /// The payload length [`InterfaceInformationRepr::encode`] writes.
    #[must_use]
    pub fn payload_len(&self) -> usize {
        let addr = match self.address {
            None => 0,
            Some(IpAddr::V4(_)) => 8,
            Some(IpAddr::V6(_)) => 20,
        };
        let fixed = if self.if_index.is_some() { 4usize } else { 0 }
            .saturating_add(if self.mtu.is_some() { 4 } else { 0 });
        fixed.saturating_add(addr).saturating_add(self.name_len())
    }

    /// Write the object payload (sub-objects only, no object header) at the start of `out`.
    ///
    /// # Errors
    /// [`Error::NoSpace`] (`InterfaceInfo`) if `out` is too short; [`Error::Malformed`]
    /// ([`Reason::LengthOverflow`]) if the name is longer than 251 bytes.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, Error> {
        let name_len = self.name_len();
        let name_len_byte = u8::try_from(name_len).map_err(|_| {
            Error::malformed(
                Structure::InterfaceInfo,
                Reason::LengthOverflow {
                    length: name_len as u64,
                },
            )
        })?;
        let len = self.payload_len();
        let available = out.len();
        let mut dest = out.get_mut(..len).ok_or(Error::NoSpace {
            what: Structure::InterfaceInfo,
            needed: len,
            available,
        })?;
        dest.fill(0);
        let mut put = |bytes: &[u8], room: usize| {
            let (head, tail) = core::mem::take(&mut dest).split_at_mut(room);
            if let Some(h) = head.get_mut(..bytes.len()) {
                h.copy_from_slice(bytes);
            }
            dest = tail;
        };
        if let Some(i) = self.if_index {
            put(&i.to_be_bytes(), 4);
        }
        match self.address {
            Some(IpAddr::V4(a)) => {
                put(&AFI_IPV4.to_be_bytes(), 4);
                put(&a.octets(), 4);
            }
            Some(IpAddr::V6(a)) => {
                put(&AFI_IPV6.to_be_bytes(), 4);
                put(&a.octets(), 16);
            }
            None => {}
        }
        if let Some(name) = self.name {
            put(&[name_len_byte], 1);
            put(name, name_len.saturating_sub(1));
        }
        if let Some(m) = self.mtu {
            put(&m.to_be_bytes(), 4);
        }
        Ok(len)
    }
}

/// A decoded RFC 8335 interface identification object (class 3): how an extended echo
/// request names the interface to probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InterfaceIdent<'a> {
    /// C-type 1: by name (trailing NUL padding removed).
    Name(&'a [u8]),
    /// C-type 2: by ifIndex.
    Index(u32),
    /// C-type 3: by address.
    Address {
        /// The address family (IANA address family numbers: 1 IPv4, 2 IPv6, ...).
        afi: u16,
        /// The address bytes (the address-length field's worth).
        address: &'a [u8],
    },
}

impl<'a> InterfaceIdent<'a> {
    /// Decode an object payload of c-type 1, 2 or 3.
    ///
    /// # Errors
    /// [`Error::Truncated`] (`InterfaceIdent`) if a by-index payload is shorter than 4 bytes,
    /// a by-address payload shorter than 4 bytes or than its address length;
    /// [`Error::Malformed`] (`InterfaceIdent`) for another c-type
    /// ([`Reason::BadValue`]) or a by-index payload longer than 4 bytes
    /// ([`Reason::UnexpectedSize`]).
    #[inline]
    pub fn new(c_type: u8, payload: &'a [u8]) -> Result<Self, Error> {
        let truncated = |needed| Error::truncated(Structure::InterfaceIdent, needed, payload.len());
        match c_type {
            1 => Ok(Self::Name(trim_nul(payload))),
            2 => {
                let b: [u8; 4] = payload
                    .get(..4)
                    .ok_or(truncated(4))?
                    .try_into()
                    .unwrap_or([0; 4]);
                if payload.len() != 4 {
                    return Err(Error::malformed(
                        Structure::InterfaceIdent,
                        Reason::UnexpectedSize {
                            size: payload.len(),
                        },
                    ));
                }
                Ok(Self::Index(u32::from_be_bytes(b)))
            }
            3 => {
                let head = payload.get(..4).ok_or(truncated(4))?;
                let afi = head
                    .get(..2)
                    .and_then(|b| b.try_into().ok())
                    .map_or(0, u16::from_be_bytes);
                let len = usize::from(*head.get(2).unwrap_or(&0));
                let end = len.saturating_add(4);
                let address = payload.get(4..end).ok_or(truncated(end))?;
                Ok(Self::Address { afi, address })
            }
            other => Err(Error::malformed(
                Structure::InterfaceIdent,
                Reason::BadValue {
                    field: "c-type",
                    value: u64::from(other),
                },
            )),
        }
    }

    /// For an address of AFI 1 (4 bytes) or 2 (16 bytes): the IP address.
    #[must_use]
    pub fn ip(&self) -> Option<IpAddr> {
        match *self {
            Self::Address {
                afi: AFI_IPV4,
                address,
            } => <[u8; 4]>::try_from(address)
                .ok()
                .map(|b| IpAddr::V4(b.into())),
            Self::Address {
                afi: AFI_IPV6,
                address,
            } => <[u8; 16]>::try_from(address)
                .ok()
                .map(|b| IpAddr::V6(b.into())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sub_object() {
        let repr = InterfaceInformationRepr {
            role: InterfaceRole::IncomingInterface,
            if_index: Some(2),
            address: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))),
            name: Some(b"ge-0/0/1"),
            mtu: Some(1500),
        };
        assert_eq!(repr.c_type(), 0x0f);
        let mut buf = [0u8; 64];
        let n = repr.encode(&mut buf).unwrap();
        // ifIndex 4 + address 8 + name (1 + 8 -> 12) + MTU 4
        assert_eq!(n, 28);
        let info = InterfaceInformation::new(repr.c_type(), &buf[..n]).unwrap();
        assert_eq!(info.if_index, Some(2));
        assert_eq!(info.name_str(), Some("ge-0/0/1"));
        assert_eq!(info.mtu, Some(1500));
        for len in 0..n {
            assert!(matches!(
                InterfaceInformation::new(repr.c_type(), &buf[..len]),
                Err(Error::Truncated { .. })
            ));
        }
        assert!(matches!(
            InterfaceInformation::new(repr.c_type(), &buf[..n + 4]),
            Err(Error::Malformed {
                reason: Reason::UnexpectedSize { size: 32 },
                ..
            })
        ));
    }

    #[test]
    fn display() {
        use std::format;
        let mut info = InterfaceInformation {
            role: InterfaceRole::IncomingInterface,
            if_index: Some(2),
            address: Some(IpAddr::V4(Ipv4Addr::new(198, 18, 1, 1))),
            name: Some(b"eth0"),
            mtu: Some(1500),
        };
        assert_eq!(
            format!("{info}"),
            "incoming interface eth0 (ifindex 2, 198.18.1.1, mtu 1500)"
        );
        info.role = InterfaceRole::NextHop;
        info.name = Some(b"e\xffx");
        info.if_index = None;
        assert_eq!(
            format!("{info}"),
            "next hop e\u{fffd}x (198.18.1.1, mtu 1500)"
        );
        let bare = InterfaceInformation {
            role: InterfaceRole::OutgoingInterface,
            if_index: None,
            address: None,
            name: None,
            mtu: None,
        };
        assert_eq!(format!("{bare}"), "outgoing interface");
        assert_eq!(
            format!("{}", InterfaceRole::IncomingSubIpComponent),
            "incoming sub-IP component"
        );
    }

    #[test]
    fn ident_kinds() {
        assert_eq!(
            InterfaceIdent::new(1, b"eth0\0\0\0\0"),
            Ok(InterfaceIdent::Name(b"eth0"))
        );
        assert_eq!(
            InterfaceIdent::new(2, &[0, 0, 0, 7]),
            Ok(InterfaceIdent::Index(7))
        );
        let a = InterfaceIdent::new(3, &[0, 1, 4, 0, 192, 0, 2, 9]).unwrap();
        assert_eq!(a.ip(), Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 9))));
        assert_eq!(
            InterfaceIdent::new(3, &[0, 2, 16, 0, 0, 0]),
            Err(Error::truncated(Structure::InterfaceIdent, 20, 6))
        );
    }
}
