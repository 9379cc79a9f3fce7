//! The checks behind the errq fuzz targets, one public function per target.
//!
//! Each function takes arbitrary bytes, feeds them to one public decoding entry point of
//! `errq-codec` and asserts more than "no panic":
//! - whatever decodes re-encodes: to the same bytes where the wire format has one spelling
//!   (cmsg headers and data, `sock_extended_err`, netlink attributes, extension objects, ICMP
//!   headers but their checksum), else to a value that decodes equal (records, IP headers,
//!   interface information);
//! - every iterator ends: it returns `None` within a bound computed from the input length,
//!   and stays fused;
//! - every accessor of a successful view is called, and `Display`/`Debug` are written to a
//!   sink, so a panic anywhere behind a view is found.
//!
//! This file is also compiled into `errq-codec/tests/fuzz_regressions.rs` (by `#[path]`),
//! which replays every input kept in `errq-codec/tests/fuzz_regressions/<target>/` through
//! the same function: a crash found once stays a test.
// Checks compare offsets into the fuzz input; a panic is exactly the report we want.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::missing_panics_doc
)]

use core::fmt::{self, Write as _};

mod abi_choice;
mod structured;

pub use abi_choice::{abi_cmsgs, abi_message};
pub use structured::structured;

use errq_codec::abi::{Abi, Endian};
use errq_codec::addr;
use errq_codec::cmsg::{Cmsg, CmsgWriter, Cmsgs};
use errq_codec::ee::ExtendedError;
use errq_codec::error::Error;
use errq_codec::ext::{
    encode_extension, Extension, ExtensionChecksum, ExtensionObject, InterfaceInformation,
    InterfaceInformationRepr, MplsLabel, ObjectData, ObjectRepr,
};
use errq_codec::icmp::{
    ExtensionMode, IcmpErrorPacket, IcmpHeader, Icmpv4Packet, Icmpv4Repr, Icmpv6Packet, Icmpv6Repr,
};
use errq_codec::ip::{Ipv4Header, Ipv4Repr, Ipv6Header, Ipv6Repr, QuotedIp, Transport};
use errq_codec::meaning::Meaning;
use errq_codec::message::Message;
use errq_codec::optstats::{encode_attr, NlAttrs};
use errq_codec::payload::{find_compat_extension, split_rfc4884, Payload, PayloadKind};
use errq_codec::record::{Record, Records};

/// A `fmt::Write` that drops everything: formatting must not panic, its text is not needed.
struct Sink;

impl fmt::Write for Sink {
    fn write_str(&mut self, _: &str) -> fmt::Result {
        Ok(())
    }
}

fn show(v: impl fmt::Display + fmt::Debug) {
    write!(Sink, "{v} {v:?}").expect("the sink never fails");
}

fn debug(v: impl fmt::Debug) {
    write!(Sink, "{v:?}").expect("the sink never fails");
}

/// Drive `it` to its end, calling `f` on each item; panic if it yields more than `bound`
/// items or yields again after its first `None`.
fn bounded<I: Iterator>(mut it: I, bound: usize, what: &str, mut f: impl FnMut(I::Item)) {
    for _ in 0..=bound {
        match it.next() {
            Some(x) => f(x),
            None => {
                assert!(it.next().is_none(), "{what}: yielded after None");
                return;
            }
        }
    }
    panic!("{what}: more than {bound} items from {bound}-bounded input");
}

/// An iterator that yields `Err` must stop right after it.
fn err_is_last<T>(what: &'static str) -> impl FnMut(&Result<T, Error>) {
    let mut failed = false;
    move |item| {
        assert!(!failed, "{what}: yielded after an error");
        if let Err(e) = item {
            show(e);
            failed = true;
        }
    }
}

const MODES: [ExtensionMode; 3] = [
    ExtensionMode::Rfc4884,
    ExtensionMode::Rfc4884OrCompat,
    ExtensionMode::Ignore,
];

// ---------------------------------------------------------------------------------------
// Control buffer: the cmsg walker and the typed records, for every ABI preset.

/// Target `cmsgs`: `data` is a control buffer, walked with every [`Abi::PRESETS`] entry.
pub fn cmsgs(data: &[u8]) {
    for abi in Abi::PRESETS {
        cmsgs_with(data, abi);
    }
}

fn cmsgs_with(data: &[u8], abi: &Abi) {
    let hlen = abi.cmsg_header_len();
    let bound = data.len() / hlen + 1;
    let mut out = vec![0u8; data.len()];
    let mut end = 0usize;
    let mut cmsgs = Vec::new();
    let mut items = 0usize;
    let mut check = err_is_last("Cmsgs");
    bounded(Cmsgs::new(data, *abi), bound, "Cmsgs", |item| {
        check(&item);
        items += 1;
        let Ok(c) = item else { return };
        let len = usize::try_from(c.len).expect("a yielded cmsg_len fits usize");
        assert!(c.offset >= end, "records overlap");
        assert_eq!(c.offset % abi.word.bytes(), 0, "record not aligned");
        assert!(
            len >= hlen && c.offset + len <= data.len(),
            "record out of the input"
        );
        assert_eq!(c.data.len(), len - abi.cmsg_align(hlen));
        // Re-emit the record where it was: header and data are the same bytes (the padding
        // after it is not compared: the kernel leaves it as the buffer was).
        let mut w = CmsgWriter::new(&mut out[c.offset..], *abi);
        w.push(c.level, c.kind, c.data)
            .expect("a yielded record fits where it came from");
        assert_eq!(
            &out[c.offset..c.offset + len],
            &data[c.offset..c.offset + len],
            "re-emitted cmsg differs ({})",
            abi.name
        );
        end = c.offset + len;
        record_round_trip(c, abi);
        cmsgs.push(c);
    });
    // Records walks the same chain and decodes each record the same way.
    let mut i = 0;
    bounded(Records::new(data, *abi), bound, "Records", |item| {
        if let Ok(r) = &item {
            let c = cmsgs.get(i).expect("a record for every cmsg");
            assert_eq!(Ok(r), Record::decode(*c, abi).as_ref());
        }
        i += 1;
    });
    assert_eq!(i, items, "Records and Cmsgs walk the same chain");
}

/// Decode a record, encode it for the same ABI, walk and decode that again: equal values.
fn record_round_trip(c: Cmsg<'_>, abi: &Abi) {
    let r = match Record::decode(c, abi) {
        Ok(r) => r,
        Err(e) => return show(e),
    };
    debug(&r);
    if let Record::OptStats(attrs) = &r {
        opt_stats_with(attrs.remaining(), abi.endian);
        // The same bytes read as J1939 statistics: a typed value or an error, no panic.
        debug(errq_codec::j1939::J1939Stats::decode(attrs.clone()));
    }
    if let Record::Ipv6ExtHeader(h) = &r {
        // The lenient header-chain view: bounded by the record, every header inside it.
        bounded(
            h.headers(),
            h.bytes().len() / 8 + 2,
            "ExtHeaderRecord::headers",
            |x| {
                if let Ok(x) = x {
                    debug((x.kind(), x.next_header(), x.bytes().len()));
                }
            },
        );
        debug(h.header());
    }
    let mut buf = vec![0u8; abi.cmsg_space(c.data.len()) + 64];
    let mut w = CmsgWriter::new(&mut buf, *abi);
    r.encode(&mut w).expect("a decoded record encodes");
    let mut again = Cmsgs::new(w.as_bytes(), *abi);
    let c2 = again
        .next()
        .expect("one record")
        .expect("an encoded record walks");
    assert!(again.next().is_none(), "encode wrote one record");
    let r2 = Record::decode(c2, abi).expect("an encoded record decodes");
    match (&r, &r2) {
        // A raw record remembers where it was; the copy is at offset 0.
        (Record::Other(a), Record::Other(b)) => {
            assert_eq!(
                (a.level, a.kind, a.len, a.data),
                (b.level, b.kind, b.len, b.data)
            );
        }
        _ => assert_eq!(r, r2, "record round trip ({})", abi.name),
    }
}

// ---------------------------------------------------------------------------------------
// The extended error.

/// Target `extended_err`: `data` is the data of an error cmsg (`sock_extended_err` and the
/// offender), decoded little- and big-endian.
pub fn extended_err(data: &[u8]) {
    for abi in [&Abi::X86_64, &Abi::S390X, &Abi::MIPS, &Abi::SPARC64] {
        extended_err_with(data, abi);
    }
}

fn extended_err_with(data: &[u8], abi: &Abi) {
    let e = match ExtendedError::decode(data, abi) {
        Ok(e) => e,
        Err(err) => {
            assert!(data.len() < 16, "a 16-byte sock_extended_err must decode");
            return show(err);
        }
    };
    assert_eq!(e.offender_bytes, &data[16..]);
    let mut out = [0u8; 16];
    assert_eq!(e.ee.encode(abi.endian, &mut out), Ok(16));
    assert_eq!(
        out,
        data[..16],
        "sock_extended_err re-encodes to the same bytes"
    );
    let r = e.ee.rfc4884();
    debug((r, r.invalid(), e.ee.origin.name(), e.ee.errno.name()));
    debug(e.ee.errno.description());
    show(e.ee.origin);
    show(e.ee.errno);
    let m = Meaning::of(&e.ee);
    show(m);
    debug((m.errno(), m.mtu()));
    match &m {
        Meaning::Icmp(i) => debug((i.mtu(), i.pointer(), i.is_fatal())),
        Meaning::Icmp6(i) => debug((i.mtu(), i.pointer(), i.is_fatal())),
        Meaning::Local(l) => debug(l.mtu()),
        Meaning::Zerocopy(z) => debug((z.count(), z.contains(0), z.contains(u32::MAX))),
        Meaning::TxTime(t) => debug((t.missed(), t.invalid_param())),
        _ => {}
    }
    let checked = e.offender_checked();
    assert_eq!(e.offender(), checked.ok().flatten());
    sockaddr_round_trip(e.offender_bytes, abi.endian, checked);
}

/// A decoded `sockaddr` encodes back to the bytes it was read from (all but the zero
/// padding of a `sockaddr_in`).
fn sockaddr_round_trip(
    bytes: &[u8],
    endian: Endian,
    decoded: Result<Option<core::net::SocketAddr>, Error>,
) {
    match decoded {
        Err(e) => show(e),
        Ok(None) => {}
        Ok(Some(a)) => {
            show(a);
            let mut out = [0u8; 28];
            let n = addr::encode(&a, endian, &mut out).expect("28 bytes hold any sockaddr");
            assert_eq!(n, addr::encoded_len(&a));
            let significant = if a.is_ipv4() { 8 } else { 28 };
            assert_eq!(
                out[..significant],
                bytes[..significant],
                "sockaddr round trip"
            );
            debug(addr::unmap(a));
        }
    }
}

// ---------------------------------------------------------------------------------------
// The whole message view.

/// Target `message`: byte 0 picks the ABI preset, bytes 1..5 are `msg_flags` (little
/// endian), byte 5 the name length, bytes 6..8 the control length (little endian); then the
/// name, the control bytes and the payload (the rest).
pub fn message(data: &[u8]) {
    let Some((&preset, rest)) = data.split_first() else {
        return;
    };
    message_with(
        &Abi::PRESETS[usize::from(preset) % Abi::PRESETS.len()],
        rest,
    );
}

/// The checks of target `message` for `abi`; `data` is `[msg_flags (4, LE), name len,
/// control len (2, LE)]` + name + control + payload.
fn message_with(abi: &Abi, data: &[u8]) {
    let Some((head, rest)) = data.split_first_chunk::<7>() else {
        return;
    };
    let flags = i32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    let (name, rest) = rest.split_at(usize::from(head[4]).min(rest.len()));
    let control_len = usize::from(u16::from_le_bytes([head[5], head[6]]));
    let (control, payload) = rest.split_at(control_len.min(rest.len()));
    let m = Message::decode_with(abi, control, flags, name, payload);
    assert_eq!(m.abi(), abi);
    assert_eq!(
        (m.control(), m.name(), m.payload()),
        (control, name, payload)
    );
    assert_eq!(m.flags(), flags);
    debug((m.control_truncated(), m.payload_truncated()));
    show(&m);
    debug(&m);
    debug(m.companions());
    debug((m.error_level(), m.timestamping(), m.icmp_ttl()));
    if let Some(p) = m.problem() {
        show(p);
    }
    match (m.error(), m.meaning()) {
        (Some(e), Some(meaning)) => {
            // Meaning::at sees the extended error and its level only; the message adds the
            // timestamps (and a J1939 report's statistics).
            let level = m.error_level().expect("an error has a level");
            let mut expect = Meaning::at(level, &e.ee);
            match (&mut expect, &meaning) {
                (Meaning::Timestamp(t), _) => t.timestamps = m.timestamping(),
                (Meaning::J1939(j), Meaning::J1939(got)) => {
                    j.timestamps = m.timestamping();
                    j.stats = got.stats;
                }
                _ => {}
            }
            assert_eq!(meaning, expect);
            assert_eq!(m.offender(), e.offender());
            assert!(m.error_level().is_some());
            show(meaning);
        }
        (None, None) => assert_eq!(m.offender(), None),
        _ => panic!("error() and meaning() disagree"),
    }
    if let Some(d) = m.destination() {
        sockaddr_round_trip(name, abi.endian, Ok(Some(d)));
    }
    let bound = control.len() / abi.cmsg_header_len() + 1;
    let mut first_err = None;
    bounded(m.records(), bound, "Message::records", |r| {
        if let Err(e) = r {
            first_err.get_or_insert(e);
        }
    });
    // problem() is the first record error, or else the offender's.
    match first_err {
        Some(e) => assert_eq!(Some(e), m.problem(), "problem() is the first record error"),
        None => assert!(
            matches!(
                m.problem(),
                None | Some(
                    Error::Truncated {
                        what: errq_codec::Structure::Offender,
                        ..
                    } | Error::Malformed {
                        what: errq_codec::Structure::Offender,
                        ..
                    }
                )
            ),
            "problem() without a record error is the offender's"
        ),
    }
    bounded(m.problems(), bound + 1, "Message::problems", debug);
    // The accessors of the rarer companions agree with the walk of companions().
    let all = m.companions();
    assert_eq!(m.tclass(), all.tclass);
    assert_eq!(m.pktinfo6(), all.pktinfo6);
    assert_eq!(
        m.opt_stats().map(|s| s.attrs().remaining()),
        all.opt_stats.as_ref().map(NlAttrs::remaining)
    );
    // The payload, as chosen and as each kind: a value or a typed error, no panic; the
    // chosen kind always applies.
    let kind = m.payload_kind(None);
    assert!(m.quoted(kind).is_ok() || m.read_payload(None).is_err());
    debug((m.read_payload(None), m.probe_auto(None)));
    for k in [
        PayloadKind::Udp,
        PayloadKind::Tcp,
        PayloadKind::RawIp,
        PayloadKind::TxTimestamp,
        PayloadKind::OptStats,
        PayloadKind::Frame,
    ] {
        debug((m.payload_kind(Some(k)), m.quoted(k)));
    }
}

// ---------------------------------------------------------------------------------------
// ICMP, the quoted IP packet and its transport header.

/// Target `icmpv4`: `data` is an ICMPv4 message from its header on.
pub fn icmpv4(data: &[u8]) {
    match Icmpv4Packet::new(data) {
        Err(e) => {
            assert!(data.len() < 8);
            show(e);
        }
        Ok(p) => icmpv4_packet(&p, data),
    }
    for mode in MODES {
        match IcmpErrorPacket::from_icmpv4(data, mode) {
            Ok(p) => error_packet(&p, mode),
            Err(e) => show(e),
        }
    }
}

fn icmpv4_packet(p: &Icmpv4Packet<'_>, data: &[u8]) {
    assert_eq!(p.bytes(), data);
    assert_eq!(p.data(), &data[8..]);
    show(p.msg_type());
    show(p.code());
    debug((p.msg_type().name(), p.msg_type().is_error()));
    debug(p.msg_type().code_name(p.code()));
    debug((p.checksum(), p.compute_checksum(), p.checksum_valid()));
    debug((p.rest(), p.echo_ident(), p.echo_seq(), p.next_hop_mtu()));
    debug((p.pointer(), p.gateway(), p.rfc4884_length()));
    let repr = Icmpv4Repr::parse(p);
    let mut out = vec![0u8; repr.buffer_len()];
    assert_eq!(repr.encode(&mut out), Ok(data.len()));
    // Type, code and data are the same bytes; the rest of the header as the repr spells it
    // (bits a type leaves unused are dropped); the checksum is recomputed.
    assert_eq!(out[..2], data[..2]);
    assert_eq!(out[4..8], repr.rest.to_bytes());
    assert_eq!(out[8..], data[8..]);
    let again = Icmpv4Packet::new(&out).expect("an emitted message parses");
    assert!(again.checksum_valid(), "emitted checksum verifies");
    assert_eq!(Icmpv4Repr::parse(&again), repr);
    if p.rest_of_header() == repr.rest.to_bytes() && p.checksum() == again.checksum() {
        assert_eq!(out, data);
    }
}

/// Target `icmpv6`: `data` is an ICMPv6 message from its header on.
pub fn icmpv6(data: &[u8]) {
    match Icmpv6Packet::new(data) {
        Err(e) => {
            assert!(data.len() < 8);
            show(e);
        }
        Ok(p) => icmpv6_packet(&p, data),
    }
    for mode in MODES {
        match IcmpErrorPacket::from_icmpv6(data, mode) {
            Ok(p) => error_packet(&p, mode),
            Err(e) => show(e),
        }
    }
}

fn icmpv6_packet(p: &Icmpv6Packet<'_>, data: &[u8]) {
    let src = core::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 2);
    let dst = core::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);
    assert_eq!(p.bytes(), data);
    assert_eq!(p.data(), &data[8..]);
    show(p.msg_type());
    show(p.code());
    debug((p.msg_type().name(), p.msg_type().is_error()));
    debug(p.msg_type().code_name(p.code()));
    debug((
        p.checksum(),
        p.compute_checksum(src, dst),
        p.checksum_valid(src, dst),
    ));
    debug((p.rest(), p.echo_ident(), p.echo_seq(), p.mtu()));
    debug((p.pointer(), p.rfc4884_length(), p.rest_of_header()));
    let repr = Icmpv6Repr::parse(p);
    let mut out = vec![0u8; repr.buffer_len()];
    assert_eq!(repr.encode(&mut out), Ok(data.len()));
    assert_eq!(out[..2], data[..2]);
    assert_eq!(
        out[2..4],
        [0, 0],
        "encode leaves the checksum to the kernel"
    );
    assert_eq!(out[4..8], repr.rest.to_bytes());
    assert_eq!(out[8..], data[8..]);
    assert_eq!(
        Icmpv6Repr::parse(&Icmpv6Packet::new(&out).expect("parses")),
        repr
    );
    assert_eq!(
        repr.encode_with_checksum(src, dst, &mut out),
        Ok(data.len())
    );
    let again = Icmpv6Packet::new(&out).expect("an emitted message parses");
    assert!(again.checksum_valid(src, dst), "emitted checksum verifies");
    assert_eq!(Icmpv6Repr::parse(&again), repr);
}

fn error_packet(p: &IcmpErrorPacket<'_>, mode: ExtensionMode) {
    debug(p);
    debug((p.outer_ip().is_some(), p.sender()));
    if let Some(outer) = p.outer_ip() {
        quoted_ip(&outer);
    }
    let icmp = p.icmp();
    debug((
        icmp.type_byte(),
        icmp.code_byte(),
        icmp.type_name(),
        icmp.code_name(),
    ));
    debug((icmp.rest_of_header(), icmp.rfc4884_length_bytes()));
    match icmp {
        IcmpHeader::V4(h) => assert!(h.msg_type().is_error()),
        IcmpHeader::V6(h) => assert!(h.msg_type().is_error()),
    }
    let data = icmp.data();
    let original = p.original_datagram();
    assert!(
        data.starts_with(original),
        "the original datagram starts the data"
    );
    assert_eq!(p.quoted().bytes(), original);
    quoted_ip(&p.quoted());
    transport(&p.transport());
    match (p.extension(), p.extension_offset()) {
        (None, None) => assert_eq!(original.len(), data.len()),
        (Some(ext), Some(off)) => {
            assert_ne!(mode, ExtensionMode::Ignore);
            // A length field below 128, which the kernel's `ip_icmp_error_rfc4884` ignores,
            // is reported as an error and leaves the quote whole; any other cuts it there.
            let ignored = off < errq_codec::ext::COMPAT_OFFSET;
            assert_eq!(original.len(), if ignored { data.len() } else { off });
            match ext {
                Ok(ext) => {
                    assert!(!ignored, "an extension below 128 bytes of quote");
                    assert_eq!(ext.bytes(), &data[off..]);
                    extension_view(&ext);
                }
                Err(e) => show(e),
            }
        }
        _ => panic!("extension() and extension_offset() disagree"),
    }
}

/// Target `ip_packet`: `data` is an IP packet: the quoted-IP view and the whole ICMP error
/// from its outer IP header.
pub fn ip_packet(data: &[u8]) {
    match QuotedIp::new(data) {
        Ok(q) => quoted_ip(&q),
        Err(e) => show(e),
    }
    for mode in MODES {
        match IcmpErrorPacket::from_ip(data, mode) {
            Ok(p) => error_packet(&p, mode),
            Err(e) => show(e),
        }
    }
}

fn quoted_ip(q: &QuotedIp<'_>) {
    debug((q.src(), q.dst(), q.hop_limit()));
    transport(&q.transport());
    match q {
        QuotedIp::V4(h) => ipv4_header(h),
        QuotedIp::V6(h) => ipv6_header(h),
    }
}

fn ipv4_header(h: &Ipv4Header<'_>) {
    let bytes = h.bytes();
    let hl = h.header_len();
    assert_eq!(h.version(), 4);
    assert_eq!(h.header_bytes(), &bytes[..hl]);
    assert_eq!(h.options(), &bytes[20..hl]);
    assert_eq!(h.payload().as_ptr(), bytes[hl..].as_ptr());
    debug((
        h.tos(),
        h.dscp(),
        h.ecn(),
        h.total_len(),
        h.ident(),
        h.ttl(),
    ));
    debug((
        h.dont_fragment(),
        h.more_fragments(),
        h.frag_offset(),
        h.protocol(),
    ));
    debug((
        h.checksum(),
        h.checksum_valid(),
        h.src(),
        h.dst(),
        h.missing(),
    ));
    show(h.protocol());
    transport(&h.transport());
    let repr = Ipv4Repr::parse(h);
    let mut out = vec![0u8; repr.header_len()];
    assert_eq!(repr.encode(&mut out), Ok(hl));
    let again = Ipv4Header::new(&out).expect("an emitted header parses");
    assert!(again.checksum_valid());
    assert_eq!(Ipv4Repr::parse(&again), repr);
    // The same bytes but the checksum and the reserved flag bit.
    let mut expect = bytes[..hl].to_vec();
    expect[6] &= 0x7f;
    expect[10..12].copy_from_slice(&out[10..12]);
    assert_eq!(out, expect, "IPv4 header round trip");
}

fn ipv6_header(h: &Ipv6Header<'_>) {
    let bytes = h.bytes();
    assert_eq!(h.version(), 6);
    debug((
        h.traffic_class(),
        h.flow_label(),
        h.payload_len(),
        h.next_header(),
    ));
    debug((h.hop_limit(), h.src(), h.dst(), h.missing()));
    let rest = &bytes[40..];
    match usize::from(h.payload_len()) {
        0 => assert_eq!(h.payload(), rest),
        len => assert_eq!(h.payload(), &rest[..len.min(rest.len())]),
    }
    let mut headers = h.extension_headers();
    let bound = h.payload().len() / 8 + 1;
    let mut check = err_is_last("Ipv6ExtensionHeaders");
    bounded(&mut headers, bound, "Ipv6ExtensionHeaders", |x| {
        check(&x);
        if let Ok(x) = x {
            debug((x.kind(), x.next_header(), x.bytes().len()));
            debug((x.fragment_offset(), x.more_fragments(), x.fragment_ident()));
        }
    });
    debug((headers.next_header(), headers.remainder().len()));
    transport(&h.transport());
    let repr = Ipv6Repr::parse(h);
    let mut out = [0u8; 40];
    assert_eq!(repr.encode(&mut out), Ok(40));
    assert_eq!(out, bytes[..40], "IPv6 header round trip");
}

fn transport(t: &Transport<'_>) {
    debug(t);
    show(t.protocol());
    debug((t.ports(), t.echo(), t.bytes().len()));
    match t {
        Transport::Udp(u, _) => {
            debug((
                u.src_port(),
                u.dst_port(),
                u.ports(),
                u.length(),
                u.checksum(),
            ));
            debug((u.is_complete(), u.payload().len(), u.bytes().len()));
        }
        Transport::Tcp(tcp) => {
            debug((
                tcp.src_port(),
                tcp.dst_port(),
                tcp.ports(),
                tcp.seq_number(),
            ));
            debug((
                tcp.ack_number(),
                tcp.header_len(),
                tcp.flags(),
                tcp.window(),
            ));
        }
        Transport::Icmp(i) => {
            debug((i.is_v6(), i.msg_type(), i.code(), i.checksum(), i.is_echo()));
            debug((
                i.echo_ident(),
                i.echo_seq(),
                i.rest_of_header(),
                i.data().len(),
            ));
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// The error-queue payload and RFC 4884.

/// Target `payload`: bytes 0..2 are `ee_rfc4884.len` (little endian), byte 2 the bytes the
/// kernel stripped (for the pre-RFC 4884 fallback); the rest is the payload, interpreted for
/// every socket kind.
pub fn payload(data: &[u8]) {
    let Some((head, bytes)) = data.split_first_chunk::<3>() else {
        return;
    };
    let kinds = [
        PayloadKind::Udp,
        PayloadKind::Icmp { v6: false },
        PayloadKind::Icmp { v6: true },
        PayloadKind::RawIp,
        PayloadKind::Tcp,
        PayloadKind::TxTimestamp,
    ];
    for kind in kinds {
        match Payload::parse(bytes, kind) {
            Ok(p) => payload_view(&p),
            Err(e) => show(e),
        }
    }
    let len = u16::from_le_bytes([head[0], head[1]]);
    let (original, ext) = split_rfc4884(bytes, len);
    assert!(bytes.starts_with(original));
    match ext {
        None => assert_eq!((len, original), (0, bytes)),
        Some(Ok(ext)) => {
            assert_eq!(original.len(), usize::from(len));
            assert_eq!(ext.bytes(), &bytes[original.len()..]);
            extension_view(&ext);
        }
        Some(Err(e)) => show(e),
    }
    let stripped = usize::from(head[2]);
    if let Some((original, ext)) = find_compat_extension(bytes, stripped) {
        assert_eq!(original.len(), 128 - stripped);
        assert_eq!(ext.checksum_status(), ExtensionChecksum::Valid);
        assert_eq!(ext.bytes(), &bytes[original.len()..]);
        extension_view(&ext);
    }
}

fn payload_view(p: &Payload<'_>) {
    debug(p);
    debug((p.ports(), p.echo(), p.data().map(<[u8]>::len)));
    assert_eq!(p.echo_ident(), p.echo().map(|e| e.0));
    assert_eq!(p.echo_seq(), p.echo().map(|e| e.1));
    if let Some(q) = p.ip() {
        quoted_ip(&q);
    }
    match p {
        Payload::Icmp(i) => transport(&Transport::Icmp(*i)),
        Payload::Tcp(t) => transport(&Transport::Tcp(*t)),
        Payload::Link(l) => {
            debug(l.header.is_loopback());
            match l.ip() {
                Some(Ok(q)) => quoted_ip(&q),
                Some(Err(e)) => show(e),
                None => {}
            }
        }
        _ => {}
    }
}

/// Target `rfc4884`: `data` is an RFC 4884 extension structure, from its header to the end.
pub fn rfc4884(data: &[u8]) {
    match Extension::new(data) {
        Ok(ext) => {
            assert_eq!(ext.bytes(), data);
            extension_view(&ext);
        }
        Err(e) => {
            assert!(
                data.len() < 4 || data[0] >> 4 != 2,
                "a version-2 header must parse"
            );
            show(e);
        }
    }
}

fn extension_view(ext: &Extension<'_>) {
    let data = ext.bytes();
    assert_eq!(ext.version(), 2);
    debug((ext.reserved(), ext.checksum()));
    let status = ext.checksum_status();
    match status {
        ExtensionChecksum::Absent => assert_eq!(ext.checksum(), 0),
        ExtensionChecksum::Invalid { stored, .. } => assert_eq!(stored, ext.checksum()),
        ExtensionChecksum::Valid => {}
    }
    let mut objects: Vec<ExtensionObject<'_>> = Vec::new();
    let mut failed = false;
    let mut check = err_is_last("ExtensionObjects");
    bounded(ext.objects(), data.len() / 4 + 1, "ExtensionObjects", |o| {
        check(&o);
        match o {
            Ok(o) => {
                extension_object(&o);
                objects.push(o);
            }
            Err(_) => failed = true,
        }
    });
    assert_eq!(
        ext.is_valid(),
        !failed && !matches!(status, ExtensionChecksum::Invalid { .. })
    );
    // Re-emit the objects: the same bytes as the input's, object by object.
    let reprs: Vec<ObjectRepr<'_>> = objects
        .iter()
        .map(|o| ObjectRepr {
            class: o.class(),
            c_type: o.c_type(),
            payload: o.payload(),
        })
        .collect();
    let mut out = vec![0u8; data.len()];
    let n = encode_extension(&reprs, true, &mut out).expect("the objects fit where they were");
    assert_eq!(
        out[4..n],
        data[4..n],
        "extension objects re-encode to the same bytes"
    );
    assert_eq!(out[0] >> 4, 2);
    let again = Extension::new(&out[..n]).expect("an emitted extension parses");
    assert!(again.is_valid(), "an emitted extension verifies");
    assert_eq!(again.objects().count(), objects.len());
}

fn extension_object(o: &ExtensionObject<'_>) {
    assert_eq!(usize::from(o.length()), o.payload().len() + 4);
    show(o.class());
    debug((o.class().name(), o.c_type()));
    let decoded = match o.decode() {
        Ok(d) => d,
        Err(e) => return show(e),
    };
    debug(decoded);
    match decoded {
        ObjectData::MplsLabelStack(stack) => {
            let payload = o.payload();
            assert_eq!(stack.len() * 4, payload.len());
            assert_eq!(stack.is_empty(), payload.is_empty());
            let mut i = 0;
            bounded(stack.entries(), stack.len(), "MplsLabels", |label| {
                let chunk: [u8; 4] = payload[i * 4..i * 4 + 4].try_into().expect("4 bytes");
                assert_eq!(label.to_bytes(), chunk, "MPLS entry round trip");
                assert_eq!(MplsLabel::from_bytes(chunk), label);
                i += 1;
            });
            assert_eq!(i, stack.len());
        }
        ObjectData::InterfaceInformation(info) => {
            debug(info.name_str());
            let repr = InterfaceInformationRepr {
                role: info.role,
                if_index: info.if_index,
                address: info.address,
                name: info.name,
                mtu: info.mtu,
            };
            let mut out = vec![0u8; repr.payload_len()];
            match repr.encode(&mut out) {
                Ok(n) => {
                    let again = InterfaceInformation::new(repr.c_type(), &out[..n])
                        .expect("an emitted interface information object decodes");
                    assert_eq!(again, info, "interface information round trip");
                }
                // A name too long for its length byte cannot be written back.
                Err(e) => show(e),
            }
        }
        ObjectData::InterfaceIdent(ident) => debug(ident.ip()),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// SCM_TIMESTAMPING_OPT_STATS.

/// Target `opt_stats`: `data` is the data of an `SCM_TIMESTAMPING_OPT_STATS` record, walked
/// little- and big-endian.
pub fn opt_stats(data: &[u8]) {
    opt_stats_with(data, Endian::Little);
    opt_stats_with(data, Endian::Big);
}

fn opt_stats_with(data: &[u8], endian: Endian) {
    let mut it = NlAttrs::new(data, endian);
    let mut out = vec![0u8; data.len() + 4];
    let mut check = err_is_last("NlAttrs");
    // Each attribute takes at least 4 bytes; then one error and the end.
    for _ in 0..data.len() / 4 + 2 {
        let at = data.len() - it.remaining().len();
        let Some(item) = it.next() else {
            assert!(it.next().is_none(), "NlAttrs: yielded after None");
            return;
        };
        check(&item);
        let Ok(a) = item else { continue };
        show(a.kind);
        debug((a.kind.name(), a.nested, a.net_byteorder));
        assert_eq!(
            a.as_u64().is_some(),
            matches!(a.payload.len(), 1 | 2 | 4 | 8)
        );
        let mut kind = a.kind.0;
        if a.nested {
            kind |= 0x8000;
        }
        if a.net_byteorder {
            kind |= 0x4000;
        }
        let end = encode_attr(kind, a.payload, endian, &mut out, at).expect("fits where it was");
        let len = 4 + a.payload.len();
        assert!(end >= at + len);
        assert_eq!(out[at..at + len], data[at..at + len], "nlattr round trip");
    }
    panic!("NlAttrs: more items than the input has 4-byte headers");
}
