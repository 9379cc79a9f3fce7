//! The one-line `Display` of a [`Message`].

use core::fmt;

use super::Message;
use crate::meaning::Meaning;

impl fmt::Display for Message<'_> {
    /// One line, the way a network engineer reads it, e.g. `ICMP time exceeded (TTL
    /// exceeded in transit) from 198.18.1.1 for 198.18.2.2:33434, errno EHOSTUNREACH,
    /// TTL 64`. Nothing is allocated. The destination is printed as the kernel gave it: an
    /// IPv4 LOCAL error on an unconnected socket shows port `:0` (see
    /// [`Message::destination`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((level, e)) = self.err() else {
            f.write_str("no error record")?;
            if self.control_truncated() {
                f.write_str(" (control truncated)")?;
            }
            if let Some(p) = self.problem {
                write!(f, " ({p})")?;
            }
            return Ok(());
        };
        let meaning = Meaning::at(level, &e.ee);
        write!(f, "{meaning}")?;
        if let Some(o) = e.offender() {
            write!(f, " from {}", o.ip())?;
        }
        if let Some(d) = self.destination() {
            write!(f, " for {d}")?;
        }
        if let Some(errno) = meaning.errno() {
            write!(f, ", errno {errno}")?;
        }
        if let Some(t) = self.common.ttl {
            write!(f, ", TTL {t}")?;
        }
        if let Some(t) = self.common.hop_limit {
            write!(f, ", hop limit {t}")?;
        }
        if let Some(ts) = self
            .timestamping()
            .and_then(|t| t.software().or(t.hardware()))
        {
            write!(f, ", at {ts}")?;
        }
        if self.control_truncated() {
            f.write_str(", control truncated")?;
        }
        if self.payload_truncated() {
            f.write_str(", payload truncated")?;
        }
        if let Some(p) = self.problem() {
            write!(f, " ({p})")?;
        }
        Ok(())
    }
}
