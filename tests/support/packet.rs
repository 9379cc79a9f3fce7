//! Hand-built packets: the probe as it left A (IP + UDP header), ICMP/ICMPv6 errors quoting
//! it, echo requests, and RFC 4884 extension structures, for the errors the kernel will not
//! make by itself (sent from R with a raw socket, see [`crate::hand_built`]). Built byte by
//! byte here, independently of errq-codec, so the tests' expectations do not come from the
//! code under test.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// The Internet checksum (RFC 1071) of `bytes`.
#[must_use]
pub fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for chunk in bytes.chunks(2) {
        let word = match chunk {
            [a, b] => u16::from_be_bytes([*a, *b]),
            [a] => u16::from_be_bytes([*a, 0]),
            _ => 0,
        };
        sum += u32::from(word);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv4 + UDP packet `src -> dst` carrying `data` (TTL 63, DF, as R would see it
/// after one hop); the UDP checksum is left 0.
#[must_use]
pub fn udp4(src: SocketAddrV4, dst: SocketAddrV4, data: &[u8]) -> Vec<u8> {
    let total = 20 + 8 + data.len();
    let mut p = vec![0u8; 20];
    p[0] = 0x45;
    p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
    p[6] = 0x40; // DF
    p[8] = 63;
    p[9] = 17;
    p[12..16].copy_from_slice(&src.ip().octets());
    p[16..20].copy_from_slice(&dst.ip().octets());
    let c = checksum(&p);
    p[10..12].copy_from_slice(&c.to_be_bytes());
    p.extend_from_slice(&src.port().to_be_bytes());
    p.extend_from_slice(&dst.port().to_be_bytes());
    p.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(data);
    p
}

/// An IPv6 + UDP packet `src -> dst` carrying `data` (hop limit 63).
#[must_use]
pub fn udp6(src: SocketAddrV6, dst: SocketAddrV6, data: &[u8]) -> Vec<u8> {
    let mut p = vec![0u8; 40];
    p[0] = 0x60;
    p[4..6].copy_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    p[6] = 17;
    p[7] = 63;
    p[8..24].copy_from_slice(&src.ip().octets());
    p[24..40].copy_from_slice(&dst.ip().octets());
    p.extend_from_slice(&src.port().to_be_bytes());
    p.extend_from_slice(&dst.port().to_be_bytes());
    p.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0, 0]); // (a wrong UDP checksum: the kernel does not check quotes)
    p.extend_from_slice(data);
    p
}

/// [`udp4`] or [`udp6`], as the addresses' family says.
///
/// # Panics
/// The two addresses are of different families.
#[must_use]
pub fn udp(src: SocketAddr, dst: SocketAddr, data: &[u8]) -> Vec<u8> {
    match (src, dst) {
        (SocketAddr::V4(src), SocketAddr::V4(dst)) => udp4(src, dst, data),
        (SocketAddr::V6(src), SocketAddr::V6(dst)) => udp6(src, dst, data),
        _ => panic!("{src} -> {dst}: one family for both"),
    }
}

/// An ICMP (or ICMPv6) error message: `kind`, `code`, the 4 bytes after the checksum
/// (`rest`), the quoted packet zero-padded (or cut) to `quote_len` bytes, then `ext`.
/// `v4_checksum`: fill the ICMPv4 checksum (the kernel fills ICMPv6's on raw sockets).
#[must_use]
pub fn icmp_error(
    kind: u8,
    code: u8,
    rest: [u8; 4],
    quote: &[u8],
    quote_len: usize,
    ext: &[u8],
    v4_checksum: bool,
) -> Vec<u8> {
    let mut p = vec![kind, code, 0, 0];
    p.extend_from_slice(&rest);
    let mut q = quote.to_vec();
    q.resize(quote_len, 0);
    p.extend_from_slice(&q);
    p.extend_from_slice(ext);
    if v4_checksum {
        let c = checksum(&p);
        p[2..4].copy_from_slice(&c.to_be_bytes());
    }
    p
}

/// One MPLS label stack entry (RFC 3032): label 20 bits, TC 3, S 1, TTL 8.
#[must_use]
pub fn mpls_entry(label: u32, tc: u8, bottom: bool, ttl: u8) -> [u8; 4] {
    (label << 12 | u32::from(tc) << 9 | u32::from(bottom) << 8 | u32::from(ttl)).to_be_bytes()
}

/// An extension object: length (header included), class, c-type, payload.
#[must_use]
pub fn object(class: u8, c_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut o = ((4 + payload.len()) as u16).to_be_bytes().to_vec();
    o.push(class);
    o.push(c_type);
    o.extend_from_slice(payload);
    o
}

/// An RFC 5837 interface information object (class 2), role incoming (0), with ifIndex,
/// IP address, name and MTU (c-type 0x0f). `name` is padded with NULs to a multiple of 4
/// with its length octet.
#[must_use]
pub fn interface_info(if_index: u32, addr: IpAddr, name: &str, mtu: u32) -> Vec<u8> {
    let mut p = if_index.to_be_bytes().to_vec();
    match addr {
        IpAddr::V4(a) => {
            p.extend_from_slice(&[0, 1, 0, 0]);
            p.extend_from_slice(&a.octets());
        }
        IpAddr::V6(a) => {
            p.extend_from_slice(&[0, 2, 0, 0]);
            p.extend_from_slice(&a.octets());
        }
    }
    let mut n = vec![0u8];
    n.extend_from_slice(name.as_bytes());
    while n.len() % 4 != 0 {
        n.push(0);
    }
    n[0] = n.len() as u8;
    p.extend_from_slice(&n);
    p.extend_from_slice(&mtu.to_be_bytes());
    object(2, 0x0f, &p)
}

/// An RFC 4884 extension structure (version 2) holding `objects`, with a valid checksum,
/// or a deliberately wrong one when `bad_checksum`.
#[must_use]
pub fn extension(objects: &[Vec<u8>], bad_checksum: bool) -> Vec<u8> {
    let mut e = vec![0x20, 0, 0, 0];
    for o in objects {
        e.extend_from_slice(o);
    }
    let mut c = checksum(&e);
    if bad_checksum {
        c ^= 0x5a5a;
    }
    e[2..4].copy_from_slice(&c.to_be_bytes());
    e
}

/// Convenience: `Ipv4Addr` to the quoted-probe socket address.
#[must_use]
pub fn v4(ip: Ipv4Addr, port: u16) -> SocketAddrV4 {
    SocketAddrV4::new(ip, port)
}

/// Convenience: `Ipv6Addr` to the quoted-probe socket address.
#[must_use]
pub fn v6(ip: Ipv6Addr, port: u16) -> SocketAddrV6 {
    SocketAddrV6::new(ip, port, 0, 0)
}

/// An ICMP echo request (`v6`: ICMPv6, type 128; else ICMPv4, type 8, code 0) with
/// `ident`, `seq` and the data `errq-echo`. The ICMPv4 checksum is filled; the kernel fills
/// ICMPv6's, and a ping socket's of either family.
#[must_use]
pub fn echo_request(v6: bool, ident: u16, seq: u16) -> Vec<u8> {
    let mut p = vec![if v6 { 128 } else { 8 }, 0, 0, 0];
    p.extend_from_slice(&ident.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(b"errq-echo");
    if !v6 {
        let c = checksum(&p);
        p[2..4].copy_from_slice(&c.to_be_bytes());
    }
    p
}
