//! Decode and encode everything the Linux socket error queue hands back.
//!
//! `recvmsg(fd, &msg, MSG_ERRQUEUE)` returns a control buffer (a chain of `cmsghdr` records
//! ending in a `struct sock_extended_err` and the offender's address), `msg_flags`, the
//! original destination in `msg_name`, and a payload quoting what was sent. This crate turns
//! those bytes into typed views that borrow them: no `unsafe`, no allocation, no `std`, and
//! any Linux ABI (a capture from a 32-bit MIPS router decodes on an x86_64 laptop).
//!
//! ```
//! use errq_codec::abi::Abi;
//! use errq_codec::meaning::Meaning;
//! use errq_codec::message::Message;
//!
//! // Captured from the kernel by a 32-bit (i686) program: a UDP datagram to
//! // 127.0.0.1:9, which has no listener, with IP_RECVERR set. The cmsghdr is 12 bytes.
//! let control = [
//!     44, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, // cmsg_len 44, SOL_IP, IP_RECVERR
//!     111, 0, 0, 0, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, // sock_extended_err
//!     2, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, // offender 127.0.0.1
//! ];
//! let name = [2, 0, 0, 9, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
//! let msg = Message::decode_with(&Abi::I686, &control, 0x2000, &name, b"hello");
//!
//! let Some(Meaning::Icmp(icmp)) = msg.meaning() else { panic!("not an ICMP error") };
//! assert_eq!(icmp.errno.name(), Some("ECONNREFUSED"));
//! assert!(icmp.is_fatal());
//! assert_eq!(msg.offender(), Some("127.0.0.1:0".parse().unwrap()));
//! assert_eq!(msg.destination(), Some("127.0.0.1:9".parse().unwrap()));
//! assert_eq!(
//!     msg.to_string(),
//!     "ICMP destination unreachable (port unreachable) from 127.0.0.1 for 127.0.0.1:9, \
//!      errno ECONNREFUSED"
//! );
//! ```
//!
//! # The map
//!
//! Bytes flow one way: the kernel fills a `recvmsg(MSG_ERRQUEUE)`, errq-sys (or your own
//! code) hands the buffers to this crate, and typed views that borrow them come out. One
//! message takes this path through the modules:
//!
//! ```text
//! message::Message::decode  (the whole recvmsg: control bytes, msg_flags, name, payload)
//!   ├─ cmsg      the cmsghdr walk, one step per layout (cmsg::layout), for an abi::Abi
//!   │  └─ record     each record typed (record::Record), unknown ones raw
//!   │     ├─ ee          sock_extended_err and the offender (level: which family's record)
//!   │     │  └─ meaning  what it means, by origin and level (errno: the errno table)
//!   │     └─ timestamp, optstats, exthdr, j1939: the companion records
//!   └─ payload   the quoted datagram (Message::probe)
//!      ├─ ip         its IPv4/IPv6 and transport headers
//!      └─ ext        its RFC 4884 extension (MPLS labels, interface information)
//! ```
//!
//! The rooms:
//!
//! | room | modules | for |
//! | --- | --- | --- |
//! | the error-queue path | [`message`], [`cmsg`], [`record`], [`ee`], [`meaning`], [`level`], [`payload`], [`ip`], [`ext`] | decoding what `recvmsg(MSG_ERRQUEUE)` returned |
//! | its records and numbers | [`timestamp`], [`optstats`], [`exthdr`], [`j1939`], [`errno`], [`addr`], [`consts`] (every kernel number, once), [`abi`] | the pieces those views are made of |
//! | the send side | [`send`], [`tsflags`], [`track`], [`uring`] | control data for `sendmsg`, matching reports to sends, io_uring completions |
//! | the raw-socket room | [`icmp`] (`Icmpv4Packet`, `Icmpv6Packet`, `IcmpErrorPacket`) | whole ICMP messages from a raw socket or a capture: **not** on the error-queue path, where the kernel has already removed the ICMP header |
//! | tools | [`error`], [`checksum`] | typed errors; the Internet checksum |
//!
//! Every decoder checks every length: whatever the bytes, it returns an [`Error`] that says
//! which structure failed and why, and never panics.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Tests index fixed arrays and do arithmetic on known-small numbers; a panic there is a
// test failure, which is what a test is for.
#![cfg_attr(
    test,
    allow(
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation
    )
)]

#[cfg(test)]
extern crate std;

pub mod abi;
pub mod addr;
pub mod cmsg;
pub mod consts;
pub mod ee;
pub mod errno;
pub mod error;
pub mod exthdr;
pub mod j1939;
pub mod level;
pub mod meaning;
pub mod message;
pub mod optstats;
pub mod record;
pub mod send;
pub mod timestamp;
pub mod track;
pub mod tsflags;
pub mod uring;

mod debug;
mod table;

pub mod checksum;
pub mod ext;
pub mod icmp;
pub mod ip;
pub mod payload;

pub use error::{Error, Reason, Structure};

/// The README's example, run as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
