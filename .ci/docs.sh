#!/usr/bin/env bash
# The docs of the workspace, as a user and docs.rs see them: no rustdoc warning (broken or
# private intra-doc links, bad code blocks, missing docs), and every relative link in the
# generated HTML points at a page that exists, errq-sys -> errq-codec links included.
#
# `--workspace` documents errq-codec and errq-sys together, so errq-sys's links into
# errq-codec have their target pages; `cargo doc -p errq-sys --no-deps` alone leaves those
# pages out and its errq-codec links dangle (rustdoc resolves them, the HTML is missing):
# the link check below catches that. docs.rs builds each crate with its dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf target/doc
export RUSTDOCFLAGS="-D warnings -D rustdoc::broken_intra_doc_links -D rustdoc::private_intra_doc_links"
# errq-codec's pages first: rustdoc links errq-sys to them only if they are already in the
# doc root when errq-sys is documented, and cargo may run the two rustdocs side by side.
cargo doc -p errq-codec --no-deps --all-features
cargo doc --workspace --no-deps --all-features
python3 .ci/doc_links.py target/doc
