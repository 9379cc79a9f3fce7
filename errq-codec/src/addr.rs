//! Socket addresses as the kernel writes them: `sockaddr_in` and `sockaddr_in6`.
//!
//! `sa_family` and `sin6_scope_id` are in the ABI's byte order; port, address and
//! `sin6_flowinfo` are in network order. Decoding gives `core::net` values.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use zerocopy::network_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::abi::Endian;
use crate::error::{Error, Reason, Structure};
use crate::table::table;

pub use crate::consts::{AF_INET, AF_INET6, AF_UNSPEC};

/// An address family (`sa_family_t`, the `AF_*` numbers, the same on every Linux ABI), as
/// `getsockopt(SO_DOMAIN)` reports a socket's. Open newtype: any value is representable.
///
/// ```
/// use errq_codec::addr::Family;
/// assert_eq!(Family::INET6, Family(10));
/// assert_eq!(Family::CAN.to_string(), "AF_CAN");
/// assert_eq!(Family(99).to_string(), "AF_99");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[doc(alias = "sa_family_t")]
pub struct Family(pub u16);

table! {
    /// The C name (`"AF_INET"`), or `None` for a family not named here.
    Family::name, unknown "AF_{}";
    /// `AF_UNSPEC`.
    UNSPEC = 0, "AF_UNSPEC", alias "AF_UNSPEC";
    /// `AF_INET`.
    INET = 2, "AF_INET", alias "AF_INET";
    /// `AF_INET6`.
    INET6 = 10, "AF_INET6", alias "AF_INET6";
    /// `AF_PACKET`.
    PACKET = 17, "AF_PACKET", alias "AF_PACKET";
    /// `AF_CAN`.
    CAN = 29, "AF_CAN", alias "AF_CAN";
    /// `AF_BLUETOOTH`.
    BLUETOOTH = 31, "AF_BLUETOOTH", alias "AF_BLUETOOTH";
    /// `AF_VSOCK`.
    VSOCK = 40, "AF_VSOCK", alias "AF_VSOCK";
}

/// The size of a `struct sockaddr_in`.
pub const SOCKADDR_IN_LEN: usize = 16;
/// The size of a `struct sockaddr_in6`.
pub const SOCKADDR_IN6_LEN: usize = 28;

/// `struct sockaddr_in` on the wire; `family` in host order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
#[repr(C)]
struct RawSockaddrIn {
    family: [u8; 2],
    port: U16,
    addr: [u8; 4],
    zero: [u8; 8],
}

/// `struct sockaddr_in6` on the wire; `family` and `scope_id` in host order.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Clone, Copy, Debug)]
#[repr(C)]
struct RawSockaddrIn6 {
    family: [u8; 2],
    port: U16,
    flowinfo: U32,
    addr: [u8; 16],
    scope_id: [u8; 4],
}

/// The `sa_family` at the start of `bytes`, or `None` if there are fewer than 2 bytes.
#[must_use]
#[inline]
pub fn family(bytes: &[u8], endian: Endian) -> Option<u16> {
    match *bytes {
        [a, b, ..] => Some(endian.u16([a, b])),
        _ => None,
    }
}

/// Decode a `sockaddr_in` or `sockaddr_in6`; `Ok(None)` for `AF_UNSPEC` or an empty slice
/// (an empty `msg_name`).
///
/// # Errors
/// [`Error::Truncated`] if the slice is shorter than the family's structure;
/// [`Error::Malformed`] with [`Reason::UnexpectedFamily`] for any other family.
#[inline]
pub fn decode(bytes: &[u8], endian: Endian) -> Result<Option<SocketAddr>, Error> {
    let family = match *bytes {
        [] => return Ok(None),
        [a, b, ..] => endian.u16([a, b]),
        [_] => return Err(Error::truncated(Structure::Sockaddr, 2, bytes.len())),
    };
    match family {
        AF_UNSPEC => Ok(None),
        // The family is read: take the rest of the `sockaddr_in` straight from the bytes
        // (the same checks and errors as `decode_v4`).
        AF_INET => match *bytes {
            [_, _, p0, p1, a0, a1, a2, a3, _, _, _, _, _, _, _, _, ..] => Ok(Some(SocketAddr::V4(
                SocketAddrV4::new(Ipv4Addr::new(a0, a1, a2, a3), u16::from_be_bytes([p0, p1])),
            ))),
            _ => Err(Error::truncated(
                Structure::SockaddrIn,
                SOCKADDR_IN_LEN,
                bytes.len(),
            )),
        },
        AF_INET6 => decode_v6(bytes, endian).map(|a| Some(SocketAddr::V6(a))),
        family => Err(Error::malformed(
            Structure::Sockaddr,
            Reason::UnexpectedFamily { family },
        )),
    }
}

/// Decode a `sockaddr_in`.
///
/// # Errors
/// [`Error::Truncated`] under 16 bytes; [`Error::Malformed`] if the family is not `AF_INET`.
#[inline]
pub fn decode_v4(bytes: &[u8], endian: Endian) -> Result<SocketAddrV4, Error> {
    let (raw, _) = RawSockaddrIn::ref_from_prefix(bytes)
        .map_err(|_| Error::truncated(Structure::SockaddrIn, SOCKADDR_IN_LEN, bytes.len()))?;
    let family = endian.u16(raw.family);
    if family != AF_INET {
        return Err(Error::malformed(
            Structure::SockaddrIn,
            Reason::UnexpectedFamily { family },
        ));
    }
    Ok(SocketAddrV4::new(Ipv4Addr::from(raw.addr), raw.port.get()))
}

/// Decode a `sockaddr_in6`.
///
/// # Errors
/// [`Error::Truncated`] under 28 bytes; [`Error::Malformed`] if the family is not
/// `AF_INET6`.
#[inline]
pub fn decode_v6(bytes: &[u8], endian: Endian) -> Result<SocketAddrV6, Error> {
    let (raw, _) = RawSockaddrIn6::ref_from_prefix(bytes)
        .map_err(|_| Error::truncated(Structure::SockaddrIn6, SOCKADDR_IN6_LEN, bytes.len()))?;
    let family = endian.u16(raw.family);
    if family != AF_INET6 {
        return Err(Error::malformed(
            Structure::SockaddrIn6,
            Reason::UnexpectedFamily { family },
        ));
    }
    Ok(SocketAddrV6::new(
        Ipv6Addr::from(raw.addr),
        raw.port.get(),
        raw.flowinfo.get(),
        endian.u32(raw.scope_id),
    ))
}

/// Encode `addr` as a `sockaddr_in` (16 bytes) or `sockaddr_in6` (28 bytes) into `out`;
/// returns the bytes written.
///
/// # Errors
/// [`Error::NoSpace`] if `out` is too small.
///
/// ```
/// use errq_codec::abi::Endian;
/// use errq_codec::addr;
///
/// // msg_name of a real capture: 198.18.2.2:33435 as a sockaddr_in. The family is in the ABI's
/// // byte order, port and address in network order.
/// let mut out = [0u8; 28];
/// let n = addr::encode(&"198.18.2.2:33435".parse().unwrap(), Endian::Little, &mut out)?;
/// assert_eq!(&out[..n], &[2, 0, 0x82, 0x9b, 198, 18, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
/// let n = addr::encode(&"198.18.2.2:33435".parse().unwrap(), Endian::Big, &mut out)?;
/// assert_eq!(&out[..2], &[0, 2]); // AF_INET, big-endian (s390x, MIPS, ...)
/// assert_eq!(addr::decode(&out[..n], Endian::Big)?, Some("198.18.2.2:33435".parse().unwrap()));
/// # Ok::<(), errq_codec::Error>(())
/// ```
pub fn encode(addr: &SocketAddr, endian: Endian, out: &mut [u8]) -> Result<usize, Error> {
    match addr {
        SocketAddr::V4(a) => {
            let raw = RawSockaddrIn {
                family: endian.u16_bytes(AF_INET),
                port: U16::new(a.port()),
                addr: a.ip().octets(),
                zero: [0; 8],
            };
            write(Structure::SockaddrIn, raw.as_bytes(), out)
        }
        SocketAddr::V6(a) => {
            let raw = RawSockaddrIn6 {
                family: endian.u16_bytes(AF_INET6),
                port: U16::new(a.port()),
                flowinfo: U32::new(a.flowinfo()),
                addr: a.ip().octets(),
                scope_id: endian.u32_bytes(a.scope_id()),
            };
            write(Structure::SockaddrIn6, raw.as_bytes(), out)
        }
    }
}

/// The encoded size of `addr`: 16 or 28.
#[must_use]
pub const fn encoded_len(addr: &SocketAddr) -> usize {
    match addr {
        SocketAddr::V4(_) => SOCKADDR_IN_LEN,
        SocketAddr::V6(_) => SOCKADDR_IN6_LEN,
    }
}

pub(crate) fn write(what: Structure, src: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let available = out.len();
    let dst = out.get_mut(..src.len()).ok_or(Error::NoSpace {
        what,
        needed: src.len(),
        available,
    })?;
    dst.copy_from_slice(src);
    Ok(src.len())
}

/// If `addr` is an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), the IPv4 socket address;
/// otherwise `addr` unchanged. The kernel reports an IPv4 error on a dual-stack IPv6 socket
/// with such an offender.
#[must_use]
pub fn unmap(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(a) => match a.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::V4(SocketAddrV4::new(v4, a.port())),
            None => addr,
        },
        SocketAddr::V4(_) => addr,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_round_trip_both_orders() {
        let a: SocketAddr = "198.18.2.2:33434".parse().unwrap();
        for e in [Endian::Little, Endian::Big] {
            let mut b = [0u8; 16];
            assert_eq!(encode(&a, e, &mut b), Ok(16));
            assert_eq!(&b[2..8], &[0x82, 0x9a, 198, 18, 2, 2]);
            assert_eq!(decode(&b, e), Ok(Some(a)));
        }
    }

    #[test]
    fn v6_round_trip() {
        let a = SocketAddr::V6(SocketAddrV6::new(
            "2001:db8::1".parse().unwrap(),
            53,
            0x12345,
            7,
        ));
        let mut b = [0u8; 28];
        encode(&a, Endian::Little, &mut b).unwrap();
        assert_eq!(&b[..2], &[10, 0]);
        assert_eq!(&b[24..], &[7, 0, 0, 0]);
        assert_eq!(decode(&b, Endian::Little), Ok(Some(a)));
        assert_eq!(
            decode(&b[..27], Endian::Little),
            Err(Error::truncated(Structure::SockaddrIn6, 28, 27))
        );
        assert_eq!(
            encode(&a, Endian::Little, &mut [0u8; 20]),
            Err(Error::NoSpace {
                what: Structure::SockaddrIn6,
                needed: 28,
                available: 20
            })
        );
    }

    #[test]
    fn unspec_and_unknown_family() {
        assert_eq!(decode(&[0u8; 16], Endian::Little), Ok(None));
        assert_eq!(decode(&[], Endian::Little), Ok(None));
        assert_eq!(
            decode(&[1], Endian::Little),
            Err(Error::truncated(Structure::Sockaddr, 2, 1))
        );
        assert_eq!(
            decode(&[1, 0, 0, 0], Endian::Little),
            Err(Error::malformed(
                Structure::Sockaddr,
                Reason::UnexpectedFamily { family: 1 }
            ))
        );
    }

    #[test]
    fn unmaps_v4_mapped() {
        let m: SocketAddr = "[::ffff:198.18.1.1]:0".parse().unwrap();
        assert_eq!(unmap(m), "198.18.1.1:0".parse::<SocketAddr>().unwrap());
        let n: SocketAddr = "[2001:db8::1]:0".parse().unwrap();
        assert_eq!(unmap(n), n);
    }
}
