//! [`Probe`]: a probe and the hop that answered it.

use core::net::{IpAddr, SocketAddr};

#[cfg(doc)]
use super::Message;

/// A probe and the hop that answered it, as [`Message::probe`] finds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe<'a> {
    /// The probe's destination address and port (`msg_name`).
    pub destination: Option<SocketAddr>,
    /// The hop that sent the ICMP error (the offender, v4-mapped addresses unmapped).
    pub hop: Option<IpAddr>,
    /// The TTL or hop limit the ICMP error arrived with (`IP_TTL` / `IPV6_HOPLIMIT`), for
    /// path asymmetry.
    pub icmp_ttl: Option<i32>,
    /// Source and destination ports quoted in the payload (TCP, raw IP).
    pub ports: Option<(u16, u16)>,
    /// Echo identifier and sequence number quoted in the payload (ping and raw ICMP
    /// sockets).
    pub echo: Option<(u16, u16)>,
    /// The probe's application data as quoted (UDP payload, data after the echo header).
    pub data: Option<&'a [u8]>,
}
