//! ABIs chosen by the fuzz input: any preset, or a hand-made [`Abi`] with any value its
//! public fields allow (word and `time_t` widths, byte order, socket-level numbers, errno
//! numbering); and the two targets that take one. The widths are a closed type (4 or 8
//! bytes), so no impossible ABI can be built.

use errq_codec::abi::{Abi, Endian, SocketNumbers, Width};
use errq_codec::errno::ErrnoNumbering;

use super::{cmsgs_with, message_with};

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

/// A hand-made ABI: `flags` (the selector) bit 0 big-endian; bit 2 an 8-byte `word` (else
/// 4), bit 4 an 8-byte `time_t` (else 4); `spec[2]` picks the errno numbering;
/// `spec[3]` picks the socket numbers (the four real tables, or `spec[4..12]` as four
/// `i16`s: `SOL_SOCKET` and three timestamp types, the others derived from them).
fn hand_made(flags: u8, spec: &[u8; HAND_MADE_LEN]) -> Abi {
    let width = |eight: bool| if eight { Width::Eight } else { Width::Four };
    let word = width(flags & 4 != 0);
    let time_t = width(flags & 16 != 0);
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
/// walked with it.
pub fn abi_cmsgs(data: &[u8]) {
    let (abi, control) = choose_abi(data);
    cmsgs_with(control, &abi);
}

/// Target `abi_message`: an ABI chosen by the input ([`choose_abi`]: any preset or any
/// hand-made one), then the input of target `message` without
/// its ABI byte.
pub fn abi_message(data: &[u8]) {
    let (abi, rest) = choose_abi(data);
    message_with(&abi, rest);
}
