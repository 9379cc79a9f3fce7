//! SAE J1939 transfer status (`SOL_CAN_J1939` / `SCM_J1939_ERRQUEUE`).
//!
//! `__j1939_sk_errqueue` (`net/can/j1939/socket.c`) queues one message per state change of a
//! transport session on a socket that set `SO_J1939_ERRQUEUE`:
//!
//! | state | `ee_origin` | `ee_errno` | `ee_info` | statistics (`J1939_NLA_*`) |
//! | --- | --- | --- | --- | --- |
//! | TX scheduled / acknowledged | `TIMESTAMPING` | `ENOMSG` | `SCM_TSTAMP_SCHED` / `SCM_TSTAMP_ACK` | `BYTES_ACKED` (u32) |
//! | TX abort | `LOCAL` | the session's error | `J1939_EE_INFO_TX_ABORT` (1) | `BYTES_ACKED` |
//! | RX RTS (a transfer announced) | `LOCAL` | `ENOMSG` | `J1939_EE_INFO_RX_RTS` (2) | `TOTAL_SIZE` (u32), `PGN` (u32), `SRC_NAME` (u64), `DEST_NAME` (u64), `SRC_ADDR` (u8), `DEST_ADDR` (u8) |
//! | RX DPO (data packet offset) | `LOCAL` | `ENOMSG` | `J1939_EE_INFO_RX_DPO` (3) | `BYTES_ACKED` |
//! | RX abort | `LOCAL` | the session's error | `J1939_EE_INFO_RX_ABORT` (4) | `BYTES_ACKED` |
//!
//! `ee_data` is the session's OPT_ID key (with `SOF_TIMESTAMPING_OPT_ID`). The statistics
//! (`j1939_sk_get_timestamping_opt_stats`) are both the `SCM_TIMESTAMPING_OPT_STATS` record
//! and the payload. A `LOCAL` origin here is a session state, never an `EMSGSIZE`.
//!
//! ```
//! use errq_codec::abi::Endian;
//! use errq_codec::j1939::{J1939Nla, J1939Stats};
//! use errq_codec::optstats::{encode_attr, NlAttrs};
//!
//! let mut b = [0u8; 8];
//! encode_attr(J1939Nla::BYTES_ACKED.0, &14u32.to_le_bytes(), Endian::Little, &mut b, 0).unwrap();
//! let s = J1939Stats::decode(NlAttrs::new(&b, Endian::Little)).unwrap();
//! assert_eq!(s.bytes_acked, Some(14));
//! ```

use core::fmt;

use crate::ee::{Origin, SockExtendedErr};
use crate::errno::Errno;
use crate::error::{Error, Reason, Structure};
use crate::optstats::NlAttrs;
use crate::table::table;
use crate::timestamp::{ScmTimestamping, TstampKind};

/// `ee_info` of a J1939 `LOCAL` report (`enum { J1939_EE_INFO_* }` in
/// `include/uapi/linux/can/j1939.h`). An open newtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct J1939EeInfo(pub u32);

table! {
    /// The kernel's name, e.g. `"J1939_EE_INFO_TX_ABORT"`; `None` when unknown.
    J1939EeInfo::name, unknown "J1939 ee_info {}";
    /// `J1939_EE_INFO_NONE`.
    NONE = 0, "J1939_EE_INFO_NONE", alias "J1939_EE_INFO_NONE";
    /// `J1939_EE_INFO_TX_ABORT`: a transmit session was aborted.
    TX_ABORT = 1, "J1939_EE_INFO_TX_ABORT", alias "J1939_EE_INFO_TX_ABORT";
    /// `J1939_EE_INFO_RX_RTS`: a peer announced a transfer (request to send).
    RX_RTS = 2, "J1939_EE_INFO_RX_RTS", alias "J1939_EE_INFO_RX_RTS";
    /// `J1939_EE_INFO_RX_DPO`: an extended transfer's data packet offset arrived.
    RX_DPO = 3, "J1939_EE_INFO_RX_DPO", alias "J1939_EE_INFO_RX_DPO";
    /// `J1939_EE_INFO_RX_ABORT`: a receive session was aborted.
    RX_ABORT = 4, "J1939_EE_INFO_RX_ABORT", alias "J1939_EE_INFO_RX_ABORT";
}

/// A J1939 statistic's attribute type (`enum { J1939_NLA_* }` in
/// `include/uapi/linux/can/j1939.h`). An open newtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct J1939Nla(pub u16);

table! {
    /// The kernel's name, e.g. `"J1939_NLA_PGN"`; `None` when unknown.
    J1939Nla::name, unknown "J1939 nla {}";
    /// `J1939_NLA_PAD`: padding for 64-bit alignment.
    PAD = 0, "J1939_NLA_PAD", alias "J1939_NLA_PAD";
    /// `J1939_NLA_BYTES_ACKED` (u32): bytes acknowledged so far.
    BYTES_ACKED = 1, "J1939_NLA_BYTES_ACKED", alias "J1939_NLA_BYTES_ACKED";
    /// `J1939_NLA_TOTAL_SIZE` (u32): the size of the whole transfer.
    TOTAL_SIZE = 2, "J1939_NLA_TOTAL_SIZE", alias "J1939_NLA_TOTAL_SIZE";
    /// `J1939_NLA_PGN` (u32): the parameter group number.
    PGN = 3, "J1939_NLA_PGN", alias "J1939_NLA_PGN";
    /// `J1939_NLA_SRC_NAME` (u64): the sender's NAME.
    SRC_NAME = 4, "J1939_NLA_SRC_NAME", alias "J1939_NLA_SRC_NAME";
    /// `J1939_NLA_DEST_NAME` (u64): the receiver's NAME.
    DEST_NAME = 5, "J1939_NLA_DEST_NAME", alias "J1939_NLA_DEST_NAME";
    /// `J1939_NLA_SRC_ADDR` (u8): the sender's address.
    SRC_ADDR = 6, "J1939_NLA_SRC_ADDR", alias "J1939_NLA_SRC_ADDR";
    /// `J1939_NLA_DEST_ADDR` (u8): the receiver's address.
    DEST_ADDR = 7, "J1939_NLA_DEST_ADDR", alias "J1939_NLA_DEST_ADDR";
}

impl J1939Nla {
    /// The payload width `j1939_sk_get_timestamping_opt_stats` writes (`nla_put_u32`,
    /// `nla_put_u64_64bit`, `nla_put_u8`); `None` for padding and unknown attributes.
    #[must_use]
    pub const fn width(self) -> Option<usize> {
        match self.0 {
            1..=3 => Some(4),
            4 | 5 => Some(8),
            6 | 7 => Some(1),
            _ => None,
        }
    }
}

/// The `J1939_NLA_*` statistics of one report, typed. Absent attributes are `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct J1939Stats {
    /// `J1939_NLA_BYTES_ACKED`.
    pub bytes_acked: Option<u32>,
    /// `J1939_NLA_TOTAL_SIZE`.
    pub total_size: Option<u32>,
    /// `J1939_NLA_PGN`.
    pub pgn: Option<u32>,
    /// `J1939_NLA_SRC_NAME`.
    pub src_name: Option<u64>,
    /// `J1939_NLA_DEST_NAME`.
    pub dest_name: Option<u64>,
    /// `J1939_NLA_SRC_ADDR`.
    pub src_addr: Option<u8>,
    /// `J1939_NLA_DEST_ADDR`.
    pub dest_addr: Option<u8>,
    /// Attributes of other types (a newer kernel's), counted.
    pub others: u8,
}

impl J1939Stats {
    /// Read the attributes of a J1939 report.
    ///
    /// # Errors
    /// The walk errors of [`NlAttrs`]; [`Error::Malformed`] (`NlAttr`,
    /// [`Reason::UnexpectedSize`]) for a known attribute whose payload is not the width the
    /// kernel writes.
    pub fn decode(attrs: NlAttrs<'_>) -> Result<Self, Error> {
        let mut s = Self::default();
        for a in attrs {
            let a = a?;
            let kind = J1939Nla(a.kind.0);
            let Some(width) = kind.width() else {
                if kind != J1939Nla::PAD {
                    s.others = s.others.saturating_add(1);
                }
                continue;
            };
            let v = match a.as_u64() {
                Some(v) if a.payload.len() == width => v,
                _ => {
                    return Err(Error::malformed(
                        Structure::NlAttr,
                        Reason::UnexpectedSize {
                            size: a.payload.len(),
                        },
                    ))
                }
            };
            // The widths were checked: the casts keep every bit.
            #[allow(clippy::cast_possible_truncation)]
            match kind {
                J1939Nla::BYTES_ACKED => s.bytes_acked = Some(v as u32),
                J1939Nla::TOTAL_SIZE => s.total_size = Some(v as u32),
                J1939Nla::PGN => s.pgn = Some(v as u32),
                J1939Nla::SRC_NAME => s.src_name = Some(v),
                J1939Nla::DEST_NAME => s.dest_name = Some(v),
                J1939Nla::SRC_ADDR => s.src_addr = Some(v as u8),
                _ => s.dest_addr = Some(v as u8),
            }
        }
        Ok(s)
    }
}

/// Which state of a J1939 session a report names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum J1939State {
    /// A transmit step (`SO_EE_ORIGIN_TIMESTAMPING`): `SCM_TSTAMP_SCHED` when the session
    /// started, `SCM_TSTAMP_ACK` when the peer acknowledged all of it.
    Tx(TstampKind),
    /// `J1939_EE_INFO_TX_ABORT`.
    TxAbort,
    /// `J1939_EE_INFO_RX_RTS`.
    RxRts,
    /// `J1939_EE_INFO_RX_DPO`.
    RxDpo,
    /// `J1939_EE_INFO_RX_ABORT`.
    RxAbort,
    /// Another origin or `ee_info` (a newer kernel's), raw.
    Unknown {
        /// `ee_origin`.
        origin: Origin,
        /// `ee_info`.
        info: u32,
    },
}

/// A J1939 transfer status report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct J1939Status {
    /// The session state it reports.
    pub state: J1939State,
    /// `ee_errno` as written: `ENOMSG`, or an abort's error, possibly negative (see
    /// [`J1939Status::abort_errno`]).
    pub errno: Errno,
    /// `ee_data`: the session's `SOF_TIMESTAMPING_OPT_ID` key.
    pub key: u32,
    /// The `SO_TIMESTAMPING` record of the same message (filled by
    /// [`crate::message::Message::meaning`]).
    pub timestamps: Option<ScmTimestamping>,
    /// The `J1939_NLA_*` statistics (filled by [`crate::message::Message::meaning`] when
    /// the `SCM_TIMESTAMPING_OPT_STATS` record decodes).
    pub stats: Option<J1939Stats>,
}

impl J1939Status {
    /// Read `ee` as `__j1939_sk_errqueue` filled it.
    #[must_use]
    pub fn of(ee: &SockExtendedErr) -> Self {
        let state = match (ee.origin, J1939EeInfo(ee.info)) {
            (Origin::TIMESTAMPING, _) => J1939State::Tx(TstampKind(ee.info)),
            (Origin::LOCAL, J1939EeInfo::TX_ABORT) => J1939State::TxAbort,
            (Origin::LOCAL, J1939EeInfo::RX_RTS) => J1939State::RxRts,
            (Origin::LOCAL, J1939EeInfo::RX_DPO) => J1939State::RxDpo,
            (Origin::LOCAL, J1939EeInfo::RX_ABORT) => J1939State::RxAbort,
            (origin, _) => J1939State::Unknown {
                origin,
                info: ee.info,
            },
        };
        Self {
            state,
            errno: ee.errno,
            key: ee.data,
            timestamps: None,
            stats: None,
        }
    }

    /// Whether the state is an abort (TX or RX): [`J1939Status::abort_errno`] says why.
    #[must_use]
    pub const fn is_abort(&self) -> bool {
        matches!(self.state, J1939State::TxAbort | J1939State::RxAbort)
    }

    /// Why a session was aborted. `ee_errno` is the session's `err` as the transport code
    /// set it, positive (`j1939_xtp_abort_to_errno`, an abort from the peer) or negative
    /// (`-ETIME`, `-ENETDOWN`, ... from a local timeout): both are returned as the
    /// positive errno. `None` when the state is not an abort.
    #[must_use]
    pub const fn abort_errno(&self) -> Option<Errno> {
        if !self.is_abort() {
            return None;
        }
        let signed = i32::from_ne_bytes(self.errno.raw.to_ne_bytes());
        Some(Errno::new(signed.unsigned_abs(), self.errno.numbering))
    }
}

impl fmt::Display for J1939State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tx(k) => write!(f, "TX {k}"),
            Self::TxAbort => f.write_str("TX abort"),
            Self::RxRts => f.write_str("RX RTS"),
            Self::RxDpo => f.write_str("RX DPO"),
            Self::RxAbort => f.write_str("RX abort"),
            Self::Unknown { origin, info } => write!(f, "origin {} info {info}", origin.0),
        }
    }
}

impl fmt::Display for J1939Status {
    /// `J1939 TX abort key 3`, `J1939 RX RTS key 0`, ... (the errno is
    /// [`crate::meaning::Meaning::errno`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "J1939 {} key {}", self.state, self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    /// The names of `include/uapi/linux/can/j1939.h`, written out by hand.
    #[test]
    fn tables_are_the_kernel_header() {
        let info = [
            "J1939_EE_INFO_NONE",
            "J1939_EE_INFO_TX_ABORT",
            "J1939_EE_INFO_RX_RTS",
            "J1939_EE_INFO_RX_DPO",
            "J1939_EE_INFO_RX_ABORT",
        ];
        for (n, name) in (0u32..).zip(info) {
            assert_eq!(J1939EeInfo(n).name(), Some(name));
            assert_eq!(J1939EeInfo(n).to_string(), name);
        }
        assert_eq!(J1939EeInfo(5).to_string(), "J1939 ee_info 5");
        assert_eq!(J1939EeInfo::ALL.len(), 5);
        let nla = [
            "J1939_NLA_PAD",
            "J1939_NLA_BYTES_ACKED",
            "J1939_NLA_TOTAL_SIZE",
            "J1939_NLA_PGN",
            "J1939_NLA_SRC_NAME",
            "J1939_NLA_DEST_NAME",
            "J1939_NLA_SRC_ADDR",
            "J1939_NLA_DEST_ADDR",
        ];
        for (n, name) in (0u16..).zip(nla) {
            assert_eq!(J1939Nla(n).to_string(), name);
        }
        assert_eq!(J1939Nla(8).to_string(), "J1939 nla 8");
        assert_eq!(J1939Nla::ALL.len(), 8);
    }
}
