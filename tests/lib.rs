//! Integration tests for errq: see the files under `tests/tests/`. What they share lives in
//! `tests/support/`, one concept per module: namespaces, the `A - R - B` topology,
//! hand-built packets and the ICMP errors made from them, the sockets the tests keep
//! opening, bounded waits on the error queue, the runner of the table-driven tests, and
//! the few `libc` calls (the only `unsafe` here, in [`ffi`]).

#[path = "support/ffi.rs"]
pub mod ffi;
#[path = "support/hand_built.rs"]
pub mod hand_built;
#[path = "support/netns.rs"]
pub mod netns;
#[path = "support/packet.rs"]
pub mod packet;
#[path = "support/sockets.rs"]
pub mod sockets;
#[path = "support/table.rs"]
pub mod table;
#[path = "support/topology.rs"]
pub mod topology;
#[path = "support/wait.rs"]
pub mod wait;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
