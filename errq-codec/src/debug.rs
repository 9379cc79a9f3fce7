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
//! test checks every one against its constant. The types whose numbers are written as one
//! table (`Origin`, `Icmpv4Type`, `Icmpv6Type`, `IpProtocol`, `TcpNla`: see `src/table.rs`) get their
//! `Debug` generated from it; the others are written here.

use core::fmt;

impl fmt::Debug for crate::timestamp::TstampKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            0 => "SND",
            1 => "SCHED",
            2 => "ACK",
            3 => "COMPLETION",
            _ => return write!(f, "TstampKind({})", self.0),
        };
        write!(f, "TstampKind::{name}({})", self.0)
    }
}

impl fmt::Debug for crate::ext::ObjectClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            1 => "MPLS_LABEL_STACK",
            2 => "INTERFACE_INFORMATION",
            3 => "INTERFACE_IDENTIFICATION",
            _ => return write!(f, "ObjectClass({})", self.0),
        };
        write!(f, "ObjectClass::{name}({})", self.0)
    }
}

#[cfg(test)]
mod tests;
