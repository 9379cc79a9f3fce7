//! Offline decode: for each of six real kernel captures, the time to decode everything a
//! user needs (walk the records, the error and what it means, the offender, the companions,
//! the original destination, the quoted probe and the RFC 4884 extensions where present):
//!
//! - `errq`: `errq_codec::message::Message::decode` plus `errq_codec::payload`/`ext`;
//! - `baseline`: what C code does: libc's `CMSG_FIRSTHDR`/`CMSG_NXTHDR`/`CMSG_DATA` and
//!   unchecked pointer casts to the uapi structs;
//! - `nix`: nix's `RecvMsg::cmsgs()` (`ControlMessageOwned`). nix decodes only what a
//!   `recvmsg` call returned, never bytes, so it decodes a live loopback message of the same
//!   kind and layout (same records, same lengths); the packet parsing nix lacks (the quoted
//!   IP/UDP of a timestamp) is the baseline's hand-written code. nix has no RFC 4884 support:
//!   no `nix` row for that message.
//!
//! `cargo bench -p errq-tests --bench decode`; the ratios are printed at the end (medians of
//! the same run). `ERRQ_DECODE_LOOP=N` instead runs each variant N times per message with no
//! timing, for `valgrind --tool=callgrind` (instruction counts that load does not change);
//! `ERRQ_DECODE_ONLY=<capture>` limits that to one message.

#![allow(missing_docs, unreachable_pub)] // a bench binary, no public API
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // bench code on known captures
#![allow(clippy::cast_possible_truncation)] // C-style casts in the baseline, as C writes them

mod support;

use std::hint::black_box;
use std::io::IoSliceMut;
use std::mem::size_of;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::fd::AsRawFd;
use std::ptr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use errq_codec::abi::Abi;
use errq_codec::ee::Origin;
use errq_codec::ext::ObjectData;
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_codec::payload::{self, Payload, PayloadKind};
use nix::sys::socket::{recvmsg, ControlMessageOwned, MsgFlags, RecvMsg, SockaddrStorage};

use support::Capture;

/// What the payload holds for a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A UDP socket's error: the original UDP payload (maybe with an RFC 4884 extension).
    Udp,
    /// A TX timestamp without OPT_TSONLY: the sent packet from its link-layer header.
    TxTimestamp,
}

/// RFC 5837 interface information: ifIndex, address, name, MTU.
type Iface<'a> = (Option<u32>, Option<IpAddr>, Option<&'a [u8]>, Option<u32>);

/// Everything a user takes out of one message; each decoder fills one and they must agree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Decoded<'a> {
    errno: u32,
    origin: u8,
    kind: u8,
    code: u8,
    info: u32,
    data: u32,
    mtu: Option<u32>,
    tstamp_key: Option<u32>,
    zerocopy: Option<(u32, u32, bool)>,
    offender: Option<SocketAddr>,
    destination: Option<SocketAddr>,
    ttl: Option<i32>,
    tos: Option<u8>,
    pktinfo: Option<(i32, Ipv4Addr, Ipv4Addr)>,
    timestamping: Option<[(i64, i64); 3]>,
    probe: &'a [u8],
    ports: Option<(u16, u16)>,
    mpls: [u32; 4],
    mpls_len: usize,
    iface: Option<Iface<'a>>,
}

const MESSAGES: [(&str, Kind, &str); 6] = [
    ("udp4_port_unreach_lo", Kind::Udp, "IPv4 port unreachable"),
    ("udp6_packet_too_big", Kind::Udp, "IPv6 packet too big"),
    (
        "udp4_ttl_exceeded",
        Kind::Udp,
        "TTL exceeded + IP_PKTINFO, IP_TTL, IP_TOS",
    ),
    (
        "udp4_tstamp_snd",
        Kind::TxTimestamp,
        "TX timestamp (SCM_TIMESTAMPING)",
    ),
    ("udp4_zerocopy", Kind::Udp, "zerocopy completion"),
    (
        "udp4_rfc4884",
        Kind::Udp,
        "RFC 4884 time exceeded, MPLS + interface info",
    ),
];

// ---------------------------------------------------------------------------------------
// errq

#[inline(never)]
fn errq_decode<'a>(c: &'a Capture, kind: Kind) -> Decoded<'a> {
    let m = Message::decode(c.control(), c.flags, &c.msg_name, &c.payload);
    let mut d = Decoded::default();
    let mut rfc4884_len = 0;
    if let Some(e) = m.error() {
        d.errno = e.ee.errno.raw;
        d.origin = e.ee.origin.0;
        d.kind = e.ee.kind;
        d.code = e.ee.code;
        d.info = e.ee.info;
        d.data = e.ee.data;
        rfc4884_len = e.ee.rfc4884().len;
        d.offender = e.offender();
        let meaning = Meaning::of(&e.ee);
        d.mtu = meaning.mtu();
        match meaning {
            Meaning::Timestamp(t) => d.tstamp_key = Some(t.key),
            Meaning::Zerocopy(z) => d.zerocopy = Some((z.lo, z.hi, z.copied)),
            _ => {}
        }
    }
    d.destination = m.destination();
    d.ttl = m.ttl();
    d.tos = m.tos();
    d.pktinfo = m.pktinfo().map(|p| (p.ifindex, p.spec_dst, p.addr));
    d.timestamping = m.timestamping().map(|t| t.ts.map(|ts| (ts.sec, ts.nsec)));
    errq_payload(&mut d, m.payload(), rfc4884_len, kind);
    d
}

/// A bench-local decoder written before the codec's decode was reworked (see BENCHMARKS.md):
/// the records are walked with `Records` straight into the caller's result (no `Message`
/// built and moved), and the timestamp/MTU tests compare errno numbers. Same public codec
/// API, same result. Kept as a reference point: `Message::decode` is now faster than it.
#[inline(never)]
fn errq_fixed_decode<'a>(c: &'a Capture, kind: Kind) -> Decoded<'a> {
    use errq_codec::record::{Record, Records};
    let abi = Abi::NATIVE;
    let mut d = Decoded::default();
    let mut rfc4884_len = 0;
    for r in Records::new(c.control(), abi).flatten() {
        match r {
            Record::Error(_, e) => {
                d.errno = e.ee.errno.raw;
                d.origin = e.ee.origin.0;
                d.kind = e.ee.kind;
                d.code = e.ee.code;
                d.info = e.ee.info;
                d.data = e.ee.data;
                rfc4884_len = e.ee.rfc4884().len;
                d.offender = e.offender();
                // Meaning::of without the string lookup (native numbering).
                let errno = e.ee.errno.raw;
                d.mtu = match e.ee.origin {
                    Origin::LOCAL if errno == libc::EMSGSIZE as u32 => Some(e.ee.info),
                    Origin::ICMP | Origin::ICMP6 => match Meaning::of(&e.ee) {
                        m @ (Meaning::Icmp(_) | Meaning::Icmp6(_)) => m.mtu(),
                        _ => None,
                    },
                    _ => None,
                };
                match e.ee.origin {
                    Origin::TIMESTAMPING if errno == libc::ENOMSG as u32 => {
                        d.tstamp_key = Some(e.ee.data);
                    }
                    Origin::ZEROCOPY => {
                        d.zerocopy = Some((e.ee.info, e.ee.data, e.ee.code & 1 != 0));
                    }
                    _ => {}
                }
            }
            Record::Ttl(v) => d.ttl = Some(v),
            Record::Tos(v) => d.tos = Some(v),
            Record::Pktinfo(p) => d.pktinfo = Some((p.ifindex, p.spec_dst, p.addr)),
            Record::Timestamping(t) => d.timestamping = Some(t.ts.map(|ts| (ts.sec, ts.nsec))),
            _ => {}
        }
    }
    d.destination = errq_codec::addr::decode(&c.msg_name, abi.endian)
        .ok()
        .flatten();
    errq_payload(&mut d, &c.payload, rfc4884_len, kind);
    d
}

/// A sketch of what the codec's walk could cost: safe, every length checked, nothing
/// trusted, but specialised to the native ABI (`from_ne_bytes` on fixed-size arrays, no
/// runtime endianness or word-size branches) and writing each record's fields straight into
/// the result. The payload and RFC 4884 part is the codec's own ([`errq_payload`]). Not a
/// replacement for the codec (no raw records, no errors reported): a measure of the room.
#[inline(never)]
fn sketch_decode<'a>(c: &'a Capture, kind: Kind) -> Decoded<'a> {
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

/// The payload part of [`errq_decode`], shared with [`errq_fixed_decode`].
fn errq_payload<'a>(d: &mut Decoded<'a>, payload: &'a [u8], rfc4884_len: u16, kind: Kind) {
    match kind {
        Kind::Udp => {
            let (probe, ext) = payload::split_rfc4884(payload, rfc4884_len);
            d.probe = probe;
            if let Some(Ok(ext)) = ext {
                for obj in ext.objects().flatten() {
                    match obj.decode() {
                        Ok(ObjectData::MplsLabelStack(stack)) => {
                            for l in stack.entries() {
                                if d.mpls_len < d.mpls.len() {
                                    d.mpls[d.mpls_len] = l.label;
                                    d.mpls_len += 1;
                                }
                            }
                        }
                        Ok(ObjectData::InterfaceInformation(i)) => {
                            d.iface = Some((i.if_index, i.address, i.name, i.mtu));
                        }
                        _ => {}
                    }
                }
            }
        }
        Kind::TxTimestamp => {
            d.probe = payload;
            d.ports = Payload::parse(payload, PayloadKind::TxTimestamp)
                .ok()
                .and_then(|p| p.ports());
        }
    }
}

// ---------------------------------------------------------------------------------------
// The C-style baseline: libc's CMSG_* and unchecked casts, as C code does it.

/// `SO_EE_ORIGIN_ZEROCOPY` (`<linux/errqueue.h>`; not in the libc crate).
const SO_EE_ORIGIN_ZEROCOPY: u8 = 5;

/// What a C switch on `ee_origin` gives: the MTU, the timestamp key, the zerocopy range.
fn c_meaning(d: &mut Decoded<'_>) {
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

fn from_sockaddr_in(s: &libc::sockaddr_in) -> SocketAddr {
    SocketAddr::V4(SocketAddrV4::new(
        Ipv4Addr::from(u32::from_be(s.sin_addr.s_addr)),
        u16::from_be(s.sin_port),
    ))
}

fn from_sockaddr_in6(s: &libc::sockaddr_in6) -> SocketAddr {
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
fn c_payload<'a>(d: &mut Decoded<'a>, payload: &'a [u8], kind: Kind) {
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
fn baseline_decode<'a>(c: &'a Capture, kind: Kind) -> Decoded<'a> {
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
                    d.errno = ee.ee_errno;
                    d.origin = ee.ee_origin;
                    d.kind = ee.ee_type;
                    d.code = ee.ee_code;
                    d.info = ee.ee_info;
                    d.data = ee.ee_data;
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

// ---------------------------------------------------------------------------------------
// nix

/// A live message received with nix, kept for decoding again and again.
struct Live {
    msg: RecvMsg<'static, 'static, SockaddrStorage>,
    payload: &'static [u8],
}

fn recv_live(sock: &UdpSocket) -> Live {
    support::wait_err(sock).expect("an error queued");
    let control: &'static mut [u8] = Box::leak(vec![0u8; 512].into_boxed_slice());
    let payload: *mut [u8] = Box::into_raw(vec![0u8; 4096].into_boxed_slice());
    // SAFETY: a fresh allocation, never freed; this &mut is the only reference to it until
    // recvmsg returned.
    let iov_buf: &'static mut [u8] = unsafe { &mut *payload };
    let iov: &'static mut [IoSliceMut<'static>] = Box::leak(Box::new([IoSliceMut::new(iov_buf)]));
    let msg =
        recvmsg::<SockaddrStorage>(sock.as_raw_fd(), iov, Some(control), MsgFlags::MSG_ERRQUEUE)
            .expect("recvmsg");
    // SAFETY: the kernel wrote the payload during recvmsg; nothing writes through the
    // IoSliceMut afterwards (RecvMsg keeps only the control buffer and the address), so a
    // shared view of the bytes it returned is the only live use.
    let payload = unsafe { &(&*payload)[..msg.bytes] };
    Live { msg, payload }
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| i as u8).collect()
}

/// A live message of the same kind and layout as capture `name`, or `None` (RFC 4884).
fn live_like(name: &str) -> Option<Live> {
    let lo4 = "127.0.0.1";
    match name {
        "udp4_port_unreach_lo" | "udp4_ttl_exceeded" => {
            let s = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            errq_sys::set_ip_recverr(&s, true).ok()?;
            if name == "udp4_ttl_exceeded" {
                errq_sys::set_ip_pktinfo(&s, true).ok()?;
                errq_sys::set_ip_recvttl(&s, true).ok()?;
                support::set_int(&s, libc::SOL_IP, libc::IP_RECVTOS, 1).ok()?;
            }
            s.send_to(&data(32), support::closed_port(lo4)).ok()?;
            Some(recv_live(&s))
        }
        "udp6_packet_too_big" => {
            // Same layout as a packet too big: one IPV6_RECVERR with a sockaddr_in6.
            let s = UdpSocket::bind("[::1]:0").ok()?;
            errq_sys::set_ipv6_recverr(&s, true).ok()?;
            s.send_to(&data(32), support::closed_port("[::1]")).ok()?;
            Some(recv_live(&s))
        }
        "udp4_tstamp_snd" => {
            let rx = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            let s = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            s.connect(rx.local_addr().ok()?).ok()?;
            use errq_sys::Timestamping as T;
            let flags = T::TX_SOFTWARE.0 | T::SOFTWARE.0 | T::OPT_ID.0;
            errq_sys::set_so_timestamping(&s, errq_sys::Timestamping(flags)).ok()?;
            s.send(&data(64)).ok()?;
            Some(recv_live(&s))
        }
        "udp4_zerocopy" => {
            let rx = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            let s = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            s.connect(rx.local_addr().ok()?).ok()?;
            errq_sys::set_so_zerocopy(&s, true).ok()?;
            let buf = data(1000);
            nix::sys::socket::send(
                s.as_raw_fd(),
                &buf,
                MsgFlags::from_bits_retain(libc::MSG_ZEROCOPY),
            )
            .ok()?;
            Some(recv_live(&s))
        }
        _ => None,
    }
}

#[inline(never)]
fn nix_decode(live: &Live, kind: Kind) -> Decoded<'static> {
    let mut d = Decoded::default();
    if let Ok(cmsgs) = live.msg.cmsgs() {
        for cm in cmsgs {
            match cm {
                ControlMessageOwned::Ipv4RecvErr(ee, off) => {
                    set_ee(&mut d, &ee);
                    d.offender = off.as_ref().map(from_sockaddr_in);
                }
                ControlMessageOwned::Ipv6RecvErr(ee, off) => {
                    set_ee(&mut d, &ee);
                    d.offender = off.as_ref().map(from_sockaddr_in6);
                }
                ControlMessageOwned::Ipv4Ttl(t) => d.ttl = Some(t),
                ControlMessageOwned::Ipv4Tos(t) => d.tos = Some(t),
                ControlMessageOwned::Ipv4PacketInfo(pi) => {
                    d.pktinfo = Some((
                        pi.ipi_ifindex,
                        Ipv4Addr::from(u32::from_be(pi.ipi_spec_dst.s_addr)),
                        Ipv4Addr::from(u32::from_be(pi.ipi_addr.s_addr)),
                    ));
                }
                ControlMessageOwned::ScmTimestampsns(ts) => {
                    let t = |x: nix::sys::time::TimeSpec| (x.tv_sec(), x.tv_nsec());
                    d.timestamping = Some([t(ts.system), t(ts.hw_trans), t(ts.hw_raw)]);
                }
                _ => {}
            }
        }
    }
    d.destination = live.msg.address.as_ref().and_then(|a| {
        if let Some(v4) = a.as_sockaddr_in() {
            Some(SocketAddr::V4(SocketAddrV4::from(*v4)))
        } else {
            a.as_sockaddr_in6()
                .map(|v6| SocketAddr::V6(SocketAddrV6::from(*v6)))
        }
    });
    c_meaning(&mut d);
    c_payload(&mut d, live.payload, kind);
    d
}

fn set_ee(d: &mut Decoded<'_>, ee: &libc::sock_extended_err) {
    d.errno = ee.ee_errno;
    d.origin = ee.ee_origin;
    d.kind = ee.ee_type;
    d.code = ee.ee_code;
    d.info = ee.ee_info;
    d.data = ee.ee_data;
}

// ---------------------------------------------------------------------------------------

fn main() {
    let messages: Vec<(Capture, Kind, &str)> = MESSAGES
        .iter()
        .map(|&(name, kind, what)| (support::load(name), kind, what))
        .collect();
    println!(
        "size_of::<Message>() = {} bytes (Companions: {} bytes)",
        size_of::<Message<'_>>(),
        size_of::<errq_codec::message::Companions<'_>>()
    );
    // The decoders must agree before they are timed.
    for (c, kind, _) in &messages {
        let a = errq_decode(c, *kind);
        let b = baseline_decode(c, *kind);
        assert_eq!(a, b, "{}: errq and the baseline disagree", c.name);
        assert_eq!(
            a,
            errq_fixed_decode(c, *kind),
            "{}: errq_fixed disagrees",
            c.name
        );
        assert!(
            a.errno != 0 || a.origin != 0,
            "{}: no error decoded",
            c.name
        );
    }
    let lives: Vec<Option<Live>> = messages.iter().map(|(c, _, _)| live_like(c.name)).collect();
    for ((c, kind, _), live) in messages.iter().zip(&lives) {
        if let Some(live) = live {
            let n = nix_decode(live, *kind);
            let e = errq_decode(c, *kind);
            // Same layout: same origin and the same records (a loopback port unreachable
            // stands in for the time exceeded and the packet too big).
            assert_eq!(
                (
                    n.origin,
                    n.ttl.is_some(),
                    n.tos.is_some(),
                    n.pktinfo.is_some()
                ),
                (
                    e.origin,
                    e.ttl.is_some(),
                    e.tos.is_some(),
                    e.pktinfo.is_some()
                ),
                "{}: the live nix message is not of the capture's kind",
                c.name
            );
            assert_eq!(
                n.timestamping.is_some(),
                e.timestamping.is_some(),
                "{}",
                c.name
            );
        }
    }

    if std::env::var_os("ERRQ_DECODE_INTERLEAVED_ONLY").is_some() {
        interleaved(&messages, &lives);
        return;
    }
    if let Some(n) = std::env::var("ERRQ_DECODE_LOOP")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        callgrind_loops(&messages, &lives, n);
        return;
    }

    let mut crit = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for ((c, kind, _), live) in messages.iter().zip(&lives) {
        let kind = *kind;
        let mut g = crit.benchmark_group(format!("decode/{}", c.name));
        g.throughput(Throughput::Elements(1));
        g.bench_function("errq", |b| b.iter(|| errq_decode(black_box(c), kind)));
        g.bench_function("baseline", |b| {
            b.iter(|| baseline_decode(black_box(c), kind))
        });
        g.bench_function("errq_fixed", |b| {
            b.iter(|| errq_fixed_decode(black_box(c), kind))
        });
        if let Some(live) = live {
            g.bench_function("nix", |b| b.iter(|| nix_decode(black_box(live), kind)));
        }
        g.finish();
    }
    crit.final_summary();
    summary(&messages, &lives);
    interleaved(&messages, &lives);
}

/// Rounds in which every variant decodes the same message `K` times, in turn (the order
/// rotating): the variants share every moment of load from other processes, so the ratios
/// hold on a busy machine where criterion's one-after-the-other groups drift. Prints the
/// median ns per message over the rounds, and the p10..p90 spread of each ratio.
fn interleaved(messages: &[(Capture, Kind, &str)], lives: &[Option<Live>]) {
    const K: u32 = 10_000;
    let rounds: usize = std::env::var("ERRQ_DECODE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(41);
    println!("\ninterleaved: {rounds} rounds x {K} decodes per variant and message");
    println!("| message | errq ns | errq_fixed ns | sketch ns | baseline ns | nix ns | errq / baseline (p10..p90) | nix / errq (p10..p90) | errq_fixed / baseline | nix / errq_fixed | sketch / baseline |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for ((c, kind, what), live) in messages.iter().zip(lives) {
        let kind = *kind;
        let mut variants: Vec<Box<dyn Fn()>> = vec![
            Box::new(move || {
                black_box(errq_decode(black_box(c), kind));
            }),
            Box::new(move || {
                black_box(errq_fixed_decode(black_box(c), kind));
            }),
            Box::new(move || {
                black_box(baseline_decode(black_box(c), kind));
            }),
            Box::new(move || {
                black_box(sketch_decode(black_box(c), kind));
            }),
        ];
        if let Some(live) = live {
            variants.push(Box::new(move || {
                black_box(nix_decode(black_box(live), kind));
            }));
        }
        let mut t: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
        for round in 0..rounds {
            for k in 0..variants.len() {
                let i = (k + round) % variants.len();
                let start = Instant::now();
                for _ in 0..K {
                    variants[i]();
                }
                t[i].push(start.elapsed().as_nanos() as f64 / f64::from(K));
            }
        }
        let median = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        // Per-round ratios: both sides measured within milliseconds of each other.
        let spread = |a: &[f64], b: &[f64]| {
            let mut r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
            r.sort_by(f64::total_cmp);
            (r[r.len() / 2], r[r.len() / 10], r[r.len() * 9 / 10])
        };
        let (e, f, b, sk) = (median(&t[0]), median(&t[1]), median(&t[2]), median(&t[3]));
        let (r, rlo, rhi) = spread(&t[0], &t[2]);
        let (rf, _, _) = spread(&t[1], &t[2]);
        let (rs, _, _) = spread(&t[3], &t[2]);
        let (nix, nix_r, nix_rf) = if t.len() > 4 {
            let (q, qlo, qhi) = spread(&t[4], &t[0]);
            let (qf, _, _) = spread(&t[4], &t[1]);
            (
                format!("{:.1}", median(&t[4])),
                format!("{q:.2}x ({qlo:.2}..{qhi:.2})"),
                format!("{qf:.2}x"),
            )
        } else {
            ("n/a".into(), "n/a".into(), "n/a".into())
        };
        println!(
            "| {what} | {e:.1} | {f:.1} | {sk:.1} | {b:.1} | {nix} | {r:.2}x ({rlo:.2}..{rhi:.2}) | {nix_r} | {rf:.2}x | {nix_rf} | {rs:.2}x |"
        );
    }
}

#[inline(never)]
fn loop_errq(c: &Capture, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(errq_decode(black_box(c), kind));
    }
}

#[inline(never)]
fn loop_baseline(c: &Capture, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(baseline_decode(black_box(c), kind));
    }
}

#[inline(never)]
fn loop_errq_fixed(c: &Capture, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(errq_fixed_decode(black_box(c), kind));
    }
}

#[inline(never)]
fn loop_nix(live: &Live, kind: Kind, n: u64) {
    for _ in 0..n {
        black_box(nix_decode(black_box(live), kind));
    }
}

fn callgrind_loops(messages: &[(Capture, Kind, &str)], lives: &[Option<Live>], n: u64) {
    let only = std::env::var("ERRQ_DECODE_ONLY").ok();
    for ((c, kind, _), live) in messages.iter().zip(lives) {
        if only.as_deref().is_some_and(|o| o != c.name) {
            continue;
        }
        loop_errq(c, *kind, n);
        loop_baseline(c, *kind, n);
        loop_errq_fixed(c, *kind, n);
        for _ in 0..n {
            black_box(sketch_decode(black_box(c), *kind));
        }
        if let Some(live) = live {
            loop_nix(live, *kind, n);
        }
    }
}

/// The median time of one criterion benchmark, from its `estimates.json`.
fn median_ns(group: &str, id: &str) -> Option<f64> {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = dir
        .join("criterion")
        .join(group.replace('/', "_"))
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let rest = &text[text.find("\"median\"")?..];
    let rest = &rest[rest.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = rest.find([',', '}'])?;
    rest[..end].trim().parse().ok()
}

fn summary(messages: &[(Capture, Kind, &str)], lives: &[Option<Live>]) {
    println!("\n| message | errq ns | baseline ns | nix ns | errq / baseline | nix / errq | errq_fixed ns | errq_fixed / baseline | nix / errq_fixed |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for ((c, _, what), live) in messages.iter().zip(lives) {
        let g = format!("decode/{}", c.name);
        let (Some(e), Some(b)) = (median_ns(&g, "errq"), median_ns(&g, "baseline")) else {
            continue;
        };
        let f = median_ns(&g, "errq_fixed").unwrap_or(f64::NAN);
        let n = live.as_ref().and(median_ns(&g, "nix"));
        let (ns, ratio, ratio_f) = match n {
            Some(n) => (
                format!("{n:.1}"),
                format!("{:.2}x", n / e),
                format!("{:.2}x", n / f),
            ),
            None => ("n/a".into(), "n/a".into(), "n/a".into()),
        };
        println!(
            "| {what} (`{}`) | {e:.1} | {b:.1} | {ns} | {:.2}x | {ratio} | {f:.1} | {:.2}x | {ratio_f} |",
            c.name,
            e / b,
            f / b
        );
    }
}
