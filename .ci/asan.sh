#!/usr/bin/env bash
# errq-sys under AddressSanitizer: all the unsafe of the workspace (msghdr/mmsghdr/iovec
# pointing into caller-owned buffers, recvmsg/recvmmsg, poll, setsockopt/getsockopt) runs
# with every read and write of the kernel and of Rust checked against the buffers' bounds.
#
#   bash .ci/asan.sh
#
# Nightly `-Zsanitizer=address` with the standard library rebuilt (`-Zbuild-std`) so std is
# instrumented too, for the host target (required with build-std; it also keeps these
# artifacts apart from the normal build in target/x86_64-unknown-linux-gnu/).
# What runs: errq-sys's own unit, integration and doc-less tests (all features: tokio too),
# every live test `live_*` of errq-tests, which drive every errq-sys call against the real
# kernel in network namespaces, and the descriptor-leak test. Leak detection is on.
# Measured on the 2-core machine: 2m16s for all of it (1m08s with the instrumented std
# already built), so no live test is left out (22 test binaries after the io_uring merge).
# The flood tests are not run here: under ASan they would measure the sanitizer, and they
# go through the same calls as the live tests.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-unknown-linux-gnu

rustup component add rust-src --toolchain nightly >/dev/null

export RUSTFLAGS="-Zsanitizer=address"
export RUSTDOCFLAGS="-Zsanitizer=address"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1}"
cargo +nightly test -Zbuild-std --target "$TARGET" -p errq-sys --all-features --lib --tests
cargo +nightly test -Zbuild-std --target "$TARGET" -p errq-tests --test 'live_*' --test fd_leak
