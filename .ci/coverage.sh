#!/usr/bin/env bash
# Line coverage of errq-codec from its own test suite (unit tests, real-capture tests,
# error-path tests, fuzz regressions and seeds, doc tests excluded), with cargo-llvm-cov.
#
#   bash .ci/coverage.sh            # summary per file and TOTAL
#   bash .ci/coverage.sh --text     # also every line, uncovered ones marked (0)
#
# Reports, never gates: no threshold. If the tool cannot be installed (offline machine) it
# says so and exits 0; a test that fails under instrumentation still fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup component list --installed 2>/dev/null | grep -q '^llvm-tools'; then
  if ! rustup component add llvm-tools-preview >/dev/null 2>&1; then
    echo "coverage: cannot install llvm-tools-preview; skipped" >&2
    exit 0
  fi
fi
if ! cargo llvm-cov --version >/dev/null 2>&1; then
  if ! cargo install cargo-llvm-cov --locked; then
    echo "coverage: cannot install cargo-llvm-cov; skipped" >&2
    exit 0
  fi
fi

# Its own target dir (target/llvm-cov-target), so the instrumented build does not
# invalidate the normal one. Only the codec's sources are counted.
filter='(^|/)(tests|fuzz|errq-sys)/'
cargo llvm-cov clean -p errq-codec >/dev/null 2>&1 || true
cargo llvm-cov test -p errq-codec --no-report
echo
echo "=== line coverage of errq-codec (cargo llvm-cov report --summary-only)"
cargo llvm-cov report --summary-only --ignore-filename-regex "$filter"
if [ "${1:-}" = "--text" ]; then
  cargo llvm-cov report --text --ignore-filename-regex "$filter"
fi
