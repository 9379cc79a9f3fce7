#!/usr/bin/env python3
"""Build the fuzz seed corpora in fuzz/seeds/<target>/ from the real kernel captures.

Reads errq-codec/tests/captures/*.txt (format: tests/capture/README.md), takes the bytes the
kernel returned (control, msg_name, payload, msg_flags) and writes each target's input
format (see fuzz/src/lib.rs). The ICMP and IP targets get whole ICMP error messages
reassembled around the real quoted payloads: the ICMP type, code and rest of header from the
real sock_extended_err, the quoted IP/UDP headers from the real msg_name and the capture
topology. Files are named by content (sha1 prefix), so rerunning is idempotent.

    python3 fuzz/make_seeds.py          # from the repository root or anywhere
"""

import hashlib
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CAPTURES = ROOT / "errq-codec" / "tests" / "captures"
SEEDS = ROOT / "fuzz" / "seeds"
# Index in Abi::PRESETS (errq-codec/src/abi.rs) of the two ABIs the captures come from.
PRESET = {"x86_64": 0, "i686": 3}
HDR = {"x86_64": (16, 8), "i686": (12, 4)}  # cmsghdr size, alignment


def load(path):
    fields = {}
    for line in path.read_text().splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def cmsgs(control, abi):
    """(level, type, data) of each whole record, as CMSG_NXTHDR walks them."""
    size, align = HDR[abi]
    pos, out = 0, []
    while pos + size <= len(control):
        if size == 16:
            length, level, kind = struct.unpack_from("<Qii", control, pos)
        else:
            length, level, kind = struct.unpack_from("<Iii", control, pos)
        if length < size or pos + length > len(control):
            break
        out.append((level, kind, control[pos + size : pos + length]))
        pos += (length + align - 1) & ~(align - 1)
    return out


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, body, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 0x1234, 0x4000, ttl, proto, 0,
                      src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + body


def ipv6(src, dst, nh, body, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(body), nh, hlim, src, dst) + body


def icmp_error(v6, ee, quoted, ext):
    """ICMP(v6) header from the real ee_type/ee_code/ee_info, then the quote and extension."""
    errno, origin, kind, code, pad, info, data = ee
    if v6:
        rest = struct.pack("!I", info)  # ee_info is the whole word after the checksum
    elif kind == 3 and code == 4:
        rest = struct.pack("!HH", 0, info)  # next-hop MTU
    elif kind == 12:
        rest = bytes([info & 0xFF, 0, 0, 0])  # pointer
    else:
        rest = b"\0\0\0\0"
    if ext:
        words = len(quoted) // (8 if v6 else 4)
        rest = bytes([rest[0], words, rest[2], rest[3]]) if not v6 else bytes([words]) + rest[1:]
    msg = bytes([kind, code, 0, 0]) + rest + quoted + ext
    if not v6:
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    return msg


# The (level, type, kernel data size) table of fuzz/src/structured.rs, in its order, for
# the generic socket numbers (x86_64 and i686 both have them); time_t is the ABI's.
def structured_table(abi):
    t = 8 if abi == "x86_64" else 4
    return [
        (0, 11, 32), (41, 25, 44), (263, 16, 16), (0, 2, 4), (0, 1, 1), (0, 8, 12),
        (0, 6, 8), (0, 7, 12), (0, 20, 16), (0, 23, 4), (0, 25, 4), (41, 50, 20),
        (41, 52, 4), (41, 67, 4), (41, 11, 4), (41, 61, 32), (41, 74, 28), (41, 77, 4),
        (41, 54, 8), (41, 59, 8), (1, 29, 2 * t), (1, 35, 2 * t), (1, 37, 6 * t),
        (1, 63, 16), (1, 64, 16), (1, 65, 48), (1, 54, 12),
    ]


def structured(abi, control):
    """A real control buffer as input of target `structured`: preset, buffer size, then
    each record as selector, length byte and data."""
    table = structured_table(abi)
    out = bytes([PRESET[abi]]) + struct.pack("<H", 4096)
    for level, kind, data in cmsgs(control, abi):
        index = next((i for i, (l, k, _) in enumerate(table) if (l, k) == (level, kind)), None)
        if index is None:
            out += bytes([0x3F]) + struct.pack("<ii", level, kind)
            natural = 0
        else:
            out += bytes([index])
            natural = table[index][2]
        if len(data) == natural:
            out += bytes([0])
        elif len(data) < 63:
            out += bytes([0xC0 + len(data)])
        else:
            out += bytes([0xFF, min(len(data) - 64, 255)])
            data = data[: 64 + min(len(data) - 64, 255)]
        out += data
    return out


def main():
    seeds = {}

    def add(target, data):
        seeds.setdefault(target, set()).add(bytes(data))

    for path in sorted(CAPTURES.glob("*.txt")):
        f = load(path)
        abi = f["abi"]
        scenario = f["scenario"]
        control = bytes.fromhex(f["control"])
        name = bytes.fromhex(f["name"])
        payload = bytes.fromhex(f["payload"])
        flags = int(f["msg_flags"], 16)
        add("cmsgs", control)
        head = bytes([PRESET[abi]]) + struct.pack("<iBH", flags, len(name), len(control))
        add("message", head + name + control + payload)
        # The ABI-choosing targets start from the same bytes with a preset selector byte.
        add("abi_cmsgs", bytes([PRESET[abi]]) + control)
        add("abi_message", head + name + control + payload)
        add("structured", structured(abi, control))

        records = cmsgs(control, abi)
        ee = None
        for level, kind, data in records:
            if (level, kind) in ((0, 11), (41, 25), (263, 16)):
                add("extended_err", data)
                if len(data) >= 16:
                    ee = struct.unpack_from("<IBBBBII", data, 0)
                    offender = data[16:]
            if (level, kind) == (1, 54):
                add("opt_stats", data)

        # The payload, with the real ee_rfc4884.len and "stripped" for the UDP/ping case.
        rfc_len = ee[6] & 0xFFFF if ee and ee[1] in (2, 3) else 0
        v6_sock = scenario.startswith(("udp6", "ping6", "raw6", "tcp6"))
        stripped = (40 if v6_sock else 20) + (8 if scenario.startswith(("udp", "dual")) else 0)
        add("payload", struct.pack("<HB", rfc_len, stripped) + payload)
        if rfc_len and rfc_len < len(payload):
            add("rfc4884", payload[rfc_len:])
        if scenario == "udp4_rfc4884_nolen" or scenario.endswith("ext_no_rfc4884"):
            add("rfc4884", payload[100:])

        # Whole ICMP errors around the real quote, for ICMP-origin UDP and ping entries.
        if not ee or ee[1] not in (2, 3) or not scenario.startswith(("udp", "ping", "dual")):
            continue
        if len(name) >= 16 and struct.unpack_from("<H", name)[0] == 2:
            dst4 = name[4:8]
        elif len(name) >= 28 and name[20:24] == b"\0\0\xff\xff":
            dst4 = name[24:28]
        else:
            dst4 = None
        original, ext = (payload[:rfc_len], payload[rfc_len:]) if rfc_len else (payload, b"")
        if ee[1] == 2 and dst4 is not None:
            lo = dst4[0] == 127
            src = bytes([127, 0, 0, 1]) if lo else bytes([198, 18, 1, 1])
            hop = bytes(offender[4:8]) if len(offender) >= 8 else src
            if scenario.startswith("ping"):
                inner = ipv4(src, dst4, 1, original, ttl=1)
            else:
                udp = struct.pack("!HHHH", 40000, struct.unpack_from("!H", name, 2)[0],
                                  8 + len(original), 0)
                inner = ipv4(src, dst4, 17, udp + original, ttl=1)
            msg = icmp_error(False, ee, inner, ext)
            add("icmpv4", msg)
            add("ip_packet", ipv4(hop, src, 1, msg))
        elif ee[1] == 3 and len(name) >= 28:
            dst6 = name[8:24]
            lo = dst6 == b"\0" * 15 + b"\1"
            src = dst6 if lo else bytes.fromhex("20010db8000100000000000000000001")
            hop = bytes(offender[8:24]) if len(offender) >= 24 else src
            if scenario.startswith("ping"):
                inner = ipv6(src, dst6, 58, original, hlim=1)
            else:
                udp = struct.pack("!HHHH", 40000, struct.unpack_from("!H", name, 2)[0],
                                  8 + len(original), 0)
                inner = ipv6(src, dst6, 17, udp + original, hlim=1)
            msg = icmp_error(True, ee, inner, ext)
            add("icmpv6", msg)
            add("ip_packet", ipv6(hop, src, 58, msg))

    # Raw ICMP sockets return the original ICMP message: real echo requests.
    for path in sorted(CAPTURES.glob("raw*.txt")):
        f = load(path)
        add("icmpv6" if "raw6" in path.name else "icmpv4", bytes.fromhex(f["payload"]))

    for target, inputs in sorted(seeds.items()):
        d = SEEDS / target
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()
        for data in sorted(inputs):
            (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
        print(f"{target}: {len(inputs)} seeds, {sum(map(len, inputs))} bytes")


if __name__ == "__main__":
    main()
