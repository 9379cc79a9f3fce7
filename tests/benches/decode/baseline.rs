//! The `baseline` variant: C-style code, libc's `CMSG_*` macros and unchecked casts to the
//! uapi structs, trusting `cmsg_len` and the kernel as C code does.

use super::*;
/// `SO_EE_ORIGIN_ZEROCOPY` (`<linux/errqueue.h>`; not in the libc crate).
const SO_EE_ORIGIN_ZEROCOPY: u8 = 5;

/// What a C switch on `ee_origin` gives: the MTU, the timestamp key, the zerocopy range.
pub(crate) fn c_meaning(d: &mut Decoded<'_>) {
    let errno = d.errno as i32;
    match d.origin {
        libc::SO_EE_ORIGIN_LOCAL if errno == libc::EMSGSIZE => d.mtu = Some(d.info),
        libc::SO_EE_ORIGIN_ICMP if d.kind == 3 && d.code == 4 => d.mtu = Some(d.info),
        libc::SO_EE_ORIGIN_ICMP6 if d.kind == 2 => d.mtu = Some(d.info),
        libc::SO_EE_ORIGIN_TIMESTAMPING if errno == libc::ENOMSG => d.tstamp_key = Some(d.data),
        SO_EE_ORIGIN_ZEROCOPY => d.zerocopy = Some((d.info, d.data, d.code & 1 != 0)),
        _ => {}
    }
}

pub(crate) fn from_sockaddr_in(s: &libc::sockaddr_in) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(
        Ipv4Addr::from(u32::from_be(s.sin_addr.s_addr)),
        u16::from_be(s.sin_port),
    ))
}

pub(crate) fn from_sockaddr_in6(s: &libc::sockaddr_in6) -> SocketAddr {
    SocketAddr::V6(SocketAddrV6::new(
        Ipv6Addr::from(s.sin6_addr.s6_addr),
        u16::from_be(s.sin6_port),
        u32::from_be(s.sin6_flowinfo),
        s.sin6_scope_id,
    ))
}

/// Read a `sockaddr_in`/`sockaddr_in6` at `p` by its family, as C does.
///
/// # Safety
/// `p` must point to a whole `sockaddr_in6` worth of readable bytes for `AF_INET6`, a
/// `sockaddr_in` for `AF_INET`, two bytes otherwise.
unsafe fn c_sockaddr(p: *const u8) -> Option<SocketAddr> {
    // SAFETY: the caller guarantees the bytes; read_unaligned needs no alignment.
    unsafe {
        match i32::from(ptr::read_unaligned(p.cast::<libc::sa_family_t>())) {
            libc::AF_INET => Some(from_sockaddr_in(&ptr::read_unaligned(p.cast()))),
            libc::AF_INET6 => Some(from_sockaddr_in6(&ptr::read_unaligned(p.cast()))),
            _ => None,
        }
    }
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// The payload as C code parses it: the RFC 4884 extension by `ee_rfc4884.len`, or the
/// timestamped packet's Ethernet, IPv4 and UDP headers.
pub(crate) fn c_payload<'a>(d: &mut Decoded<'a>, payload: &'a [u8], kind: Kind) {
    match kind {
        Kind::Udp => {
            // ee_rfc4884.len: the first two bytes of the ee_data union, host order.
            let len =
                (d.data.to_ne_bytes()[0] as usize) | ((d.data.to_ne_bytes()[1] as usize) << 8);
            let len = if cfg!(target_endian = "little") {
                len
            } else {
                (d.data >> 16) as usize
            };
            let is_icmp =
                d.origin == libc::SO_EE_ORIGIN_ICMP || d.origin == libc::SO_EE_ORIGIN_ICMP6;
            if !is_icmp || len == 0 || len + 4 > payload.len() {
                d.probe = payload;
                return;
            }
            d.probe = &payload[..len];
            let p = payload;
            let end = p.len();
            if p[len] >> 4 != 2 {
                return;
            }
            let mut off = len + 4;
            while off + 4 <= end {
                let olen = be16(p, off) as usize;
                let (class, ctype) = (p[off + 2], p[off + 3]);
                if olen < 4 || off + olen > end {
                    break;
                }
                let body = &p[off + 4..off + olen];
                match class {
                    1 if ctype == 1 => {
                        for e in body.chunks_exact(4) {
                            if d.mpls_len < d.mpls.len() {
                                d.mpls[d.mpls_len] =
                                    u32::from_be_bytes([e[0], e[1], e[2], e[3]]) >> 12;
                                d.mpls_len += 1;
                            }
                        }
                    }
                    2 => {
                        let mut at = 0;
                        let mut ifindex = None;
                        let mut addr = None;
                        let mut name = None;
                        let mut mtu = None;
                        if ctype & 0x08 != 0 {
                            ifindex =
                                Some(u32::from_be_bytes([body[0], body[1], body[2], body[3]]));
                            at += 4;
                        }
                        if ctype & 0x04 != 0 {
                            match be16(body, at) {
                                1 => {
                                    let a =
                                        [body[at + 4], body[at + 5], body[at + 6], body[at + 7]];
                                    addr = Some(IpAddr::V4(Ipv4Addr::from(a)));
                                    at += 8;
                                }
                                _ => {
                                    let mut a = [0u8; 16];
                                    a.copy_from_slice(&body[at + 4..at + 20]);
                                    addr = Some(IpAddr::V6(Ipv6Addr::from(a)));
                                    at += 20;
                                }
                            }
                        }
                        if ctype & 0x02 != 0 {
                            let n = body[at] as usize;
                            let raw = &body[at + 1..at + n];
                            // strnlen: the name is NUL-padded to a 4-byte multiple.
                            let l = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
                            name = Some(&raw[..l]);
                            at += n;
                        }
                        if ctype & 0x01 != 0 {
                            mtu = Some(u32::from_be_bytes([
                                body[at],
                                body[at + 1],
                                body[at + 2],
                                body[at + 3],
                            ]));
                        }
                        d.iface = Some((ifindex, addr, name, mtu));
                    }
                    _ => {}
                }
                off += olen;
            }
        }
        Kind::TxTimestamp => {
            d.probe = payload;
            let p = payload;
            if p.len() >= 14 + 20 && be16(p, 12) == 0x0800 {
                let ihl = ((p[14] & 0x0f) as usize) * 4;
                if p[14 + 9] == 17 && p.len() >= 14 + ihl + 4 {
                    d.ports = Some((be16(p, 14 + ihl), be16(p, 14 + ihl + 2)));
                }
            }
        }
    }
}

#[inline(never)]
pub(crate) fn baseline_decode<'a>(c: &'a Capture, kind: Kind) -> Decoded<'a> {
    let mut d = Decoded::default();
    let control = c.control();
    // SAFETY: an all-zero msghdr is a valid value (null pointers, zero lengths).
    let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
    mh.msg_control = control.as_ptr().cast_mut().cast();
    mh.msg_controllen = control.len() as _;
    // SAFETY: msg_control/msg_controllen describe the 8-byte aligned control bytes the kernel
    // returned; CMSG_FIRSTHDR/CMSG_NXTHDR only return headers that lie inside them; the data
    // casts trust cmsg_len and the kernel, as C code does.
    unsafe {
        let mut cm = libc::CMSG_FIRSTHDR(&mh);
        while !cm.is_null() {
            let h = &*cm;
            let data = libc::CMSG_DATA(cm).cast_const();
            match (h.cmsg_level, h.cmsg_type) {
                (libc::SOL_IP, libc::IP_RECVERR) | (libc::SOL_IPV6, libc::IPV6_RECVERR) => {
                    let ee = ptr::read_unaligned(data.cast::<libc::sock_extended_err>());
                    set_ee(&mut d, &ee);
                    // SO_EE_OFFENDER(ee)
                    d.offender = c_sockaddr(data.add(size_of::<libc::sock_extended_err>()));
                }
                (libc::SOL_IP, libc::IP_TTL) => {
                    d.ttl = Some(ptr::read_unaligned(data.cast::<libc::c_int>()));
                }
                (libc::SOL_IP, libc::IP_TOS) => d.tos = Some(*data),
                (libc::SOL_IP, libc::IP_PKTINFO) => {
                    let pi = ptr::read_unaligned(data.cast::<libc::in_pktinfo>());
                    d.pktinfo = Some((
                        pi.ipi_ifindex,
                        Ipv4Addr::from(u32::from_be(pi.ipi_spec_dst.s_addr)),
                        Ipv4Addr::from(u32::from_be(pi.ipi_addr.s_addr)),
                    ));
                }
                (libc::SOL_SOCKET, libc::SO_TIMESTAMPING) => {
                    let ts = data.cast::<libc::timespec>();
                    let mut out = [(0, 0); 3];
                    for (i, o) in out.iter_mut().enumerate() {
                        let t = ptr::read_unaligned(ts.add(i));
                        *o = (t.tv_sec, t.tv_nsec);
                    }
                    d.timestamping = Some(out);
                }
                _ => {}
            }
            cm = libc::CMSG_NXTHDR(&mh, cm);
        }
        if !c.msg_name.is_empty() {
            d.destination = c_sockaddr(c.msg_name.as_ptr());
        }
    }
    c_meaning(&mut d);
    c_payload(&mut d, &c.payload, kind);
    d
}

/// The fields of a `sock_extended_err` into the result, as every C-style variant reads them.
#[inline(always)]
pub(crate) fn set_ee(d: &mut Decoded<'_>, ee: &libc::sock_extended_err) {
    d.errno = ee.ee_errno;
    d.origin = ee.ee_origin;
    d.kind = ee.ee_type;
    d.code = ee.ee_code;
    d.info = ee.ee_info;
    d.data = ee.ee_data;
}
