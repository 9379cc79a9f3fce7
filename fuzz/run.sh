#!/usr/bin/env bash
# Build every fuzz target and run each for a bounded time; any crash fails, and the crashing
# input is copied to errq-codec/tests/fuzz_regressions/<target>/ so that
# `cargo test -p errq-codec --test fuzz_regressions` replays it from then on.
#
#   bash fuzz/run.sh                    # every target, FUZZ_SECONDS (default 30) each
#   FUZZ_SECONDS=300 bash fuzz/run.sh rfc4884 icmpv4   # only these, longer
#
# Needs the nightly toolchain; installs cargo-fuzz if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-30}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

cd fuzz
# -a: release build with debug assertions, so integer overflow panics too.
cargo +nightly fuzz build -a

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

failed=()
summary=()
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  rm -rf "artifacts/$t"
  mkdir -p "artifacts/$t"
  log=$(mktemp)
  echo "=== fuzz $t for ${seconds}s"
  # corpus/<t> (ignored by git) collects what the run finds; seeds/<t> is read only.
  if cargo +nightly fuzz run -a "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -timeout=10 -max_len=4096 -print_final_stats=1 \
    >"$log" 2>&1; then
    status=ok
  else
    status=FAILED
    # The panic message and the input, without libFuzzer's progress lines.
    grep -v '^#[0-9]' "$log" | tail -n 60
  fi
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
  rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -n 1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
  summary+=("$(printf '%-13s %-7s %-22s %-14s %s' "$t" "$status" "${runs:-?}" "${rate:-?}" "${cov:-?}")")
  rm -f "$log"
  # Keep every crash, leak, timeout or out-of-memory input as a regression test.
  shopt -s nullglob
  kept=(artifacts/"$t"/*)
  shopt -u nullglob
  if [ ${#kept[@]} -gt 0 ]; then
    dest="$root/errq-codec/tests/fuzz_regressions/$t"
    mkdir -p "$dest"
    cp "${kept[@]}" "$dest/"
    echo "kept ${#kept[@]} input(s) in errq-codec/tests/fuzz_regressions/$t/: ${kept[*]##*/}"
    status=FAILED
  fi
  if [ "$status" != ok ]; then
    failed+=("$t")
  fi
done

echo
echo "target        status  runs                   rate           coverage"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]} (inputs kept in errq-codec/tests/fuzz_regressions/)" >&2
  exit 1
fi
