//! The `nix` variant: nix's `RecvMsg::cmsgs()` on a live loopback message of the same
//! layout as each capture (nix decodes only what `recvmsg` returned, never bytes).

use super::*;
use crate::baseline::{c_meaning, c_payload, from_sockaddr_in, from_sockaddr_in6, set_ee};
/// A live message received with nix, kept for decoding again and again.
pub(crate) struct Live {
    msg: RecvMsg<'static, 'static, SockaddrStorage>,
    payload: &'static [u8],
}

fn recv_live(sock: &UdpSocket) -> Live {
    support::wait_err(sock).expect("an error queued");
    let control: &'static mut [u8] = Box::leak(vec![0u8; 512].into_boxed_slice());
    let payload: *mut [u8] = Box::into_raw(vec![0u8; 4096].into_boxed_slice());
    // SAFETY: a fresh allocation, never freed; this &mut is the only reference to it until
    // recvmsg returned.
    let iov_buf: &'static mut [u8] = unsafe { &mut *payload };
    let iov: &'static mut [IoSliceMut<'static>] = Box::leak(Box::new([IoSliceMut::new(iov_buf)]));
    let msg =
        recvmsg::<SockaddrStorage>(sock.as_raw_fd(), iov, Some(control), MsgFlags::MSG_ERRQUEUE)
            .expect("recvmsg");
    // SAFETY: the kernel wrote the payload during recvmsg; nothing writes through the
    // IoSliceMut afterwards (RecvMsg keeps only the control buffer and the address), so a
    // shared view of the bytes it returned is the only live use.
    let payload = unsafe { &(&*payload)[..msg.bytes] };
    Live { msg, payload }
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| i as u8).collect()
}

/// A live message of the same kind and layout as capture `name`, or `None` (RFC 4884).
pub(crate) fn live_like(name: &str) -> Option<Live> {
    let lo4 = "127.0.0.1";
    match name {
        "udp4_port_unreach_lo" | "udp4_ttl_exceeded" => {
            let s = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            errq_sys::set_ip_recverr(&s, true).ok()?;
            if name == "udp4_ttl_exceeded" {
                errq_sys::set_ip_pktinfo(&s, true).ok()?;
                errq_sys::set_ip_recvttl(&s, true).ok()?;
                support::set_int(&s, libc::SOL_IP, libc::IP_RECVTOS, 1).ok()?;
            }
            s.send_to(&data(32), support::closed_port(lo4)).ok()?;
            Some(recv_live(&s))
        }
        "udp6_packet_too_big" => {
            // Same layout as a packet too big: one IPV6_RECVERR with a sockaddr_in6.
            let s = UdpSocket::bind("[::1]:0").ok()?;
            errq_sys::set_ipv6_recverr(&s, true).ok()?;
            s.send_to(&data(32), support::closed_port("[::1]")).ok()?;
            Some(recv_live(&s))
        }
        "udp4_tstamp_snd" => {
            let rx = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            let s = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            s.connect(rx.local_addr().ok()?).ok()?;
            use errq_sys::Timestamping as T;
            let flags = T::TX_SOFTWARE.0 | T::SOFTWARE.0 | T::OPT_ID.0;
            errq_sys::set_so_timestamping(&s, errq_sys::Timestamping(flags)).ok()?;
            s.send(&data(64)).ok()?;
            Some(recv_live(&s))
        }
        "udp4_zerocopy" => {
            let rx = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            let s = UdpSocket::bind(format!("{lo4}:0")).ok()?;
            s.connect(rx.local_addr().ok()?).ok()?;
            errq_sys::set_so_zerocopy(&s, true).ok()?;
            let buf = data(1000);
            nix::sys::socket::send(
                s.as_raw_fd(),
                &buf,
                MsgFlags::from_bits_retain(libc::MSG_ZEROCOPY),
            )
            .ok()?;
            Some(recv_live(&s))
        }
        _ => None,
    }
}

#[inline(never)]
pub(crate) fn nix_decode(live: &Live, kind: Kind) -> Decoded<'static> {
    let mut d = Decoded::default();
    if let Ok(cmsgs) = live.msg.cmsgs() {
        for cm in cmsgs {
            match cm {
                ControlMessageOwned::Ipv4RecvErr(ee, off) => {
                    set_ee(&mut d, &ee);
                    d.offender = off.as_ref().map(from_sockaddr_in);
                }
                ControlMessageOwned::Ipv6RecvErr(ee, off) => {
                    set_ee(&mut d, &ee);
                    d.offender = off.as_ref().map(from_sockaddr_in6);
                }
                ControlMessageOwned::Ipv4Ttl(t) => d.ttl = Some(t),
                ControlMessageOwned::Ipv4Tos(t) => d.tos = Some(t),
                ControlMessageOwned::Ipv4PacketInfo(pi) => {
                    d.pktinfo = Some((
                        pi.ipi_ifindex,
                        Ipv4Addr::from(u32::from_be(pi.ipi_spec_dst.s_addr)),
                        Ipv4Addr::from(u32::from_be(pi.ipi_addr.s_addr)),
                    ));
                }
                ControlMessageOwned::ScmTimestampsns(ts) => {
                    let t = |x: nix::sys::time::TimeSpec| (x.tv_sec(), x.tv_nsec());
                    d.timestamping = Some([t(ts.system), t(ts.hw_trans), t(ts.hw_raw)]);
                }
                _ => {}
            }
        }
    }
    d.destination = live.msg.address.as_ref().and_then(|a| {
        if let Some(v4) = a.as_sockaddr_in() {
            Some(SocketAddr::V4(SocketAddrV4::from(*v4)))
        } else {
            a.as_sockaddr_in6()
                .map(|v6| SocketAddr::V6(SocketAddrV6::from(*v6)))
        }
    });
    c_meaning(&mut d);
    c_payload(&mut d, live.payload, kind);
    d
}
