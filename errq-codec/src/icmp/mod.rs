//! ICMPv4 and ICMPv6: message types and codes.
//!
//! Types and codes are open newtypes ([`Icmpv4Type`], [`Icmpv4Code`], [`Icmpv6Type`],
//! [`Icmpv6Code`]): every IANA-registered value has a named constant and a name, and an
//! unknown value stays representable, never an error.

mod v4type;
mod v6type;

pub use v4type::{Icmpv4Code, Icmpv4Type};
pub use v6type::{Icmpv6Code, Icmpv6Type};
