//! Live drain: fill a UDP socket's error queue with N real loopback port-unreachable errors,
//! then drain it, reading for each message its errno, origin and offender:
//!
//! - `errq_single`: `errq_sys::RecvBuffers::recv_message` (one `recvmsg` per message, then
//!   `Message::decode`);
//! - `errq_batch`: `errq_sys::BatchBuffers::<32>::drain` (`recvmmsg`, 32 per call);
//! - `nix_recvmsg`: a `nix::sys::socket::recvmsg` loop, `RecvMsg::cmsgs()`;
//! - `libc_recvmsg` and `libc_recvmmsg` (32 per call): the floor, what C code does, with
//!   `CMSG_FIRSTHDR`/`CMSG_NXTHDR` and unchecked casts.
//!
//! Every variant uses the same buffer sizes (2048 payload bytes, errq's control space, a
//! `sockaddr_storage`). Only the drain is timed, not the fill. The bench runs in a network
//! namespace of its own (`unshare(CLONE_NEWNET)`, root) with ICMP rate limiting off, so the
//! kernel queues every error; without root it says so and exits.
//!
//! `cargo bench -p errq-tests --bench drain`; ratios printed at the end.

#![allow(missing_docs, unreachable_pub)] // a bench binary, no public API
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // bench code
#![allow(clippy::cast_possible_truncation)] // C-style casts in the floor, as C writes them

mod support;

use std::hint::black_box;
use std::io::IoSliceMut;
use std::mem::size_of;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::ptr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use errq_sys::{BatchBuffers, RecvBuffers, ERROR_CONTROL_SPACE, NAME_SPACE};
use nix::sys::socket::{recvmsg, ControlMessageOwned, MsgFlags, SockaddrStorage};

/// Messages per fill.
const N: usize = 256;
/// Messages per `recvmmsg` call (errq and libc alike).
const BATCH: usize = 32;
/// Payload buffer per message.
const PAYLOAD: usize = 2048;

/// A folded summary of what was read, so nothing is optimised away: (messages, sum).
type Tally = (usize, u64);

fn fold(t: &mut Tally, errno: u32, origin: u8, offender: Option<SocketAddr>) {
    t.0 += 1;
    t.1 = t.1.wrapping_add(u64::from(errno) + u64::from(origin));
    if let Some(o) = offender {
        t.1 =
            t.1.wrapping_add(u64::from(o.port()) + u64::from(o.is_ipv4()));
    }
}

// ---------------------------------------------------------------------------------------
// The setup: a private network namespace, lo up, ICMP not rate limited.

fn private_netns() -> Result<(), String> {
    // SAFETY: unshare has no memory-safety preconditions; it moves this thread (the only
    // one so far) into a new network namespace.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        return Err(format!(
            "unshare(CLONE_NEWNET): {}",
            std::io::Error::last_os_error()
        ));
    }
    // lo up: SIOCGIFFLAGS/SIOCSIFFLAGS on any socket.
    let s = UdpSocket::bind("0.0.0.0:0").or_else(|_| {
        // No address yet in the new namespace: 0.0.0.0 binds without lo up.
        UdpSocket::bind("0.0.0.0:0")
    });
    let s = s.map_err(|e| format!("socket: {e}"))?;
    // SAFETY: an all-zero ifreq is valid; the name fits; the ioctls read and write only it.
    unsafe {
        let mut ifr: libc::ifreq = std::mem::zeroed();
        for (d, b) in ifr.ifr_name.iter_mut().zip(b"lo\0") {
            *d = *b as libc::c_char;
        }
        if libc::ioctl(s.as_raw_fd(), libc::SIOCGIFFLAGS, &raw mut ifr) != 0 {
            return Err(format!("SIOCGIFFLAGS: {}", std::io::Error::last_os_error()));
        }
        ifr.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(s.as_raw_fd(), libc::SIOCSIFFLAGS, &raw mut ifr) != 0 {
            return Err(format!("SIOCSIFFLAGS: {}", std::io::Error::last_os_error()));
        }
    }
    for (path, value) in [
        ("/proc/sys/net/ipv4/icmp_ratelimit", "0"),
        ("/proc/sys/net/ipv4/icmp_ratemask", "0"),
        ("/proc/sys/net/ipv4/icmp_msgs_per_sec", "1000000"),
        ("/proc/sys/net/ipv4/icmp_msgs_burst", "1000000"),
    ] {
        // Best effort: older kernels have some of these per host only.
        let _ = std::fs::write(path, value);
    }
    Ok(())
}

struct Queue {
    sock: UdpSocket,
    dest: SocketAddr,
    probe: [u8; 32],
}

impl Queue {
    fn new() -> Queue {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("bind");
        errq_sys::set_ip_recverr(&sock, true).expect("IP_RECVERR");
        // Room for every entry: SO_RCVBUFFORCE (root) past rmem_max.
        support::set_int(&sock, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, 64 << 20)
            .expect("SO_RCVBUFFORCE");
        let mut probe = [0u8; 32];
        for (i, b) in probe.iter_mut().enumerate() {
            *b = i as u8;
        }
        Queue {
            sock,
            dest: support::closed_port("127.0.0.1"),
            probe,
        }
    }

    /// Queue `N` port-unreachable errors (loopback delivers the ICMP error before
    /// `sendto` returns). Each error also sets `SO_ERROR`, which fails the next `sendto`
    /// once (that datagram is not sent): send until `N` went out.
    fn fill(&self) {
        let mut sent = 0;
        while sent < N {
            match self.sock.send_to(&self.probe, self.dest) {
                Ok(_) => sent += 1,
                Err(e) if e.raw_os_error() == Some(libc::ECONNREFUSED) => {}
                Err(e) => panic!("sendto: {e}"),
            }
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

// ---------------------------------------------------------------------------------------
// errq

fn errq_single(fd: BorrowedFd<'_>, bufs: &mut RecvBuffers<PAYLOAD>) -> Tally {
    let mut t = (0, 0);
    while let Some((_, m)) = bufs.recv_message(fd).expect("recv") {
        if let Some(e) = m.error() {
            fold(&mut t, e.ee.errno.raw, e.ee.origin.0, e.offender());
        }
    }
    t
}

fn errq_batch(fd: BorrowedFd<'_>, bufs: &mut BatchBuffers<BATCH, PAYLOAD>) -> Tally {
    let mut t = (0, 0);
    bufs.drain(fd, |_, m| {
        if let Some(e) = m.error() {
            fold(&mut t, e.ee.errno.raw, e.ee.origin.0, e.offender());
        }
    })
    .expect("drain");
    t
}

// ---------------------------------------------------------------------------------------
// nix

fn nix_loop(fd: BorrowedFd<'_>, payload: &mut [u8], control: &mut [u8]) -> Tally {
    let mut t = (0, 0);
    loop {
        let mut iov = [IoSliceMut::new(payload)];
        match recvmsg::<SockaddrStorage>(
            fd.as_raw_fd(),
            &mut iov,
            Some(&mut *control),
            MsgFlags::MSG_ERRQUEUE | MsgFlags::MSG_DONTWAIT,
        ) {
            Ok(r) => {
                for c in r.cmsgs().expect("cmsgs") {
                    if let ControlMessageOwned::Ipv4RecvErr(ee, off) = c {
                        let off = off.map(|a| {
                            SocketAddr::from((
                                u32::from_be(a.sin_addr.s_addr).to_be_bytes(),
                                u16::from_be(a.sin_port),
                            ))
                        });
                        fold(&mut t, ee.ee_errno, ee.ee_origin, off);
                    }
                }
            }
            Err(nix::errno::Errno::EAGAIN) => return t,
            Err(e) => panic!("recvmsg: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// libc, as C code does it

#[repr(C, align(8))]
struct Slot {
    payload: [u8; PAYLOAD],
    control: [u8; ERROR_CONTROL_SPACE],
    name: libc::sockaddr_storage,
}

impl Slot {
    fn new() -> Slot {
        Slot {
            payload: [0; PAYLOAD],
            control: [0; ERROR_CONTROL_SPACE],
            // SAFETY: an all-zero sockaddr_storage is valid.
            name: unsafe { std::mem::zeroed() },
        }
    }
}

/// The IP_RECVERR of one received message, as C reads it.
///
/// # Safety
/// `mh` must describe a control buffer that `recvmsg` filled (`msg_controllen` as returned).
unsafe fn c_walk(mh: &libc::msghdr, t: &mut Tally) {
    // SAFETY: the caller's guarantee; CMSG_NXTHDR stays inside msg_controllen; the casts
    // trust cmsg_len and the kernel, as C code does.
    unsafe {
        let mut cm = libc::CMSG_FIRSTHDR(mh);
        while !cm.is_null() {
            if (*cm).cmsg_level == libc::SOL_IP && (*cm).cmsg_type == libc::IP_RECVERR {
                let data = libc::CMSG_DATA(cm).cast_const();
                let ee = ptr::read_unaligned(data.cast::<libc::sock_extended_err>());
                let off = data.add(size_of::<libc::sock_extended_err>());
                let sin = ptr::read_unaligned(off.cast::<libc::sockaddr_in>());
                let offender = (i32::from(sin.sin_family) == libc::AF_INET).then(|| {
                    SocketAddr::from((
                        u32::from_be(sin.sin_addr.s_addr).to_be_bytes(),
                        u16::from_be(sin.sin_port),
                    ))
                });
                fold(t, ee.ee_errno, ee.ee_origin, offender);
            }
            cm = libc::CMSG_NXTHDR(mh, cm);
        }
    }
}

fn libc_recvmsg(fd: BorrowedFd<'_>, slot: &mut Slot) -> Tally {
    let mut t = (0, 0);
    let mut iov = libc::iovec {
        iov_base: slot.payload.as_mut_ptr().cast(),
        iov_len: PAYLOAD,
    };
    // SAFETY: an all-zero msghdr is valid.
    let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
    mh.msg_iov = &raw mut iov;
    mh.msg_iovlen = 1;
    loop {
        mh.msg_name = (&raw mut slot.name).cast();
        mh.msg_namelen = NAME_SPACE as libc::socklen_t;
        mh.msg_control = slot.control.as_mut_ptr().cast();
        mh.msg_controllen = ERROR_CONTROL_SPACE as _;
        // SAFETY: every pointer in mh points into `slot`/`iov`, live for the call, with
        // the lengths given.
        let n = unsafe {
            libc::recvmsg(
                fd.as_raw_fd(),
                &raw mut mh,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
            )
        };
        if n < 0 {
            return t;
        }
        // SAFETY: recvmsg filled mh's control buffer and set msg_controllen.
        unsafe { c_walk(&mh, &mut t) };
    }
}

fn libc_recvmmsg(fd: BorrowedFd<'_>, slots: &mut [Slot]) -> Tally {
    let mut t = (0, 0);
    let mut iovs: Vec<libc::iovec> = slots
        .iter_mut()
        .map(|s| libc::iovec {
            iov_base: s.payload.as_mut_ptr().cast(),
            iov_len: PAYLOAD,
        })
        .collect();
    // SAFETY: an all-zero mmsghdr is valid.
    let mut hdrs: Vec<libc::mmsghdr> = (0..slots.len())
        .map(|_| unsafe { std::mem::zeroed() })
        .collect();
    loop {
        for ((h, s), iov) in hdrs.iter_mut().zip(slots.iter_mut()).zip(iovs.iter_mut()) {
            h.msg_hdr.msg_iov = iov;
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_name = (&raw mut s.name).cast();
            h.msg_hdr.msg_namelen = NAME_SPACE as libc::socklen_t;
            h.msg_hdr.msg_control = s.control.as_mut_ptr().cast();
            h.msg_hdr.msg_controllen = ERROR_CONTROL_SPACE as _;
        }
        // SAFETY: every header points into `slots`/`iovs`, live for the call.
        let n = unsafe {
            libc::recvmmsg(
                fd.as_raw_fd(),
                hdrs.as_mut_ptr(),
                hdrs.len() as libc::c_uint,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
                ptr::null_mut(),
            )
        };
        if n <= 0 {
            return t;
        }
        for h in &hdrs[..n as usize] {
            // SAFETY: recvmmsg filled this header's control buffer and msg_controllen.
            unsafe { c_walk(&h.msg_hdr, &mut t) };
        }
        if (n as usize) < hdrs.len() {
            return t;
        }
    }
}

// ---------------------------------------------------------------------------------------

fn main() {
    if let Err(e) = private_netns() {
        println!("drain bench skipped: needs root for a private network namespace ({e})");
        return;
    }
    let q = Queue::new();
    // Check the fill: every variant must read exactly N messages.
    q.fill();
    let mut single = Box::new(RecvBuffers::<PAYLOAD>::new());
    let got = errq_single(q.fd(), &mut single);
    assert_eq!(got.0, N, "the kernel queued {} of {N} errors", got.0);

    let mut batch: Box<BatchBuffers<BATCH, PAYLOAD>> = Box::default();
    let mut nix_payload = vec![0u8; PAYLOAD];
    let mut nix_control = vec![0u8; ERROR_CONTROL_SPACE];
    let mut slot = Box::new(Slot::new());
    let mut slots: Vec<Slot> = (0..BATCH).map(|_| Slot::new()).collect();

    let mut variants: Vec<Variant<'_>> = vec![
        (
            "libc_recvmmsg",
            Box::new(|| libc_recvmmsg(q.fd(), &mut slots)),
        ),
        ("errq_batch", Box::new(|| errq_batch(q.fd(), &mut batch))),
        ("libc_recvmsg", Box::new(|| libc_recvmsg(q.fd(), &mut slot))),
        ("errq_single", Box::new(|| errq_single(q.fd(), &mut single))),
        (
            "nix_recvmsg",
            Box::new(|| nix_loop(q.fd(), &mut nix_payload, &mut nix_control)),
        ),
    ];

    if std::env::var_os("ERRQ_DRAIN_NO_CRITERION").is_none() {
        let mut crit = Criterion::default()
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .sample_size(30)
            .configure_from_args();
        let mut g = crit.benchmark_group(format!("drain/{N}_port_unreachable"));
        g.throughput(Throughput::Elements(N as u64));
        for (name, drain) in &mut variants {
            g.bench_function(*name, |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        q.fill();
                        let start = Instant::now();
                        let t = black_box(drain());
                        total += start.elapsed();
                        assert_eq!(t.0, N, "{name} read {} of {N}", t.0);
                    }
                    total
                });
            });
        }
        g.finish();
        crit.final_summary();
    }
    interleaved(&q, &mut variants);
}

/// A named drain loop.
type Variant<'a> = (&'static str, Box<dyn FnMut() -> Tally + 'a>);

/// Rounds in which every variant drains one fill, in turn: each ratio compares drains
/// made within milliseconds of each other, so load from other processes hits all alike.
/// Prints the medians over the rounds.
fn interleaved(q: &Queue, variants: &mut [Variant<'_>]) {
    let rounds: usize = std::env::var("ERRQ_DRAIN_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); variants.len()];
    for round in 0..rounds {
        for k in 0..variants.len() {
            // Rotate the order so no variant always runs right after the fill of another.
            let i = (k + round) % variants.len();
            let (name, drain) = &mut variants[i];
            q.fill();
            let start = Instant::now();
            let t = black_box(drain());
            times[i].push(start.elapsed().as_nanos() as f64);
            assert_eq!(t.0, N, "{name} read {} of {N}", t.0);
        }
    }
    let pct = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[v.len() / 10], v[v.len() * 9 / 10])
    };
    // Ratios per round: the two drains of a pair ran within milliseconds of each other.
    let per_round = |a: usize, b: usize| -> Vec<f64> {
        times[a].iter().zip(&times[b]).map(|(x, y)| x / y).collect()
    };
    let floor = 0;
    let nix = variants.len() - 1;
    let n = N as f64;
    println!(
        "\ninterleaved: {rounds} rounds x {N} loopback port-unreachable errors, batch {BATCH}"
    );
    println!("| variant | ns / message (median, p10..p90) | messages / s | time / libc_recvmmsg (p10..p90) | msgs/s vs nix_recvmsg (p10..p90) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (i, (name, _)) in variants.iter().enumerate() {
        let (m, lo, hi) = pct(times[i].clone());
        let (f, flo, fhi) = pct(per_round(i, floor));
        let (x, xlo, xhi) = pct(per_round(nix, i));
        println!(
            "| {name} | {:.0} ({:.0}..{:.0}) | {:.2} M | {f:.2}x ({flo:.2}..{fhi:.2}) | {x:.2}x ({xlo:.2}..{xhi:.2}) |",
            m / n,
            lo / n,
            hi / n,
            1e3 * n / m,
        );
    }
}
