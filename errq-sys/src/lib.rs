//! Thin safe shim over `libc` for the Linux socket error queue.
