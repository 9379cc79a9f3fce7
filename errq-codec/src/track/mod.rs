//! Bookkeeping between sends and the reports the error queue returns for them: which send a
//! transmit timestamp belongs to, which zerocopy buffers the kernel released, and what was
//! lost on the way.
//!
//! Pure arithmetic on decoded numbers, with fixed capacity (const generics), no allocation
//! and no clock (the caller passes its own `now` where a timeout matters). Two trackers:
//! - [`TimestampTracker`]: the user registers "I sent key K (or, on TCP, bytes K..K+n)
//!   expecting stages S, token T", feeds [`TxReport`]s, and gets per send each stage's
//!   time, the latencies between stages, completion, and the sends whose reports were
//!   lost ([`timestamps`] says which kernel order this relies on).
//! - [`ZerocopyTracker`]: counters of `MSG_ZEROCOPY` sends, completed by the kernel's
//!   merged, wrapping `[lo, hi]` ranges; says which buffers may be reused and whether the
//!   kernel had to copy ([`zerocopy`]).
//!
//! The whole loop for timestamps (a datagram socket with `SO_TIMESTAMPING` =
//! `TX_SCHED|TX_SOFTWARE|SOFTWARE|OPT_ID|OPT_TSONLY`: keys count the sends from 0):
//!
//! ```
//! use core::time::Duration;
//! use errq_codec::timestamp::{Timespec, TstampKind};
//! use errq_codec::track::{Outcome, Stages, TimestampTracker, TxReport};
//!
//! let mut tracker: TimestampTracker<u64, 256> = TimestampTracker::datagram();
//! let mut now = Duration::ZERO; // the caller's monotonic clock
//!
//! // 1. Register each send right after it succeeded: key, stages, token, time.
//! for (key, packet) in [(0u32, 1000u64), (1, 1001), (2, 1002)] {
//!     tracker.register(key, Stages::SCHED | Stages::SND, packet, now).unwrap();
//! }
//!
//! // 2. Feed what the drain reads. With a real socket each report comes from a message:
//! //    `TxReport::from_message(&message)?` (or from an io_uring completion).
//! let t = |nsec| Timespec { sec: 100, nsec };
//! let reports = [
//!     TxReport::new(0, TstampKind::SCHED, t(1_000), false),
//!     TxReport::new(0, TstampKind::SND, t(1_800), false),
//!     // Key 1's reports were dropped (receive buffer full).
//!     TxReport::new(2, TstampKind::SCHED, t(3_000), false),
//!     TxReport::new(2, TstampKind::SND, t(3_500), false),
//! ];
//! let mut qdisc_ns = Vec::new();
//! for r in &reports {
//!     // 3. Read completions as they happen...
//!     if let Outcome::Complete(send) = tracker.feed(r) {
//!         let d = send.latency(TstampKind::SCHED, TstampKind::SND).unwrap();
//!         qdisc_ns.push((send.token, d.as_nanos()));
//!     }
//! }
//! assert_eq!(qdisc_ns, [(1000, 800), (1002, 500)]);
//!
//! // 4. ...and the losses: key 2's reports prove key 1's were dropped.
//! let lost = tracker.pop_lost().unwrap();
//! assert_eq!((lost.token, lost.key, lost.lost), (1001, 1, Stages::SCHED | Stages::SND));
//! assert_eq!(tracker.stats().lost_reports, 2);
//!
//! // 5. The last sends of a burst have no later report to reveal a loss: give them up
//! //    after a timeout on the caller's clock.
//! tracker.register(3, Stages::SCHED | Stages::SND, 1003, now).unwrap();
//! now += Duration::from_secs(1);
//! let gone = tracker.expire(now, Duration::from_millis(500)).unwrap();
//! assert_eq!((gone.token, gone.timed_out), (1003, Stages::SCHED | Stages::SND));
//! assert!(tracker.is_empty());
//! ```
//!
//! And for zerocopy, reusing buffers only when their completion arrived:
//!
//! ```
//! use core::time::Duration;
//! use errq_codec::meaning::ZerocopyRange;
//! use errq_codec::track::ZerocopyTracker;
//!
//! let mut buffers_in_flight: ZerocopyTracker<usize, 8> = ZerocopyTracker::new();
//! let mut free = vec![0usize, 1, 2, 3];
//! // Send from every free buffer (each successful send(MSG_ZEROCOPY) call: register).
//! while let Some(b) = free.pop() {
//!     buffers_in_flight.register(b, Duration::ZERO).unwrap();
//! }
//! // The drain reads `Meaning::Zerocopy(range)`: here one merged range for all four.
//! let range = ZerocopyRange { lo: 0, hi: 3, copied: false };
//! buffers_in_flight.complete(range, |_counter, b| free.push(b)).unwrap();
//! assert_eq!(free, [3, 2, 1, 0]);
//! assert_eq!(buffers_in_flight.stats().worth_keeping(), Some(true));
//! ```

mod error;
mod record;
mod report;
mod stages;
pub mod timestamps;
pub mod zerocopy;

pub use error::{RangeProblem, TrackError};
pub use record::{Outcome, SendRecord, TimestampStats, Unmatched};
pub use report::TxReport;
pub use stages::{Stages, Stamp};
pub use timestamps::TimestampTracker;
pub use zerocopy::{ZerocopyStats, ZerocopyTracker};

/// 2^31: keys within this distance after a reference are "after" it (RFC 1982).
pub(crate) const HALF: u32 = 1 << 31;

/// How far `key` is after `base`, modulo 2^32 (below [`HALF`]: after or equal).
#[inline]
pub(crate) const fn serial_offset(base: u32, key: u32) -> u32 {
    key.wrapping_sub(base)
}
