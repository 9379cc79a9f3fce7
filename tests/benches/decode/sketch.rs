//! The `sketch` variant: a safe decoder that checks every length, specialised to the
//! native ABI: how much room the codec has.

use super::*;
use crate::baseline::c_meaning;

/// A sketch of what the codec's walk could cost: safe, every length checked, nothing
/// trusted, but specialised to the native ABI (`from_ne_bytes` on fixed-size arrays, no
/// runtime endianness or word-size branches) and writing each record's fields straight into
/// the result. The payload and RFC 4884 part is the codec's own ([`errq_payload`]). Not a
/// replacement for the codec (no raw records, no errors reported): a measure of the room.
#[inline(never)]
pub(crate) fn sketch_decode<'a>(c: &'a Capture, kind: Kind) -> Decoded<'a> {
    fn ne_u32(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }
    fn sockaddr(b: &[u8]) -> Option<SocketAddr> {
        let family = u16::from_ne_bytes(b.get(..2)?.try_into().ok()?);
        let port = u16::from_be_bytes(b.get(2..4)?.try_into().ok()?);
        match i32::from(family) {
            libc::AF_INET => {
                let a: [u8; 4] = b.get(4..8)?.try_into().ok()?;
                Some(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(a), port)))
            }
            libc::AF_INET6 => {
                let flow = u32::from_be_bytes(b.get(4..8)?.try_into().ok()?);
                let a: [u8; 16] = b.get(8..24)?.try_into().ok()?;
                let scope = ne_u32(b, 24)?;
                Some(SocketAddr::V6(SocketAddrV6::new(
                    Ipv6Addr::from(a),
                    port,
                    flow,
                    scope,
                )))
            }
            _ => None,
        }
    }
    let mut d = Decoded::default();
    let mut rest = c.control();
    const HDR: usize = size_of::<libc::cmsghdr>();
    while let Some(hdr) = rest.get(..HDR) {
        let len = usize::from_ne_bytes(hdr[..size_of::<usize>()].try_into().unwrap_or_default());
        let level = ne_u32(hdr, HDR - 8).unwrap_or(0) as i32;
        let ty = ne_u32(hdr, HDR - 4).unwrap_or(0) as i32;
        let Some(data) = rest.get(HDR..len) else {
            break;
        };
        match (level, ty) {
            (libc::SOL_IP, libc::IP_RECVERR) | (libc::SOL_IPV6, libc::IPV6_RECVERR) => {
                if let Some(ee) = data.get(..16) {
                    d.errno = ne_u32(ee, 0).unwrap_or(0);
                    d.origin = ee[4];
                    d.kind = ee[5];
                    d.code = ee[6];
                    d.info = ne_u32(ee, 8).unwrap_or(0);
                    d.data = ne_u32(ee, 12).unwrap_or(0);
                    d.offender = sockaddr(&data[16..]);
                }
            }
            (libc::SOL_IP, libc::IP_TTL) => d.ttl = ne_u32(data, 0).map(|v| v as i32),
            (libc::SOL_IP, libc::IP_TOS) => d.tos = data.first().copied(),
            (libc::SOL_IP, libc::IP_PKTINFO) => {
                if let (Some(i), Some(s), Some(a)) =
                    (ne_u32(data, 0), data.get(4..8), data.get(8..12))
                {
                    let v4 = |b: &[u8]| Ipv4Addr::new(b[0], b[1], b[2], b[3]);
                    d.pktinfo = Some((i as i32, v4(s), v4(a)));
                }
            }
            (libc::SOL_SOCKET, libc::SO_TIMESTAMPING) if data.len() >= 48 => {
                let w = |i: usize| {
                    i64::from_ne_bytes(data[i * 8..i * 8 + 8].try_into().unwrap_or_default())
                };
                d.timestamping = Some([(w(0), w(1)), (w(2), w(3)), (w(4), w(5))]);
            }
            _ => {}
        }
        let step = len.next_multiple_of(size_of::<usize>()).max(HDR);
        rest = rest.get(step..).unwrap_or(&[]);
    }
    d.destination = sockaddr(&c.msg_name);
    c_meaning(&mut d);
    let is_icmp = d.origin == libc::SO_EE_ORIGIN_ICMP || d.origin == libc::SO_EE_ORIGIN_ICMP6;
    let rfc4884_len = if is_icmp {
        d.data.to_ne_bytes()[..2]
            .try_into()
            .map_or(0, u16::from_ne_bytes)
    } else {
        0
    };
    errq_payload(&mut d, &c.payload, rfc4884_len, kind);
    d
}
