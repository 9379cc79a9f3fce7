#!/usr/bin/env bash
# Fails when a public item of errq-sys has no doc example.
#
# The rule: every public function, every public inherent method or associated function
# (`impl Foo { pub fn ... }`), and every public struct, enum, union, trait, type alias and
# macro reachable from the crate root (with all features, so the `tokio` module counts) has
# a fenced code block (```) in its own doc comment. Not counted: constants, fields, enum
# variants, modules (the crate and module docs have their own examples) and trait impls
# (`Default`, `Debug`, ...), which the trait documents. Items re-exported from errq-codec
# (`errq_sys::codec`) are the codec's. `no_run` examples count (a block is a block);
# prefer examples that run.
#
# Reads the crate as rustdoc sees it (nightly's JSON output), not by scanning the source:
# re-exports, `pub use sockopt::*`, cfg'd modules and macros are resolved by the compiler.
# Usage: bash .ci/doc_examples.sh [crate]   (default errq-sys; errq-codec works too)
set -euo pipefail
cd "$(dirname "$0")/.."
crate="${1:-errq-sys}"
lib="${crate//-/_}"
cargo +nightly rustdoc -q -p "$crate" --all-features --lib -- \
  -Zunstable-options --output-format json
python3 .ci/doc_examples.py "target/doc/$lib.json" "$lib"
