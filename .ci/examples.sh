#!/usr/bin/env bash
# Runs every example of errq-codec and errq-sys (built with all features) and checks that it
# did its job. The convention for examples: with `--ci` (or no arguments) an example runs
# without root on loopback, checks its own output and exits non-zero when it is wrong.
# Examples that need arguments or privileges say so in the table below; an example not in
# the table is run with `--ci`. As root (CI), an example may also set up network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --examples -p errq-codec -p errq-sys --all-features
dir=target/debug/examples

# name -> arguments, and a line the output must contain ("" for exit status only).
args_of() {
  case "$1" in
    demo) echo "" ;;                     # no arguments by design (README)
    tracepath) echo "-n 127.0.0.1" ;;    # iputils tracepath -n; compared in tests/tracepath_compare.rs
    *) echo "--ci" ;;
  esac
}
must_print() {
  case "$1" in
    demo) echo "(port unreachable) from ::1" ;;
    tracepath) echo "reached" ;;
    *) echo "" ;;
  esac
}

count=0
for src in errq-codec/examples/*.rs errq-sys/examples/*.rs; do
  name=$(basename "$src" .rs)
  read -r -a args <<<"$(args_of "$name")"
  want=$(must_print "$name")
  printf -- '--- %s %s\n' "$name" "${args[*]}"
  out=$(timeout 60 "$dir/$name" "${args[@]}" 2>&1) || {
    echo "$out"
    echo "example $name failed" >&2
    exit 1
  }
  echo "$out" | tail -n 4
  if [ -n "$want" ] && ! grep -qF -- "$want" <<<"$out"; then
    echo "example $name did not print: $want" >&2
    exit 1
  fi
  count=$((count + 1))
done
# The io_uring path of the latency probe (Linux 6.16; the example falls back to recvmmsg and
# says so where the kernel lacks the command, and this check then fails in CI on purpose).
printf -- '--- tx_latency --io-uring\n'
out=$(timeout 60 "$dir/tx_latency" --io-uring 2>&1) || { echo "$out"; exit 1; }
echo "$out" | tail -n 2
grep -qF "sends via io_uring" <<<"$out" || { echo "tx_latency did not use io_uring" >&2; exit 1; }
count=$((count + 1))
echo "examples: $count passed, 0 failed"
