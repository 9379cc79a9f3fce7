#!/usr/bin/env bash
# Package dry runs, as a real release would go: errq-codec first, then errq-sys built against
# the *packaged* errq-codec, not the workspace path.
#
# errq-codec is not on crates.io yet. `cargo publish -p errq-codec -p errq-sys` (cargo 1.90+)
# packages both in dependency order into target/package/, puts the errq-codec .crate into a
# local registry overlay (target/package/tmp-registry) and verifies errq-sys by building its
# unpacked package with errq-codec resolved from that overlay ("Unpacking errq-codec v0.1.0
# (registry .../tmp-registry)" in the output). `--dry-run` stops before the upload.
set -euo pipefail
cd "$(dirname "$0")/.."

# What each package holds: the library, examples, README, licences, changelog; no fixtures.
for crate in errq-codec errq-sys; do
  list=$(cargo package -q --list --allow-dirty -p "$crate")
  echo "$crate: $(wc -l <<<"$list") files in the package"
  for want in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE CHANGELOG.md src/lib.rs; do
    grep -qx "$want" <<<"$list" || { echo "$crate: $want missing from the package" >&2; exit 1; }
  done
  if grep -E '^tests/|\.txt$|proptest-regressions' <<<"$list"; then
    echo "$crate: test fixtures in the package (see include in $crate/Cargo.toml)" >&2
    exit 1
  fi
done

rm -rf target/package  # so the overlay and the unpacked sources are built fresh
# Both packages verified with every feature (errq-sys's `tokio` resolves from crates.io).
cargo publish --dry-run --allow-dirty --all-features -p errq-codec -p errq-sys 2>&1 |
  tee target/publish-dry-run.log | grep -v '^warning: ignoring test'
# Proof that errq-sys was built against the packaged errq-codec: the lockfile of the verified
# errq-sys package pins errq-codec by the checksum of the errq-codec .crate just made.
crate_sum=$(sha256sum target/package/tmp-registry/errq-codec-*.crate | cut -d' ' -f1)
lock_sum=$(grep -A3 '^name = "errq-codec"' target/package/errq-sys-*/Cargo.lock |
  sed -n 's/^checksum = "\(.*\)"/\1/p')
if [ -z "$crate_sum" ] || [ "$crate_sum" != "$lock_sum" ]; then
  echo "errq-sys was not verified against the packaged errq-codec ($lock_sum vs $crate_sum)" >&2
  exit 1
fi
echo "publish dry run: errq-codec and errq-sys package and build as released (errq-codec $crate_sum)"
