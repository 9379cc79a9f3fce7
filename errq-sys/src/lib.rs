//! Thin safe shim over `libc` for the Linux socket error queue (`MSG_ERRQUEUE`).
//!
//! Four things, on any socket that is [`AsFd`](std::os::fd::AsFd) (`std::net::UdpSocket`,
//! `socket2::Socket`, `tokio::net::UdpSocket`, ...):
//!
//! 1. **Enable**: one small function per socket option ([`set_recverr`],
//!    [`set_ip_recverr`], [`set_ipv6_recverr_rfc4884`], [`set_so_timestamping`], ...).
//! 2. **Receive**: [`recv_error`] / [`RecvBuffers::recv`] read one message with
//!    `recvmsg(MSG_ERRQUEUE | MSG_DONTWAIT)` into caller-owned buffers; an empty queue is
//!    `Ok(None)`. [`BatchBuffers`] drains many per `recvmmsg` call.
//! 3. **Wait**: [`wait_error`] blocks until `POLLERR` with a timeout; with the `tokio`
//!    feature, the `tokio` module waits and reads asynchronously.
//! 4. **Decode**: the bytes go to [`errq_codec`], which turns them into a
//!    [`Message`](errq_codec::message::Message) view; see [`Received::message`].
//!
//! Nothing here allocates. All `unsafe` of the errq workspace lives in this crate: one block
//! per system call, each with its safety argument.
//!
//! ```no_run
//! # fn main() -> std::io::Result<()> {
//! use std::time::Duration;
//! use errq_sys::{set_recverr, wait_error, RecvBuffers, WaitOutcome};
//!
//! let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
//! set_recverr(&socket, true)?;
//! socket.send_to(b"probe", "127.0.0.1:9")?; // nothing listens on port 9
//! if wait_error(&socket, Some(Duration::from_secs(1)))? == WaitOutcome::Ready {
//!     let mut buffers: RecvBuffers = RecvBuffers::new();
//!     while let Some((_received, message)) = buffers.recv_message(&socket)? {
//!         println!("{message}"); // ICMP port unreachable from 127.0.0.1 ...
//!     }
//! }
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::indexing_slicing, clippy::arithmetic_side_effects))]

mod batch;
mod buffer;
pub mod family;
mod recv;
mod send;
pub mod sockopt;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
#[cfg(all(feature = "io-uring", target_pointer_width = "64"))]
#[cfg_attr(
    docsrs,
    doc(cfg(all(feature = "io-uring", target_pointer_width = "64")))
)]
pub mod uring;
mod wait;

pub use batch::BatchBuffers;
pub use buffer::{error_control_space, ControlBuffer, NameBuffer, ERROR_CONTROL_SPACE, NAME_SPACE};
pub use recv::{decode, recv_error, Received, RecvBuffers, DEFAULT_PAYLOAD_SPACE};
pub use send::{SendMsg, SEND_CONTROL_SPACE};
pub use sockopt::*;
pub use wait::{wait_error, WaitOutcome};

/// The codec this crate hands its bytes to, re-exported so versions always match.
pub use errq_codec as codec;
