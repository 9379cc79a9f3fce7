#!/usr/bin/env bash
# Build every fuzz target and run each for a bounded time, from a corpus that accumulates
# across runs; any crash fails, and the crashing input is copied to
# errq-codec/tests/fuzz_regressions/<target>/ so that
# `cargo test -p errq-codec --test fuzz_regressions` replays it from then on.
#
#   bash fuzz/run.sh                    # every target, FUZZ_SECONDS (default 30) each
#   FUZZ_SECONDS=300 bash fuzz/run.sh rfc4884 icmpv4   # only these, longer
#   FUZZ_UPDATE_CORPUS=1 bash fuzz/run.sh   # also refresh the committed fuzz/corpus/
#
# Where each run starts, and where what it finds goes:
#   fuzz/seeds/<t>/    real kernel captures (make_seeds.py), read only;
#   fuzz/corpus/<t>/   the committed, minimized corpus (read only, unless
#                      FUZZ_UPDATE_CORPUS=1; bounded: see fuzz/README.md);
#   $ERRQ_FUZZ_CACHE/<t>/ (default /var/cache/errq-fuzz/<t>/): the machine's grown corpus.
#                      CI runs on a fresh clone each time, so this directory is what carries
#                      one run's findings into the next. At the end of each target's run it
#                      is replaced by `cargo fuzz cmin` of itself, the committed corpus and
#                      this run's new inputs.
# New inputs of a run are written to fuzz/target/new-corpus/<t>/ (cleared first).
#
# Needs the nightly toolchain; installs cargo-fuzz if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-30}
cache_root=${ERRQ_FUZZ_CACHE:-/var/cache/errq-fuzz}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
if ! mkdir -p "$cache_root" 2>/dev/null || [ ! -w "$cache_root" ]; then
  echo "fuzz: $cache_root is not writable; using fuzz/target/corpus-cache (not kept across clones)" >&2
  cache_root=$root/fuzz/target/corpus-cache
  mkdir -p "$cache_root"
fi

cd fuzz
# -a: release build with debug assertions, so integer overflow panics too.
cargo +nightly fuzz build -a

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

count() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }
kib() { du -sk --apparent-size "$1" 2>/dev/null | cut -f1; }

failed=()
summary=()
for t in "${targets[@]}"; do
  repo="corpus/$t"
  cache="$cache_root/$t"
  new="target/new-corpus/$t"
  mkdir -p "$repo" "$cache" "seeds/$t"
  rm -rf "$new" "artifacts/$t"
  mkdir -p "$new" "artifacts/$t"
  log=$(mktemp)
  echo "=== fuzz $t for ${seconds}s from: committed corpus $(count "$repo"), cache $(count "$cache"), seeds $(count "seeds/$t") inputs"
  # libFuzzer reads every directory and writes new inputs to the first one only.
  if cargo +nightly fuzz run -a "$t" "$new" "$repo" "$cache" "seeds/$t" -- \
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
  # The coverage of the starting corpus, before any mutation: what earlier runs left.
  start=$(sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' "$log" | head -n 1)
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
  if [ "$status" = ok ]; then
    # Grow the machine's corpus: the cache, the committed corpus and this run's finds,
    # minimized to the inputs that keep their coverage (cmin works in place).
    cp -n "$new"/* "$repo"/* "$cache"/ 2>/dev/null || true
    cargo +nightly fuzz cmin -a "$t" "$cache" -- -max_len=4096 >/dev/null 2>&1 ||
      echo "fuzz: cmin of $cache failed; the cache keeps its unminimized inputs" >&2
    if [ "${FUZZ_UPDATE_CORPUS:-0}" = 1 ]; then
      # The committed corpus: the cache minimized again on edges only (-use_counters=0:
      # one input per new edge set rather than per hit count, about a fifth of the files),
      # without what fuzz/seeds/ already holds.
      rm -rf "$repo"
      mkdir -p "$repo"
      cp "$cache"/* "$repo"/ 2>/dev/null || true
      cargo +nightly fuzz cmin -a "$t" "$repo" -- -max_len=4096 -use_counters=0 >/dev/null 2>&1
      for s in "seeds/$t"/*; do
        [ -f "$s" ] || continue
        sum=$(sha1sum <"$s" | cut -c1-40)
        rm -f "$repo/$sum"
      done
    fi
  else
    failed+=("$t")
  fi
  summary+=("$(printf '%-13s %-7s %-22s %-14s %-6s %-10s %s' "$t" "$status" "${runs:-?}" "${rate:-?}" "${start:-?}" "${cov:-?}" "cache $(count "$cache") ($(kib "$cache") KiB)")")
done

echo
echo "target        status  runs                   rate           start  coverage   grown corpus"
printf '%s\n' "${summary[@]}"
echo "committed corpus: $(kib corpus) KiB in $(find corpus -type f | wc -l) files"
if [ "$(kib corpus)" -gt 2048 ]; then
  echo "fuzz: the committed corpus is over its 2 MiB budget (fuzz/README.md)" >&2
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing failed: ${failed[*]} (inputs kept in errq-codec/tests/fuzz_regressions/)" >&2
  exit 1
fi
