//! Differential test: errq-codec's control-buffer walker against libc's
//! `CMSG_FIRSTHDR`/`CMSG_NXTHDR`/`CMSG_DATA` on many random and mutated buffers, native ABI.
//!
//! The buffers are built with libc's `CMSG_SPACE`/`CMSG_LEN` and `cmsghdr` (not with the
//! codec's writer), then mutated: bytes flipped, `cmsg_len` fields set to hostile values,
//! the buffer cut at a random length.
//!
//! What must agree: every record libc walks to whose `cmsg_len` is sane (at least a header,
//! and inside the buffer) is yielded by the codec with the same offset, level, type,
//! `cmsg_len` and data (`CMSG_DATA` .. `cmsg_len`), in the same order. Where libc would go on
//! to a record that is not sane (it only checks that the next *header* fits), the codec
//! yields one error instead and stops; where libc stops silently because a partial header
//! is left, the codec reports that as a truncated header.

use errq_codec::abi::Abi;
use errq_codec::cmsg::Cmsgs;
use errq_codec::error::{Error, Structure};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const HDR: usize = std::mem::size_of::<libc::cmsghdr>();

/// A well-formed chain built the C way.
fn build(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(6) {
        let len = rng.below(70) as u32;
        // SAFETY: CMSG_SPACE / CMSG_LEN are pure arithmetic on their argument.
        let (space, cmsg_len) =
            unsafe { (libc::CMSG_SPACE(len) as usize, libc::CMSG_LEN(len) as usize) };
        let start = out.len();
        out.resize(start + space, 0);
        // SAFETY: an all-zero cmsghdr is a valid value of this plain C struct.
        let mut h: libc::cmsghdr = unsafe { std::mem::zeroed() };
        h.cmsg_len = cmsg_len as _;
        h.cmsg_level = [0, 1, 41, 263, rng.next() as i32][rng.below(5) as usize];
        h.cmsg_type = rng.below(80) as i32;
        // SAFETY: `h` is a plain C struct of HDR bytes; we copy its bytes out.
        let bytes =
            unsafe { std::slice::from_raw_parts((&h as *const libc::cmsghdr).cast::<u8>(), HDR) };
        out[start..start + HDR].copy_from_slice(bytes);
        // SAFETY: pure arithmetic on 0.
        let data_off = unsafe { libc::CMSG_LEN(0) } as usize;
        for b in &mut out[start + data_off..start + cmsg_len] {
            *b = rng.next() as u8;
        }
        // Padding: zero as the kernel leaves it, or garbage sometimes.
        if rng.below(4) == 0 {
            for b in &mut out[start + cmsg_len..start + space] {
                *b = rng.next() as u8;
            }
        }
    }
    out
}

fn mutate(rng: &mut Rng, buf: &mut Vec<u8>) {
    for _ in 0..rng.below(4) {
        match rng.below(4) {
            0 if !buf.is_empty() => {
                let i = rng.below(buf.len() as u64) as usize;
                buf[i] = rng.next() as u8;
            }
            1 if buf.len() >= HDR => {
                // A hostile cmsg_len at some 8-aligned offset (a header position).
                let at = (rng.below((buf.len() - HDR + 1) as u64) as usize) & !7;
                let v: u64 = match rng.below(7) {
                    0 => 0,
                    1 => 1,
                    2 => HDR as u64 - 1,
                    3 => HDR as u64,
                    4 => buf.len() as u64 + 1,
                    5 => u64::MAX - rng.below(16),
                    _ => u64::from(u32::MAX),
                };
                let w = std::mem::size_of::<usize>();
                buf[at..at + w].copy_from_slice(&v.to_ne_bytes()[..w]);
            }
            2 if !buf.is_empty() => {
                let n = rng.below(buf.len() as u64 + 1) as usize;
                buf.truncate(n);
            }
            _ => buf.extend((0..rng.below(20)).map(|_| rng.next() as u8)),
        }
    }
}

/// (offset, level, type, cmsg_len) of each header libc walks to.
fn libc_walk(buf: &[u8], aligned: &mut Vec<u64>) -> Vec<(usize, i32, i32, u64)> {
    aligned.clear();
    aligned.resize(buf.len().div_ceil(8) + 1, 0);
    // SAFETY: `aligned` has at least buf.len() bytes; u64 storage gives 8-byte alignment.
    let base = aligned.as_mut_ptr().cast::<u8>();
    // SAFETY: both regions are valid for buf.len() bytes and do not overlap.
    unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), base, buf.len()) };
    // SAFETY: an all-zero msghdr is valid; we only set the control fields.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_control = base.cast();
    msg.msg_controllen = buf.len() as _;
    let mut out = Vec::new();
    // SAFETY: msg describes a live, aligned buffer of msg_controllen bytes. CMSG_FIRSTHDR and
    // CMSG_NXTHDR only return headers that lie wholly inside it, so reading a header's
    // fields is in bounds; we never dereference CMSG_DATA.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            let off = c.cast::<u8>().offset_from(base) as usize;
            assert_eq!(
                libc::CMSG_DATA(c).offset_from(c.cast::<u8>()) as usize,
                libc::CMSG_LEN(0) as usize
            );
            out.push((off, (*c).cmsg_level, (*c).cmsg_type, (*c).cmsg_len as u64));
            // libc's CMSG_ALIGN overflows (a panic in a debug build, a wrap in C) on a
            // cmsg_len within 7 of usize::MAX; such a record is not sane and ends the walk.
            if (*c).cmsg_len as usize > usize::MAX - 8 {
                break;
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    out
}

#[test]
fn walker_agrees_with_libc() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut aligned = Vec::new();
    let mut records = 0usize;
    let mut errors = 0usize;
    // SAFETY: pure arithmetic on 0.
    let data_off = unsafe { libc::CMSG_LEN(0) } as usize;
    for case in 0..40_000 {
        let mut buf = build(&mut rng);
        if case % 2 == 1 {
            mutate(&mut rng, &mut buf);
        }
        let theirs = libc_walk(&buf, &mut aligned);
        let ours: Vec<_> = Cmsgs::new(&buf, Abi::NATIVE).collect();
        let mut i = 0;
        for &(off, level, kind, len) in &theirs {
            let sane = len >= HDR as u64 && (off as u64).saturating_add(len) <= buf.len() as u64;
            if !sane {
                assert!(
                    matches!(ours.get(i), Some(Err(_))),
                    "case {case}: libc {theirs:?} ours {ours:?}"
                );
                break;
            }
            let c = ours[i]
                .unwrap_or_else(|e| panic!("case {case}: {e} where libc walks on: {theirs:?}"));
            assert_eq!(
                (c.offset, c.level, c.kind, c.len),
                (off, level, kind, len),
                "case {case}"
            );
            assert_eq!(
                c.data,
                &buf[off + data_off..off + len as usize],
                "case {case}"
            );
            records += 1;
            i += 1;
        }
        // After libc's last sane record the codec yields at most one item, an error: for the
        // record libc would walk into blindly, or for a partial header libc skips silently.
        assert!(ours.len() <= i + 1, "case {case}: {ours:?} vs {theirs:?}");
        if let Some(extra) = ours.get(i) {
            let e = extra.unwrap_err();
            if theirs.len() == i {
                assert!(
                    matches!(
                        e,
                        Error::Truncated {
                            what: Structure::CmsgHeader,
                            ..
                        }
                    ),
                    "case {case}: {e:?}"
                );
            }
            errors += 1;
        }
        assert!(ours[..i].iter().all(Result::is_ok));
    }
    assert!(
        records > 40_000 && errors > 1_000,
        "{records} records, {errors} errors"
    );
}
