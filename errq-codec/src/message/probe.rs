//! [`Probe`]: a probe and the hop that answered it, and what a router appended to its
//! answer ([`Message::probe_extension`]).

use core::net::{IpAddr, SocketAddr};

use super::Message;
use crate::ee::Origin;
use crate::error::Error;
use crate::ext::{locate, Extension, ExtensionAt};
use crate::payload::PayloadKind;

/// A probe and the hop that answered it, as [`Message::probe`] finds them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Probe<'a> {
    /// The probe's destination address and port (`msg_name`).
    pub destination: Option<SocketAddr>,
    /// The hop that sent the ICMP error (the offender, v4-mapped addresses unmapped).
    pub hop: Option<IpAddr>,
    /// The TTL or hop limit the ICMP error arrived with (`IP_TTL` / `IPV6_HOPLIMIT`), for
    /// path asymmetry.
    pub icmp_ttl: Option<i32>,
    /// Source and destination ports quoted in the payload (TCP, raw IP).
    pub ports: Option<(u16, u16)>,
    /// Echo identifier and sequence number quoted in the payload (ping and raw ICMP
    /// sockets).
    pub echo: Option<(u16, u16)>,
    /// The probe's application data as quoted (UDP payload, data after the echo header).
    pub data: Option<&'a [u8]>,
}

impl Probe<'_> {
    /// How many hops the answer travelled back, guessed from [`Probe::icmp_ttl`] the way
    /// iputils `tracepath` and `traceroute` guess it: the sender is assumed to have started
    /// at the nearest common initial TTL at or above what arrived (64, 128 or 255), so a TTL
    /// of `t` is `65 - t`, `129 - t` or `256 - t` hops. `None` without a TTL (the socket did
    /// not ask for `IP_RECVTTL` / `IPV6_RECVHOPLIMIT`) or outside 0..=255.
    ///
    /// A hop whose answers need more hops back than the probe needed to reach it (the
    /// probe's TTL) shows an asymmetric path (`tracepath`'s `asymm N`).
    ///
    /// ```
    /// use errq_codec::message::Probe;
    ///
    /// // A Linux router (initial TTL 64) three hops away: its answer arrives with TTL 62 (each
    /// // router on the way back takes one). A router starting at 255, five hops away: 251.
    /// let probe = |ttl| Probe { icmp_ttl: Some(ttl), ..Probe::default() };
    /// assert_eq!(probe(62).hops_back(), Some(3));
    /// assert_eq!(probe(251).hops_back(), Some(5));
    /// assert_eq!(Probe::default().hops_back(), None);
    /// ```
    #[must_use]
    pub const fn hops_back(&self) -> Option<i32> {
        match self.icmp_ttl {
            Some(t @ 0..=64) => Some(65_i32.saturating_sub(t)),
            Some(t @ 65..=128) => Some(129_i32.saturating_sub(t)),
            Some(t @ 129..=255) => Some(256_i32.saturating_sub(t)),
            _ => None,
        }
    }
}

impl<'a> Message<'a> {
    /// The RFC 4884 extension structure (MPLS label stack, interface information) a router
    /// appended to its answer to a probe, the payload read as `kind`: where the kernel
    /// located it ([`Message::extension`]), or else, for an ICMPv4 error the kernel reported
    /// none in, where routers that predate RFC 4884 put it (128 bytes after the ICMP header,
    /// RFC 4884 section 5: [`ExtensionAt::Compat`]) if a structure whose checksum verifies
    /// is there.
    ///
    /// For that offset the bytes of the quote the kernel removed before the payload are
    /// counted from `kind`, with a 20-byte IPv4 header (a probe without IP options): for UDP
    /// 28, for a ping socket or TCP 20, for a raw `IP_HDRINCL` socket 0. Other kinds, and
    /// ICMPv6 errors (RFC 4884 section 5 is about ICMPv4 routers), get the kernel's answer
    /// only.
    ///
    /// ```
    /// use errq_codec::abi::Abi;
    /// use errq_codec::ext::ObjectData;
    /// use errq_codec::message::Message;
    /// use errq_codec::payload::PayloadKind;
    ///
    /// // A real x86_64 capture (udp4_rfc4884_nolen): a time exceeded from 198.18.1.2 as a router
    /// // that predates RFC 4884 sends it, length field 0 and the extension at offset 128; the
    /// // socket set IP_RECVERR_RFC4884 and the kernel reported ee_rfc4884.len 0.
    /// let control = [
    ///     48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, // SOL_IP, IP_RECVERR
    ///     113, 0, 0, 0, 2, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // EHOSTUNREACH, ICMP, type 11
    ///     2, 0, 0, 0, 198, 18, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, // offender 198.18.1.2
    /// ];
    /// let name = [2, 0, 0x84, 0xcf, 198, 18, 52, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    /// let mut payload: Vec<u8> = (0..100).collect(); // the probe's UDP data as quoted
    /// payload.extend_from_slice(&[
    ///     0x20, 0x00, 0xc0, 0xc8, // extension header: version 2, checksum
    ///     0x00, 0x0c, 0x01, 0x01, 0x03, 0xe8, 0x10, 0x01, 0x05, 0xdc, 0x5b, 0x01, // MPLS, 2 labels
    ///     0x00, 0x1c, 0x02, 0x0f, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00, // interface info
    ///     0xc6, 0x12, 0x01, 0x02, 0x08, 0x65, 0x74, 0x68, 0x2d, 0x72, 0x30, 0x00, 0x00, 0x00, 0x05, 0xdc,
    /// ]);
    /// let m = Message::decode_with(&Abi::X86_64, &control, 0x2000, &name, &payload);
    /// assert!(m.extension().is_none()); // the kernel's answer
    /// let ext = m.probe_extension(PayloadKind::Udp).unwrap()?;
    /// let Ok(ObjectData::MplsLabelStack(stack)) = ext.objects().next().unwrap()?.decode() else { panic!() };
    /// assert_eq!(stack.entries().map(|l| l.label).collect::<Vec<_>>(), [16001, 24005]);
    /// # Ok::<(), errq_codec::Error>(())
    /// ```
    #[must_use]
    pub fn probe_extension(&self, kind: PayloadKind) -> Option<Result<Extension<'a>, Error>> {
        if let Some(reported) = self.extension() {
            return Some(reported);
        }
        if self.error()?.ee.origin != Origin::ICMP {
            return None;
        }
        let stripped = match kind {
            PayloadKind::Udp => 28,
            PayloadKind::Icmp { .. } | PayloadKind::Tcp => 20,
            PayloadKind::RawIp => 0,
            _ => return None,
        };
        locate(self.payload(), ExtensionAt::Compat { stripped }).extension()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::Abi;

    fn hex(s: &str) -> std::vec::Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The error record of the captures below: EHOSTUNREACH, origin ICMP, type 11, with
    /// `ee_rfc4884.len` as given, offender 198.18.1.2 (x86_64).
    fn control(len: u8) -> std::vec::Vec<u8> {
        let mut c = hex("3000000000000000000000000b00000071000000020b0000000000000000000002000000c61201020000000000000000");
        c[28] = len;
        c
    }

    /// The payload of captures udp4_rfc4884 and udp4_rfc4884_nolen (the same bytes: 100
    /// bytes of UDP data as quoted, then the router's extension).
    fn payload() -> std::vec::Vec<u8> {
        hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162632000c0c8000c010103e8100105dc5b01001c020f0000000700010000c6120102086574682d723000000005dc")
    }

    const NAME: [u8; 16] = [2, 0, 0x84, 0xcf, 198, 18, 52, 1, 0, 0, 0, 0, 0, 0, 0, 0];

    #[test]
    fn probe_extension_reported_and_compat() {
        let p = payload();
        // Capture udp4_rfc4884: the kernel reported len 100.
        let c = control(100);
        let m = Message::decode_with(&Abi::X86_64, &c, 0x2000, &NAME, &p);
        assert_eq!(m.probe_extension(PayloadKind::Udp), m.extension());
        assert_eq!(
            m.probe_extension(PayloadKind::Udp)
                .unwrap()
                .unwrap()
                .bytes(),
            &p[100..]
        );
        // Capture udp4_rfc4884_nolen: len 0; found at 128 - 28 for UDP only.
        let c = control(0);
        let m = Message::decode_with(&Abi::X86_64, &c, 0x2000, &NAME, &p);
        assert_eq!(m.extension(), None);
        let ext = m.probe_extension(PayloadKind::Udp).unwrap().unwrap();
        assert_eq!(ext.bytes(), &p[100..]);
        assert_eq!(ext.objects().count(), 2);
        // Read as a ping socket's payload the offset is 108: nothing verifies there.
        assert_eq!(m.probe_extension(PayloadKind::Icmp { v6: false }), None);
        assert_eq!(m.probe_extension(PayloadKind::Frame), None);
        // The same bytes under an ICMPv6 error: the kernel's answer only.
        let mut c6 = control(0);
        c6[20] = 3;
        let m = Message::decode_with(&Abi::X86_64, &c6, 0x2000, &NAME, &p);
        assert_eq!(m.probe_extension(PayloadKind::Udp), None);
    }

    #[test]
    fn hops_back_of_a_real_capture() {
        // Capture udp4_ttl_exceeded (x86_64): R, one hop from A, answered a TTL-1 probe;
        // IP_RECVTTL says its time exceeded arrived with TTL 64.
        let c = hex("1c0000000000000000000000080000000200000000000000c61201010000000014000000000000000000000002000000400000000000000011000000000000000000000001000000c0000000000000003000000000000000000000000b00000071000000020b0000000000000000000002000000c61201020000000000000000");
        let name = hex("0200829ac61202020000000000000000");
        let m = Message::decode_with(&Abi::X86_64, &c, 0x2000, &name, &[0; 32]);
        let probe = m.probe(PayloadKind::Udp);
        assert_eq!(probe.icmp_ttl, Some(64));
        assert_eq!(probe.hops_back(), Some(1));
    }
}
