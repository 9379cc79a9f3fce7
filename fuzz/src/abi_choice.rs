//! ABIs chosen by the fuzz input: any preset, or a hand-made [`Abi`] with any value its
//! public fields allow (word and `time_t` widths, byte order, socket-level numbers, errno
//! numbering), the impossible ones included; and the two targets that take one.

use errq_codec::abi::{Abi, Endian, SocketNumbers};
use errq_codec::cmsg::{CmsgWriter, Cmsgs};
use errq_codec::errno::ErrnoNumbering;
use errq_codec::error::Error;
use errq_codec::record::{Record, Records};

use super::{bounded, cmsgs_with, debug, err_is_last, message_with, show};

/// Bytes a hand-made ABI takes after its selector byte.
const HAND_MADE_LEN: usize = 12;

/// Take an ABI from the front of `data`: a selector byte below 0x80 picks
/// `Abi::PRESETS[selector % len]`; from 0x80 up the next [`HAND_MADE_LEN`] bytes describe a
/// hand-made one (see [`hand_made`]). Returns the ABI and the rest of the input.
pub fn choose_abi(data: &[u8]) -> (Abi, &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return (Abi::NATIVE, data);
    };
    if selector < 0x80 {
        let presets = Abi::PRESETS;
        return (presets[usize::from(selector) % presets.len()], rest);
    }
    match rest.split_first_chunk::<HAND_MADE_LEN>() {
        Some((spec, rest)) => (hand_made(selector, spec), rest),
        None => (Abi::NATIVE, rest),
    }
}

/// A hand-made ABI: `flags` (the selector) bit 0 big-endian; bit 1 takes `word` from
/// `spec[0]` as is (any of 0..=255, 255 meaning `usize::MAX`), else 4 or 8 by bit 2; bits
/// 3 and 4 do the same for `time_t` from `spec[1]`; `spec[2]` picks the errno numbering;
/// `spec[3]` picks the socket numbers (the four real tables, or `spec[4..12]` as four
/// `i16`s: `SOL_SOCKET` and three timestamp types, the others derived from them).
fn hand_made(flags: u8, spec: &[u8; HAND_MADE_LEN]) -> Abi {
    let width = |raw: bool, byte: u8, eight: bool| match (raw, byte) {
        (true, 255) => usize::MAX,
        (true, b) => usize::from(b),
        (false, _) if eight => 8,
        (false, _) => 4,
    };
    let word = width(flags & 2 != 0, spec[0], flags & 4 != 0);
    let time_t = width(flags & 8 != 0, spec[1], flags & 16 != 0);
    let errno = match spec[2] % 5 {
        0 => ErrnoNumbering::Generic,
        1 => ErrnoNumbering::Mips,
        2 => ErrnoNumbering::Alpha,
        3 => ErrnoNumbering::Sparc,
        _ => ErrnoNumbering::Parisc,
    };
    let n = |i: usize| i32::from(i16::from_le_bytes([spec[4 + 2 * i], spec[5 + 2 * i]]));
    let socket = match spec[3] % 5 {
        0 => SocketNumbers::GENERIC,
        1 => SocketNumbers::MIPS_ALPHA,
        2 => SocketNumbers::SPARC,
        3 => SocketNumbers::PARISC,
        _ => SocketNumbers {
            sol_socket: n(0),
            timestamp_old: n(1),
            timestampns_old: n(1).wrapping_add(1),
            timestamping_old: n(2),
            timestamp_new: n(1).wrapping_add(2),
            timestampns_new: n(1).wrapping_add(3),
            timestamping_new: n(3),
            timestamping_opt_stats: n(2).wrapping_add(1),
            txtime: n(3).wrapping_add(1),
            ts_opt_id: n(3).wrapping_add(2),
            timestamping_pktinfo: n(2).wrapping_add(2),
        },
    };
    Abi {
        name: "hand-made",
        word,
        endian: if flags & 1 != 0 {
            Endian::Big
        } else {
            Endian::Little
        },
        socket,
        time_t,
        errno,
    }
}

/// Target `abi_cmsgs`: an ABI chosen by the input ([`choose_abi`]), then a control buffer
/// walked with it; an impossible ABI must be refused by the walk (for its word size) and by
/// every encoder.
pub fn abi_cmsgs(data: &[u8]) {
    let (abi, control) = choose_abi(data);
    match abi.validate() {
        Ok(()) => cmsgs_with(control, &abi),
        Err(v) => refused(control, &abi, v),
    }
}

fn refused(control: &[u8], abi: &Abi, v: Error) {
    let mut buf = [0u8; 64];
    let mut w = CmsgWriter::new(&mut buf, *abi);
    assert_eq!(w.push(0, 2, &[1, 2, 3, 4]), Err(v));
    assert!(!w.put_cmsg(0, 2, &[1, 2, 3, 4]));
    assert!(w.is_empty());
    if abi.word != 4 && abi.word != 8 {
        let walked: Vec<_> = Cmsgs::new(control, *abi).collect();
        assert_eq!(walked, [Err(v)]);
        let records: Vec<_> = Records::new(control, *abi).collect();
        assert_eq!(records, [Err(v)]);
        return;
    }
    // A possible word with an impossible `time_t`: the walk works, the old timestamp
    // records are refused, and no record can be written back.
    let bound = control.len() / abi.cmsg_header_len() + 1;
    let mut check = err_is_last("Cmsgs");
    bounded(Cmsgs::new(control, *abi), bound, "Cmsgs", |item| {
        check(&item);
        let Ok(c) = item else { return };
        match Record::decode(c, abi) {
            Ok(r) => {
                debug(&r);
                let mut out = [0u8; 512];
                let mut w = CmsgWriter::new(&mut out, *abi);
                assert_eq!(r.encode(&mut w), Err(v), "{r:?}");
            }
            Err(e) => show(e),
        }
    });
}

/// Target `abi_message`: an ABI chosen by the input ([`choose_abi`]: any preset or any
/// hand-made one, impossible ones included), then the input of target `message` without
/// its ABI byte.
pub fn abi_message(data: &[u8]) {
    let (abi, rest) = choose_abi(data);
    message_with(&abi, rest);
}
