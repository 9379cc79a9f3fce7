#!/usr/bin/env python3
"""Instructions executed per call, instruction by instruction, in one function of a binary.

Reads a callgrind output written with `--dump-instr=yes --compress-pos=no
--compress-strings=no`, joins its per-address counts with `objdump -d` of the function,
and prints each executed instruction with its count divided by N (the number of decodes
of the run), then the total. Calls out of the function are not included (their own
functions are counted on their own).

    cd tests
    ERRQ_DECODE_ONLY=udp4_tstamp_snd ERRQ_DECODE_LOOP=2000 valgrind --tool=callgrind \\
      --dump-instr=yes --compress-pos=no --compress-strings=no \\
      --callgrind-out-file=/tmp/cg.errq --toggle-collect=decode::loop_errq BENCH_BINARY
    python3 benches/callgrind_asm.py /tmp/cg.errq BENCH_BINARY decode::errq_decode 2000

BENCH_BINARY is what `cargo bench -p errq-tests --bench decode --no-run` prints.
"""
import collections
import re
import subprocess
import sys


def counts(path):
    """Self cost per instruction address (the line after `calls=` is a call's inclusive
    cost, charged to the call instruction: skipped)."""
    out = collections.Counter()
    skip_next = False
    for line in open(path):
        if line.startswith("calls="):
            skip_next = True
            continue
        m = re.match(r"^(0x[0-9a-f]+)\s+\d+\s+(\d+)", line)
        if m:
            if skip_next:
                skip_next = False
                continue
            out[int(m.group(1), 16)] += int(m.group(2))
    return out


def symbol_range(binary, name):
    nm = subprocess.run(["nm", "-C", "--defined-only", "-S", binary],
                        capture_output=True, text=True, check=True).stdout
    for line in nm.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[3] == name:
            start = int(parts[0], 16)
            return start, start + int(parts[1], 16)
    sys.exit(f"{name}: not in {binary}")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    out, binary, name, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    per_address = counts(out)
    start, stop = symbol_range(binary, name)
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-C",
                          f"--start-address={start}", f"--stop-address={stop}", binary],
                         capture_output=True, text=True, check=True).stdout
    total = 0.0
    for line in dis.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s*(.*)", line)
        if not m:
            continue
        c = per_address.get(int(m.group(1), 16), 0) / n
        total += c
        if c:
            print(f"{c:6.1f} {m.group(1)}: {m.group(2)}")
    print(f"total {total:.1f}")


if __name__ == "__main__":
    main()
