//! What the walk keeps of a message's records: the everyday companions (the two larger ones
//! as their checked bytes) and where the rarer ones are.

use crate::abi::Width;
use crate::record::Record;
use crate::timestamp::{self, Layout};

/// The companions that nearly every message that has any carries, decoded during the walk.
/// The others (and the count of unknown records) are decoded again from the control bytes
/// only when [`Message::companions`](super::Message::companions) is asked for, so a
/// `Message` stays small: it is built and moved on every message of a drain.
///
/// The two larger records are kept as their bytes (checked by the walk) and decoded again by
/// their accessors: two words each, where the decoded values cost the walk four
/// (`in_pktinfo`) and seven (`scm_timestamping`), in registers and stack slots on every
/// message.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Common<'a> {
    pub(super) ttl: Option<i32>,
    pub(super) tos: Option<u8>,
    /// The `IP_PKTINFO` data.
    pub(super) pktinfo: Option<&'a [u8]>,
    pub(super) hop_limit: Option<i32>,
    /// The `SO_TIMESTAMPING` data.
    pub(super) timestamping: Option<TimestampingAt<'a>>,
    /// Where the rarer records are.
    pub(super) rare: Rare,
}

/// The data of an `SO_TIMESTAMPING` record, as fixed-size arrays: the accessor reads them
/// without checking a length again.
#[derive(Clone, Copy, Debug)]
pub(super) enum TimestampingAt<'a> {
    /// Three 16-byte timespecs: `scm_timestamping64` (`Layout::New`), or the old layout
    /// with a 64-bit `time_t`.
    Wide(&'a [u8; 48], Layout),
    /// Three 8-byte timespecs: the old layout with a 32-bit `time_t`.
    Narrow(&'a [u8; 24]),
}

impl<'a> TimestampingAt<'a> {
    /// Where a record that decoded as `layout` under `time_t` is.
    #[inline(always)]
    pub(super) fn new(data: &'a [u8], layout: Layout, time_t: Width) -> Option<Self> {
        if timestamp::wide(layout, time_t) {
            data.first_chunk().map(|b| Self::Wide(b, layout))
        } else {
            data.first_chunk().map(Self::Narrow)
        }
    }
}

/// Where the walk saw the rarer companions that have their own accessor: the offset of
/// the record's `cmsghdr` plus one (0: not seen; `u32::MAX`: past 4 GiB, found again by a
/// walk). Decoded again from there on demand, so the walk stores four words, not the
/// values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Rare {
    /// Whether the control buffer holds any record that is neither the error nor one of the
    /// common companions (decoded or not).
    pub(super) any: bool,
    pub(super) tclass: u32,
    pub(super) pktinfo6: u32,
    pub(super) opt_stats: u32,
}

impl Rare {
    /// Note where a rare record is (the last of each kind wins).
    #[inline]
    pub(super) fn note(&mut self, r: &Record<'_>, offset: usize) {
        let at = u32::try_from(offset)
            .ok()
            .and_then(|o| o.checked_add(1))
            .unwrap_or(u32::MAX);
        match r {
            Record::TrafficClass(_) => self.tclass = at,
            Record::Pktinfo6(_) => self.pktinfo6 = at,
            Record::OptStats(_) => self.opt_stats = at,
            _ => {}
        }
    }
}
