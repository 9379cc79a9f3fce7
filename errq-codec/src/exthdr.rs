//! IPv6 extension-header control messages: `IPV6_HOPOPTS`, `IPV6_DSTOPTS`, `IPV6_RTHDR`,
//! `IPV6_RTHDRDSTOPTS`, and their RFC 2292 numbers (`IPV6_2292HOPOPTS` 3,
//! `IPV6_2292DSTOPTS` 4, `IPV6_2292RTHDR` 5, for a socket that asked with the old options).
//!
//! `ip6_datagram_recv_specific_ctl` (`net/ipv6/datagram.c`, called by `ipv6_recv_error`
//! for an ICMPv6 error when the socket set `IPV6_RECVHOPOPTS`, `IPV6_RECVDSTOPTS`,
//! `IPV6_RECVRTHDR`, ...) puts each header of the ICMPv6 packet that carried the error as
//! one control message holding the header itself: next header, length, then the options or
//! the routing data, `(hdrlen + 1) * 8` bytes. [`ExtHeaderRecord::headers`] reads it with the
//! extension-header walk of the quoted-IPv6 code ([`Ipv6ExtensionHeaders`]): lenient, a cut
//! header is an error of that walk, never a panic.
//!
//! ```
//! use errq_codec::exthdr::ExtHeaderRecord;
//! use errq_codec::ip::IpProtocol;
//!
//! // A hop-by-hop header with a router alert option (RFC 2711), next header ICMPv6.
//! let hbh = [58, 0, 5, 2, 0, 0, 1, 0];
//! let r = ExtHeaderRecord::new(54, &hbh);
//! assert_eq!(r.protocol(), IpProtocol::HOP_BY_HOP);
//! let h = r.headers().next().unwrap().unwrap();
//! assert_eq!(h.next_header(), IpProtocol::ICMPV6);
//! assert_eq!(h.bytes().len(), 8);
//! ```

use crate::ip::IpProtocol;
use crate::ip::{Ipv6ExtensionHeader, Ipv6ExtensionHeaders};

pub use crate::consts::{
    IPV6_2292DSTOPTS, IPV6_2292HOPOPTS, IPV6_2292RTHDR, IPV6_DSTOPTS, IPV6_HOPOPTS, IPV6_RTHDR,
    IPV6_RTHDRDSTOPTS,
};

/// The extension header a `SOL_IPV6` control-message type carries; `None` for other types.
#[must_use]
pub const fn protocol_of(cmsg_type: i32) -> Option<IpProtocol> {
    match cmsg_type {
        IPV6_HOPOPTS | IPV6_2292HOPOPTS => Some(IpProtocol::HOP_BY_HOP),
        IPV6_DSTOPTS | IPV6_RTHDRDSTOPTS | IPV6_2292DSTOPTS => Some(IpProtocol::IPV6_DEST_OPTIONS),
        IPV6_RTHDR | IPV6_2292RTHDR => Some(IpProtocol::IPV6_ROUTING),
        _ => None,
    }
}

/// One IPv6 extension-header control message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "IPV6_HOPOPTS")]
#[doc(alias = "IPV6_DSTOPTS")]
#[doc(alias = "IPV6_RTHDR")]
#[doc(alias = "IPV6_RTHDRDSTOPTS")]
pub struct ExtHeaderRecord<'a> {
    cmsg_type: i32,
    data: &'a [u8],
}

impl<'a> ExtHeaderRecord<'a> {
    /// The record of type `cmsg_type` (one of the `IPV6_*` constants of this module)
    /// holding `data`. Any bytes are accepted: the view is lenient.
    #[must_use]
    pub const fn new(cmsg_type: i32, data: &'a [u8]) -> Self {
        Self { cmsg_type, data }
    }

    /// `cmsg_type`.
    #[must_use]
    pub const fn cmsg_type(&self) -> i32 {
        self.cmsg_type
    }

    /// Whether the RFC 2292 number was used (`IPV6_2292*`).
    #[must_use]
    pub const fn rfc2292(&self) -> bool {
        matches!(
            self.cmsg_type,
            IPV6_2292HOPOPTS | IPV6_2292DSTOPTS | IPV6_2292RTHDR
        )
    }

    /// Which extension header the record holds (hop-by-hop options, destination options,
    /// routing); [`IpProtocol::HOP_BY_HOP`] for a type this module does not know.
    #[must_use]
    pub const fn protocol(&self) -> IpProtocol {
        match protocol_of(self.cmsg_type) {
            Some(p) => p,
            None => IpProtocol::HOP_BY_HOP,
        }
    }

    /// The record's bytes: the header as the kernel copied it.
    #[must_use]
    pub const fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// The header chain the record holds, first header [`ExtHeaderRecord::protocol`]:
    /// normally exactly one header. A header cut short yields one error and ends the walk.
    #[must_use]
    pub const fn headers(&self) -> Ipv6ExtensionHeaders<'a> {
        Ipv6ExtensionHeaders::starting(self.protocol(), self.data)
    }

    /// The first (normally the only) header.
    ///
    /// # Errors
    /// [`crate::Error::Truncated`] (`Ipv6ExtensionHeader`) if the record is shorter than the
    /// header's own length field says.
    pub fn header(&self) -> Result<Ipv6ExtensionHeader<'a>, crate::Error> {
        match self.headers().next() {
            Some(r) => r,
            None => Err(crate::Error::truncated(
                crate::Structure::Ipv6ExtensionHeader,
                8,
                self.data.len(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::Structure;

    #[test]
    fn every_type_names_its_header() {
        for (t, p, old) in [
            (54, IpProtocol::HOP_BY_HOP, false),
            (3, IpProtocol::HOP_BY_HOP, true),
            (59, IpProtocol::IPV6_DEST_OPTIONS, false),
            (55, IpProtocol::IPV6_DEST_OPTIONS, false),
            (4, IpProtocol::IPV6_DEST_OPTIONS, true),
            (57, IpProtocol::IPV6_ROUTING, false),
            (5, IpProtocol::IPV6_ROUTING, true),
        ] {
            let r = ExtHeaderRecord::new(t, &[]);
            assert_eq!((r.protocol(), r.rfc2292()), (p, old), "{t}");
        }
        assert_eq!(protocol_of(50), None);
    }

    #[test]
    fn cut_headers_are_errors() {
        // A routing header type 0 with one address: (2 + 1) * 8 = 24 bytes, cut to 10.
        let mut rh = [0u8; 24];
        rh[..4].copy_from_slice(&[58, 2, 0, 1]);
        let r = ExtHeaderRecord::new(IPV6_RTHDR, &rh);
        assert_eq!(r.header().unwrap().bytes().len(), 24);
        let r = ExtHeaderRecord::new(IPV6_RTHDR, &rh[..10]);
        assert_eq!(
            r.header(),
            Err(Error::truncated(Structure::Ipv6ExtensionHeader, 24, 10))
        );
        assert_eq!(
            ExtHeaderRecord::new(IPV6_DSTOPTS, &[]).header(),
            Err(Error::truncated(Structure::Ipv6ExtensionHeader, 8, 0))
        );
    }
}
