#!/usr/bin/env bash
# errq-codec on a big-endian host: its tests under Miri interpreting s390x-unknown-linux-gnu
# (64-bit, big-endian). Every other test run is little-endian (x86_64, i686); here
# `Abi::NATIVE` is s390x, so the native fast path reads big-endian headers while the real
# x86_64 and i686 captures are decoded with their own named ABI.
#
#   bash .ci/miri_be.sh
#
# What runs, and why these sizes (measured on the 2-core machine shared with other builds,
# 2026-11-30: 4m22s for the unit, capture and property suites from a cold build, ~70 s of
# it compiling; 3m37s for the whole script below with the Miri sysroot and dependencies
# already built, so about 4.5 minutes on a fresh clone):
# - `--lib`: every unit test of the codec (108-111 s). Tests that would take minutes already
#   cut their own samples under `cfg(miri)` (checksum lengths, the fixed-vs-generic walk
#   comparison).
# - `--test captures`: every 9th real capture (`cfg(miri)` sample in captures.rs: both
#   ABIs and every scenario kind; the whole set runs natively in .ci/run) (33 s).
# - `--test props` with PROPTEST_CASES=4: each property sees a few generated cases per ABI
#   strategy (34-48 s); the property tests run with the default case count natively.
# - `--test error_paths` (every typed error path, 3 s) and `--test fuzz_regressions`
#   (every crash input found so far; the bulk seed replay is ignored under Miri, 9 s).
# Budget: under ~6 minutes on this machine. Doubling PROPTEST_CASES would add ~40 s and the full
# capture set would take about 9 x 35 s on its own (extrapolated), which is why it stays
# sampled.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${MIRI_BE_TARGET:-s390x-unknown-linux-gnu}"

rustup component add miri rust-src --toolchain nightly >/dev/null
cargo +nightly miri setup --target "$TARGET" >/dev/null

MIRIFLAGS="-Zmiri-disable-isolation" PROPTEST_CASES="${PROPTEST_CASES:-4}" \
  cargo +nightly miri test -p errq-codec --target "$TARGET" \
  --lib --test captures --test props --test error_paths --test fuzz_regressions
