//! Integration tests for errq: see the files under `tests/tests/`.

pub mod netns;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
