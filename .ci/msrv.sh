#!/usr/bin/env bash
# The declared MSRV (rust-version in Cargo.toml, 1.81), built and tested with that toolchain.
#
# What runs at the MSRV, all with `--locked` on an MSRV lockfile (below):
#   - errq-codec: `cargo build` and `cargo test` (every test target: unit, captures,
#     properties, error paths, fuzz regressions, doctests) but one: the differential test
#     against etherparse, whose 0.17 needs Rust 1.83 (see below);
#   - errq-sys, default features: `cargo build` and `cargo test` (unit, loopback and other
#     integration tests, doctests);
#   - errq-sys with the `tokio` feature: `cargo build` and `cargo test` (the tokio tests too),
#     with the newest tokio for 1.81 (1.53.x), then `cargo build` with the declared floor,
#     tokio 1.36.0. The tokio feature's own minimum Rust is therefore the crate's: 1.81.
# Not at the MSRV: the errq-tests package (live namespace tests, benches: criterion, nix),
# fuzz/ (nightly anyway), and clippy/rustfmt (run on stable by .ci/run).
#
# The MSRV lockfile. The repository's Cargo.lock holds the newest versions (tokio 1.54 needs
# Rust 1.85, proptest 1.12 needs 1.88), so a copy of the sources gets a lockfile resolved
# by the stable cargo with `incompatible-rust-versions = "fallback"`: for each dependency
# the newest version whose rust-version is <= 1.81. What a user on 1.81 gets with cargo 1.84+
# (resolver v3 or that setting). Two edits in the copy only: the etherparse test is
# left out (above), and errq-sys's tokio
# dev-dependency floor (1.54 in the repository) becomes the feature's own floor, 1.36, so
# that the resolver may pick a tokio that builds on 1.81; the tests need nothing newer.
# The resolved versions of tokio and proptest are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
[ -n "$msrv" ] || { echo "no rust-version in Cargo.toml" >&2; exit 1; }
rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1 ||
  rustup toolchain install "$msrv" --profile minimal
export CARGO_TARGET_DIR="$PWD/target/msrv-target"

src=target/msrv-src
rm -rf "$src"
mkdir -p "$src"
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src"
cd "$src"
python3 - <<'PY'
import re
p = "errq-sys/Cargo.toml"
s = open(p).read()
dev = s.index("[dev-dependencies]")
head, tail = s[:dev], s[dev:]
tail2 = re.sub(r'^tokio = \{ version = "[^"]+"', 'tokio = { version = "1.36"', tail, count=1, flags=re.M)
assert tail2 != tail, "errq-sys tokio dev-dependency not found"
open(p, "w").write(head + tail2)
# etherparse 0.17 (the codec's differential-test oracle) declares no rust-version but needs
# Rust 1.83 (const fns with &mut): that one test file and its dev-dependency are left out.
p = "errq-codec/Cargo.toml"
s = open(p).read()
s2 = re.sub(r'^etherparse = .*\n', '', s, count=1, flags=re.M)
assert s2 != s, "errq-codec etherparse dev-dependency not found"
open(p, "w").write(s2)
# The workspace-level tests crate (live tests, benches: tokio 1.54, criterion, io-uring) is
# not part of what the MSRV promises; leave it out so it does not pin the lockfile.
p = "Cargo.toml"
s = open(p).read()
s2 = s.replace('members = ["errq-codec", "errq-sys", "tests"]', 'members = ["errq-codec", "errq-sys"]')
assert s2 != s, "workspace members not found"
open(p, "w").write(s2)
PY
rm errq-codec/tests/icmp_etherparse.rs errq-codec/tests/icmp_etherparse.proptest-regressions
CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo generate-lockfile -q
for p in tokio proptest zerocopy libc; do
  printf 'MSRV lockfile: %s %s\n' "$p" "$(grep -A1 "^name = \"$p\"$" Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p' | tr '\n' ' ')"
done

cargo "+$msrv" --version
cargo "+$msrv" build --locked -p errq-codec -p errq-sys
cargo "+$msrv" test --locked -p errq-codec -p errq-sys
cargo "+$msrv" test --locked -p errq-sys --features tokio
cargo "+$msrv" build --locked -p errq-sys --features io-uring
# The tokio feature's floor as declared (tokio 1.36: budgeted async_io) builds at
# the MSRV too.
cargo update -q -p tokio --precise 1.36.0
cargo "+$msrv" build --locked -p errq-sys --features tokio
echo "MSRV $msrv: errq-codec and errq-sys (default and tokio) build and pass their tests," \
  "errq-sys builds with io-uring;" \
  "errq-sys --features tokio also builds with tokio 1.36.0"
