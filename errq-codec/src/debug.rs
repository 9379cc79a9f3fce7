//! `Debug` for the codec's open newtypes over kernel numbers: the constant's name and the
//! raw number, e.g. `Origin::ICMP(2)`, `Icmpv4Type::DEST_UNREACH(3)`, `TcpNla::BUSY(1)`; a
//! value without a constant prints as the bare newtype, e.g. `Origin(9)`. Codes (`Icmpv4Code`,
//! `Icmpv6Code`) keep the plain `Icmpv4Code(4)`: a code's name depends on its type, which
//! `Display` of the ICMP header and of [`Meaning`](crate::meaning::Meaning) spell out.
//!
//! ```
//! use errq_codec::ee::Origin;
//! use errq_codec::icmp::Icmpv4Type;
//!
//! assert_eq!(format!("{:?}", Origin::ICMP), "Origin::ICMP(2)");
//! assert_eq!(format!("{:?}", Origin(9)), "Origin(9)");
//! assert_eq!(format!("{:?}", Icmpv4Type(3)), "Icmpv4Type::DEST_UNREACH(3)");
//! ```
//!
//! The tables are the associated constants of each type, first name per value (so
//! `Origin::TXSTATUS`, equal to `TIMESTAMPING`, prints as `Origin::TIMESTAMPING(4)`); a unit
//! test checks every one against its constant. Every one of these types has its numbers
//! written as one table (`Origin`, `Icmpv4Type`, `Icmpv6Type`, `IpProtocol`, `TcpNla`,
//! `TstampKind`, `ObjectClass`: see `src/table.rs`), which generates its `Debug`; this module
//! holds their tests.

#[cfg(test)]
mod tests;
