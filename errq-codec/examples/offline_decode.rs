//! `offline_decode`: decode error-queue messages captured on another ABI, on this host.
//!
//! ```text
//! offline_decode [--ci] [CAPTURE.txt ...]
//! ```
//!
//! Without files it decodes three real captures made by a 32-bit (i686) program on Linux
//! (12-byte `cmsghdr`, 4-byte alignment, a 32-bit `timespec`: not this host's layout): an
//! ICMP fragmentation needed, an ICMPv6 packet too big and a TX timestamp. Then it moves the
//! first to a big-endian 32-bit MIPS task (whose errno numbers differ: `EMSGSIZE` is 97
//! there, 90 elsewhere) with the codec's encoders, decodes that, and shows what reading the
//! bytes with the wrong ABI looks like. `--ci` checks every line against the values the
//! capture program read through the C headers (the captures' oracle) and exits non-zero on
//! a difference.
//!
//! With files, it decodes each capture in the format of `tests/capture/README.md` (as in
//! `errq-codec/tests/captures/`): `abi`, `msg_flags`, `name`, `control` and `payload` lines.
//!
//! ```text
//! $ cargo run -p errq-codec --example offline_decode
//! i686 capture, decoded here with Abi::I686:
//!   ICMP destination unreachable (fragmentation needed) (MTU 1280) from 198.18.1.2 for 198.18.2.2:33435, errno EMSGSIZE
//!   ...
//! ```

use std::process::ExitCode;

use errq_codec::abi::Abi;
use errq_codec::cmsg::CmsgWriter;
use errq_codec::ee::ExtendedErrorBuf;
use errq_codec::errno::Errno;
use errq_codec::message::Message;
use errq_codec::record::Record;

/// One capture: (what, `msg_flags`, `msg_name` hex, control hex, payload length). The
/// payloads of these scenarios are the bytes 0, 1, ..., 255, 0, 1, ... (capture.c fills its
/// probes that way); only their length is kept here.
const I686_CAPTURES: [(&str, i32, &str, &str, usize); 3] = [
    (
        "udp4_frag_needed: 1400-byte UDP with IP_PMTUDISC_PROBE, router link MTU 1280",
        0x2000,
        "0200829bc61202020000000000000000",
        "2c000000000000000b0000005a00000002030400000500000000000002000000c61201020000000000000000",
        520,
    ),
    (
        "udp6_packet_too_big: 1400-byte UDP with IPV6_PMTUDISC_PROBE, router link MTU 1280",
        0x2000,
        "0a00829b0000000020010db800020000000000000000000200000000",
        "3800000029000000190000005a0000000302000000050000000000000a0000000000000020010db800010000000000000000000200000000",
        1184,
    ),
    (
        "udp4_tstamp_snd: SO_TIMESTAMPING TX_SOFTWARE|OPT_ID over lo, the SND entry",
        0x2000,
        "",
        "240000000100000025000000421c026b544fa20c000000000000000000000000000000002c000000000000000b0000002a00000004000000000000000000000000000000000000000000000000000000",
        106,
    ),
];

/// What each line must read (from the captures' oracle: errno, origin, type/code, info,
/// offender and msg_name as the C program read them).
const EXPECTED: [&str; 3] = [
    "ICMP destination unreachable (fragmentation needed) (MTU 1280) from 198.18.1.2 for 198.18.2.2:33435, errno EMSGSIZE",
    "ICMPv6 packet too big (MTU 1280) from 2001:db8:1::2 for [2001:db8:2::2]:33435, errno EMSGSIZE",
    "TX timestamp SND key 0, at 1795300418.211963732",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ci = args.iter().any(|a| a == "--ci");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let result = if files.is_empty() {
        builtin(ci)
    } else {
        files.iter().try_for_each(|f| decode_file(f))
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("offline_decode: {e}");
            ExitCode::FAILURE
        }
    }
}

fn builtin(ci: bool) -> Result<(), String> {
    println!("i686 capture, decoded here with Abi::I686:");
    let payload: Vec<u8> = (0..=255u8).cycle().take(2048).collect();
    for ((what, flags, name, control, len), want) in I686_CAPTURES.iter().zip(EXPECTED) {
        let (name, control) = (hex(name)?, hex(control)?);
        let payload = payload.get(..*len).unwrap_or(&payload);
        let msg = Message::decode_with(&Abi::I686, &control, *flags, &name, payload);
        let line = msg.to_string();
        println!("  {what}\n    {line}");
        if ci && !line.starts_with(want) {
            return Err(format!("expected {want:?}, got {line:?}"));
        }
        if ci && msg.problem().is_some() {
            return Err(format!("unexpected problem: {:?}", msg.problem()));
        }
    }

    // The same frag-needed error as a big-endian 32-bit MIPS task would receive it: the
    // record rebuilt field by field with the MIPS errno numbering and byte order.
    let (_, flags, name, control, _) = I686_CAPTURES[0];
    let (name, control) = (hex(name)?, hex(control)?);
    let i686 = Message::decode_with(&Abi::I686, &control, flags, &name, &[]);
    let err = i686.error().ok_or("no error record")?;
    let mips = Abi::MIPS;
    let mut ee = err.ee;
    let errno_name = ee.errno.name().ok_or("unnamed errno")?;
    ee.errno = Errno::from_name(errno_name, mips.errno).ok_or("no such errno on MIPS")?;
    let ee = errq_codec::ee::SockExtendedErr::new(
        ee.errno,
        ee.origin,
        ee.kind,
        ee.code,
        ee.info,
        ee.data,
        mips.endian,
    );
    let level = i686.error_level().ok_or("no error level")?;
    let record =
        ExtendedErrorBuf::new(level, ee, err.offender(), mips.endian).map_err(|e| e.to_string())?;
    let mut buf = [0u8; 64];
    let mut w = CmsgWriter::new(&mut buf, mips);
    Record::Error(level, record.view())
        .encode(&mut w)
        .map_err(|e| e.to_string())?;
    let n = w.len();
    let mips_control = buf.get(..n).ok_or("encoder length")?;
    // msg_name: the family is in host order (big-endian on MIPS), port and address are not.
    let mut mips_name = name.clone();
    mips_name.swap(0, 1);
    let on_mips = Message::decode_with(&mips, mips_control, flags, &mips_name, &[]);
    println!(
        "the same error on MIPS (errno {} = {}), decoded with Abi::MIPS:\n    {on_mips}",
        errno_name, ee.errno.raw
    );
    if ci && on_mips.to_string() != i686.to_string() {
        return Err(format!("MIPS decode differs: {on_mips} vs {i686}"));
    }

    // The i686 bytes read as s390x (64-bit big-endian): the walk stops with a typed error,
    // and the error says why.
    let wrong = Message::decode_with(&Abi::S390X, &control, flags, &name, &[]);
    let problem = wrong
        .problem()
        .ok_or("the wrong ABI decoded without a problem")?;
    println!("the i686 bytes read with Abi::S390X:\n    {wrong}");
    if ci && !problem.abi_mismatch_likely() {
        return Err(format!("no ABI hint on {problem}"));
    }
    if ci {
        println!("ci: ok");
    }
    Ok(())
}

/// Decode one capture file (`tests/capture/README.md` format).
fn decode_file(path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(": ")))
            .ok_or(format!("{path}: no {key} line"))
    };
    let abi_name = field("abi")?;
    let abi = Abi::preset(abi_name).ok_or(format!("{path}: unknown ABI {abi_name}"))?;
    let flags = field("msg_flags")?;
    let flags = i32::from_str_radix(flags.trim_start_matches("0x"), 16)
        .map_err(|e| format!("{path}: msg_flags: {e}"))?;
    let (name, control, payload) = (
        hex(field("name")?)?,
        hex(field("control")?)?,
        hex(field("payload")?)?,
    );
    let msg = Message::decode_with(&abi, &control, flags, &name, &payload);
    println!("{path} ({abi_name}):\n    {msg}");
    Ok(())
}

fn hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim().as_bytes();
    s.chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .filter(|p| p.len() == 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or(format!("bad hex byte {:?}", String::from_utf8_lossy(pair)))
        })
        .collect()
}
