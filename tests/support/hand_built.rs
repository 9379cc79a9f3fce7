//! ICMP errors the kernel will not make by itself, made to arrive anyway: A's probe goes
//! to R's blackhole route (dropped in silence) and R answers it with a hand-built ICMP
//! message from a raw socket ([`hand_built_error`]).

use std::io::{self, IoSlice};
use std::net::{IpAddr, SocketAddr, UdpSocket};

use errq_sys::{Received, RecvBuffers, SendMsg};

use crate::ffi;
use crate::packet;
use crate::topology::{addr, Topology};
use crate::wait::await_error;

/// The destination port of the probes [`hand_built_error`] answers.
pub const HAND_DPORT: u16 = 33999;

/// Make a hand-built ICMP (or ICMPv6, `v6`) error arrive on UDP socket `s` in A.
///
/// `s` (bound to the wildcard address in A, any port) sends `data` to the blackhole
/// [`addr::HOLE4`] / [`addr::HOLE6`] port [`HAND_DPORT`], where R drops it silently; R
/// answers with the ICMP message `icmp(quote)` returns, sent to A from a raw socket in R
/// (`quote` is the probe as R would see it: [`packet::udp4`]/[`packet::udp6`] of A's address
/// and `s`'s port, TTL/hop limit 63). For ICMPv4 the message must carry its own checksum
/// (the kernel fills ICMPv6's). Probe and answer are resent until an error is queued, as in
/// [`await_error`].
///
/// # Errors
/// A socket call failed, or nothing arrived.
pub fn hand_built_error<const P: usize, const C: usize>(
    topo: &Topology,
    v6: bool,
    s: &UdpSocket,
    data: &[u8],
    icmp: impl FnOnce(&[u8]) -> Vec<u8>,
    buffers: &mut RecvBuffers<P, C>,
) -> io::Result<Received> {
    let (a, hole) = if v6 {
        (IpAddr::from(addr::A6), IpAddr::from(addr::HOLE6))
    } else {
        (IpAddr::from(addr::A4), IpAddr::from(addr::HOLE4))
    };
    let dst = SocketAddr::new(hole, HAND_DPORT);
    let quote = packet::udp(SocketAddr::new(a, s.local_addr()?.port()), dst, data);
    let msg = icmp(&quote);
    let to = SocketAddr::new(a, 0);
    let raw = topo.r.run(|| {
        if v6 {
            ffi::socket(libc::AF_INET6, libc::SOCK_RAW, libc::IPPROTO_ICMPV6)
        } else {
            ffi::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP)
        }
    })?;
    let answer = [IoSlice::new(&msg)];
    await_error(s, buffers, || {
        s.send_to(data, dst)?;
        SendMsg::new(&answer).to(to).send(&raw).map(drop)
    })
}
