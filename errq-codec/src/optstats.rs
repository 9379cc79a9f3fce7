//! `SCM_TIMESTAMPING_OPT_STATS`: TCP statistics (and J1939 ones) as netlink attributes.
//!
//! The attribute numbers belong to the protocol that sent them: `TCP_NLA_*` from
//! `tcp_get_timestamping_opt_stats` on a TCP socket (the only IP protocol that honours
//! `SOF_TIMESTAMPING_OPT_STATS`), `J1939_NLA_*` from `j1939_sk_get_timestamping_opt_stats`
//! on `SOL_CAN_J1939`. [`OptStats`] says which, from the level of the message's error
//! record; it never guesses from the numbers.
//!
//! Each attribute is a `struct nlattr` (`nla_len` u16, `nla_type` u16, host order) followed by
//! `nla_len - 4` bytes of payload, the next one starting at `NLA_ALIGN(nla_len)` (4 bytes).
//! [`NlAttrs`] yields each attribute bounded by its own length; a bad length yields one
//! error and ends the walk.

use crate::abi::Endian;
use crate::error::{Error, Reason, Structure};
use crate::table::table;

/// The statistics of a message, named by the protocol that sent them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptStats<'a> {
    /// `TCP_NLA_*` attributes (the error record came under `SOL_IP` or `SOL_IPV6`).
    Tcp(NlAttrs<'a>),
    /// `J1939_NLA_*` attributes (`SOL_CAN_J1939`): see [`crate::j1939::J1939Stats`].
    J1939(NlAttrs<'a>),
    /// Attributes of a protocol this crate cannot name (no error record, or another
    /// level): their numbers are not interpreted.
    Unknown(NlAttrs<'a>),
}

impl<'a> OptStats<'a> {
    /// The attributes, whatever the protocol.
    #[must_use]
    pub fn attrs(&self) -> NlAttrs<'a> {
        match self {
            Self::Tcp(a) | Self::J1939(a) | Self::Unknown(a) => a.clone(),
        }
    }

    /// The J1939 statistics, typed; `None` for another protocol.
    ///
    /// # Errors
    /// Those of [`crate::j1939::J1939Stats::decode`].
    pub fn j1939(&self) -> Option<Result<crate::j1939::J1939Stats, Error>> {
        match self {
            Self::J1939(a) => Some(crate::j1939::J1939Stats::decode(a.clone())),
            _ => None,
        }
    }
}

/// `NLA_HDRLEN`.
const NLA_HDRLEN: usize = 4;
/// `NLA_F_NESTED`.
const NLA_F_NESTED: u16 = 1 << 15;
/// `NLA_F_NET_BYTEORDER`.
const NLA_F_NET_BYTEORDER: u16 = 1 << 14;

/// A TCP statistic's attribute type (`enum { TCP_NLA_* }` in `linux/tcp.h`). An open
/// newtype.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TcpNla(pub u16);

table! {
    /// The kernel's name, e.g. `"TCP_NLA_BUSY"`; `None` when unknown.
    TcpNla::name, unknown "nla {}", Debug;
    /// Padding for 64-bit alignment.
    PAD = 0, "TCP_NLA_PAD", alias "TCP_NLA_PAD";
    /// Time busy sending data (us).
    BUSY = 1, "TCP_NLA_BUSY", alias "TCP_NLA_BUSY";
    /// Time limited by the receive window (us).
    RWND_LIMITED = 2, "TCP_NLA_RWND_LIMITED", alias "TCP_NLA_RWND_LIMITED";
    /// Time limited by the send buffer (us).
    SNDBUF_LIMITED = 3, "TCP_NLA_SNDBUF_LIMITED", alias "TCP_NLA_SNDBUF_LIMITED";
    /// Data segments sent.
    DATA_SEGS_OUT = 4, "TCP_NLA_DATA_SEGS_OUT", alias "TCP_NLA_DATA_SEGS_OUT";
    /// Data segments retransmitted.
    TOTAL_RETRANS = 5, "TCP_NLA_TOTAL_RETRANS", alias "TCP_NLA_TOTAL_RETRANS";
    /// Pacing rate (bytes/s).
    PACING_RATE = 6, "TCP_NLA_PACING_RATE", alias "TCP_NLA_PACING_RATE";
    /// Delivery rate (bytes/s).
    DELIVERY_RATE = 7, "TCP_NLA_DELIVERY_RATE", alias "TCP_NLA_DELIVERY_RATE";
    /// Congestion window.
    SND_CWND = 8, "TCP_NLA_SND_CWND", alias "TCP_NLA_SND_CWND";
    /// Reordering metric.
    REORDERING = 9, "TCP_NLA_REORDERING", alias "TCP_NLA_REORDERING";
    /// Minimum RTT (us).
    MIN_RTT = 10, "TCP_NLA_MIN_RTT", alias "TCP_NLA_MIN_RTT";
    /// Recurring retransmits of the current packet.
    RECUR_RETRANS = 11, "TCP_NLA_RECUR_RETRANS", alias "TCP_NLA_RECUR_RETRANS";
    /// Whether the delivery rate was application-limited.
    DELIVERY_RATE_APP_LMT = 12, "TCP_NLA_DELIVERY_RATE_APP_LMT", alias "TCP_NLA_DELIVERY_RATE_APP_LMT";
    /// Bytes in the write queue not yet acknowledged.
    SNDQ_SIZE = 13, "TCP_NLA_SNDQ_SIZE", alias "TCP_NLA_SNDQ_SIZE";
    /// Congestion-control state.
    CA_STATE = 14, "TCP_NLA_CA_STATE", alias "TCP_NLA_CA_STATE";
    /// Slow-start threshold.
    SND_SSTHRESH = 15, "TCP_NLA_SND_SSTHRESH", alias "TCP_NLA_SND_SSTHRESH";
    /// Data packets delivered.
    DELIVERED = 16, "TCP_NLA_DELIVERED", alias "TCP_NLA_DELIVERED";
    /// Data packets delivered with CE marks.
    DELIVERED_CE = 17, "TCP_NLA_DELIVERED_CE", alias "TCP_NLA_DELIVERED_CE";
    /// Data bytes sent, retransmissions included.
    BYTES_SENT = 18, "TCP_NLA_BYTES_SENT", alias "TCP_NLA_BYTES_SENT";
    /// Data bytes retransmitted.
    BYTES_RETRANS = 19, "TCP_NLA_BYTES_RETRANS", alias "TCP_NLA_BYTES_RETRANS";
    /// DSACK blocks received.
    DSACK_DUPS = 20, "TCP_NLA_DSACK_DUPS", alias "TCP_NLA_DSACK_DUPS";
    /// Reordering events seen.
    REORD_SEEN = 21, "TCP_NLA_REORD_SEEN", alias "TCP_NLA_REORD_SEEN";
    /// Smoothed RTT (us << 3).
    SRTT = 22, "TCP_NLA_SRTT", alias "TCP_NLA_SRTT";
    /// Timeouts since the last rehash.
    TIMEOUT_REHASH = 23, "TCP_NLA_TIMEOUT_REHASH", alias "TCP_NLA_TIMEOUT_REHASH";
    /// Bytes in the write queue not yet sent.
    BYTES_NOTSENT = 24, "TCP_NLA_BYTES_NOTSENT", alias "TCP_NLA_BYTES_NOTSENT";
    /// Earliest departure time (ns, CLOCK_MONOTONIC).
    EDT = 25, "TCP_NLA_EDT", alias "TCP_NLA_EDT";
    /// TTL or hop limit of the packet that triggered the report.
    TTL = 26, "TCP_NLA_TTL", alias "TCP_NLA_TTL";
    /// Path rehashes.
    REHASH = 27, "TCP_NLA_REHASH", alias "TCP_NLA_REHASH";
}

/// One netlink attribute. Its [`NlAttr::kind`] is typed as a TCP attribute; for
/// attributes of another protocol read the number (`kind.0`) with that protocol's type
/// (e.g. [`crate::j1939::J1939Nla`]), as [`OptStats`] says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[doc(alias = "nlattr")]
pub struct NlAttr<'a> {
    /// `nla_type` without the flag bits.
    pub kind: TcpNla,
    /// `NLA_F_NESTED` was set.
    pub nested: bool,
    /// `NLA_F_NET_BYTEORDER` was set.
    pub net_byteorder: bool,
    /// The payload, `nla_len - 4` bytes.
    pub payload: &'a [u8],
    endian: Endian,
}

impl NlAttr<'_> {
    /// The payload as an unsigned number, for 1, 2, 4 and 8-byte payloads (the sizes
    /// `nla_put_u8/u16/u32/u64` write); `None` otherwise.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        let e = if self.net_byteorder {
            Endian::Big
        } else {
            self.endian
        };
        match *self.payload {
            [a] => Some(u64::from(a)),
            [a, b] => Some(u64::from(e.u16([a, b]))),
            [a, b, c, d] => Some(u64::from(e.u32([a, b, c, d]))),
            [a, b, c, d, f, g, h, i] => Some(e.u64([a, b, c, d, f, g, h, i])),
            _ => None,
        }
    }
}

/// An iterator over the attributes of a `SCM_TIMESTAMPING_OPT_STATS` record.
#[derive(Clone, Debug)]
pub struct NlAttrs<'a> {
    rest: &'a [u8],
    endian: Endian,
    done: bool,
}

impl<'a> NlAttrs<'a> {
    /// Walk `data`, with `nla_len`/`nla_type` in `endian`.
    #[must_use]
    pub const fn new(data: &'a [u8], endian: Endian) -> Self {
        Self {
            rest: data,
            endian,
            done: false,
        }
    }

    /// The bytes not walked yet.
    #[must_use]
    pub const fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    fn step(&mut self) -> Result<Option<NlAttr<'a>>, Error> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let [l0, l1, t0, t1, ..] = *self.rest else {
            return Err(Error::truncated(
                Structure::NlAttr,
                NLA_HDRLEN,
                self.rest.len(),
            ));
        };
        let len = usize::from(self.endian.u16([l0, l1]));
        let ty = self.endian.u16([t0, t1]);
        if len < NLA_HDRLEN {
            return Err(Error::malformed(
                Structure::NlAttr,
                Reason::LengthBelowHeader {
                    length: len as u64,
                    minimum: NLA_HDRLEN,
                },
            ));
        }
        let attr = self.rest.get(..len).ok_or(Error::truncated(
            Structure::NlAttr,
            len,
            self.rest.len(),
        ))?;
        let payload = attr.get(NLA_HDRLEN..).unwrap_or(&[]);
        // NLA_ALIGN(len); the last attribute's padding may be missing.
        let next = len.saturating_add(3) & !3;
        self.rest = self.rest.get(next..).unwrap_or(&[]);
        Ok(Some(NlAttr {
            kind: TcpNla(ty & !(NLA_F_NESTED | NLA_F_NET_BYTEORDER)),
            nested: ty & NLA_F_NESTED != 0,
            net_byteorder: ty & NLA_F_NET_BYTEORDER != 0,
            payload,
            endian: self.endian,
        }))
    }
}

impl<'a> Iterator for NlAttrs<'a> {
    type Item = Result<NlAttr<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let step = self.step();
        crate::error::fuse(&mut self.done, step)
    }
}

impl core::iter::FusedIterator for NlAttrs<'_> {}

impl PartialEq for NlAttrs<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.rest == other.rest && self.endian == other.endian && self.done == other.done
    }
}

impl Eq for NlAttrs<'_> {}

/// Append one attribute (`kind`, `payload`) to `out` at `at`, padded to 4 bytes; returns the
/// new end.
///
/// # Errors
/// [`Error::NoSpace`] if it does not fit; [`Error::Malformed`] if the payload is longer
/// than `nla_len` can say.
pub fn encode_attr(
    kind: u16,
    payload: &[u8],
    endian: Endian,
    out: &mut [u8],
    at: usize,
) -> Result<usize, Error> {
    let len = payload.len().saturating_add(NLA_HDRLEN);
    let Ok(len16) = u16::try_from(len) else {
        return Err(Error::malformed(
            Structure::NlAttr,
            Reason::LengthOverflow { length: len as u64 },
        ));
    };
    let padded = len.saturating_add(3) & !3;
    let available = out.len().saturating_sub(at);
    let dst = out
        .get_mut(at..at.saturating_add(padded))
        .ok_or(Error::NoSpace {
            what: Structure::NlAttr,
            needed: padded,
            available,
        })?;
    dst.fill(0);
    let (hdr, body) = dst.split_at_mut(NLA_HDRLEN);
    let [l0, l1] = endian.u16_bytes(len16);
    let [t0, t1] = endian.u16_bytes(kind);
    hdr.copy_from_slice(&[l0, l1, t0, t1]);
    if let Some(b) = body.get_mut(..payload.len()) {
        b.copy_from_slice(payload);
    }
    Ok(at.saturating_add(padded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn walks_and_round_trips() {
        let mut b = [0u8; 64];
        let e = Endian::Little;
        let mut at = encode_attr(1, &7u64.to_le_bytes(), e, &mut b, 0).unwrap();
        at = encode_attr(14, &[3], e, &mut b, at).unwrap();
        at = encode_attr(8, &10u32.to_le_bytes(), e, &mut b, at).unwrap();
        assert_eq!(at, 12 + 8 + 8);
        let v: Vec<_> = NlAttrs::new(&b[..at], e).map(Result::unwrap).collect();
        assert_eq!(v.len(), 3);
        assert_eq!((v[0].kind, v[0].as_u64()), (TcpNla::BUSY, Some(7)));
        assert_eq!((v[1].kind, v[1].as_u64()), (TcpNla::CA_STATE, Some(3)));
        assert_eq!((v[2].kind, v[2].as_u64()), (TcpNla::SND_CWND, Some(10)));
        // The last attribute without its padding still decodes.
        assert_eq!(NlAttrs::new(&b[..at - 3], e).count(), 3);
    }

    #[test]
    fn bad_lengths_end_the_walk() {
        let b = [2u8, 0, 1, 0, 9, 9];
        let v: Vec<_> = NlAttrs::new(&b, Endian::Little).collect();
        assert_eq!(v.len(), 1);
        assert!(matches!(v[0], Err(Error::Malformed { .. })));
        let b = [8u8, 0, 1, 0, 9];
        let v: Vec<_> = NlAttrs::new(&b, Endian::Little).collect();
        assert_eq!(v, [Err(Error::truncated(Structure::NlAttr, 8, 5))]);
        let v: Vec<_> = NlAttrs::new(&b[..3], Endian::Little).collect();
        assert_eq!(v, [Err(Error::truncated(Structure::NlAttr, 4, 3))]);
    }
}
