//! Decode and encode everything the Linux socket error queue hands back.
//!
//! (Crate docs with a runnable example on real captured bytes: see below.)
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::indexing_slicing, clippy::arithmetic_side_effects))]

#[cfg(test)]
extern crate std;

pub mod abi;
pub mod addr;
pub mod cmsg;
pub mod ee;
pub mod errno;
pub mod error;
pub mod meaning;
pub mod message;
pub mod optstats;
pub mod record;
pub mod timestamp;

pub mod checksum;
pub mod ext;
pub mod icmp;
pub mod ip;
pub mod payload;

pub use error::{Error, Reason, Structure};
