//! TX-timestamp delivery, live: a sender thread sends 16-byte UDP datagrams on a socket with
//! `SO_TIMESTAMPING` = TX_SCHED | TX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY (two reports
//! per send) at a given rate for one second; a reader thread takes the reports by one of:
//!
//! - `Uring`: `errq_sys::uring::TxTimestampRing` (the kernel posts one completion per
//!   report; no `recvmsg`), waiting with `io_uring_enter` for 1 completion;
//! - `UringBatch64`: the same, waiting for 64 completions or 1 ms, whichever comes first
//!   (what a `recvmsg` reader cannot ask: `poll` wakes it at the first entry);
//! - `errq_recvmmsg`: `errq_sys::wait_error` + `BatchBuffers::<32>::drain`, each report
//!   decoded to a `TxReport`;
//! - `libc_recvmmsg`: the C loop: `poll` + `recvmmsg(MSG_ERRQUEUE)` of 32, `CMSG_NXTHDR`,
//!   unchecked casts to `scm_timestamping` and `sock_extended_err`.
//!
//! For each it prints reports/s and the reader thread's CPU time per report
//! (`getrusage(RUSAGE_THREAD)`; the kernel work io_uring does for the reader runs as task
//! work of the reader thread, so it is counted there). Variants run interleaved, round after
//! round, at several send rates, in a private network namespace (root; otherwise it says so
//! and exits).
//!
//! `cargo bench -p errq-tests --bench uring`

#![allow(missing_docs, unreachable_pub)] // a bench binary, no public API
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // bench code
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)] // figures

use std::net::UdpSocket;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use errq_codec::track::TxReport;
use errq_sys::uring::TxTimestampRing;
use errq_sys::{set_so_rcvbufforce, set_so_timestamping, wait_error, BatchBuffers, Timestamping};

const ROUNDS: usize = 3;
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Uring,
    UringBatch64,
    ErrqRecvmmsg,
    LibcRecvmmsg,
}

const VARIANTS: [Variant; 4] = [
    Variant::Uring,
    Variant::UringBatch64,
    Variant::ErrqRecvmmsg,
    Variant::LibcRecvmmsg,
];

/// The calling thread's CPU time (user + system).
fn thread_cpu() -> Duration {
    // SAFETY: an all-zero rusage is valid; getrusage writes only it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a live rusage.
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &raw mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// The C loop's walk: count `IP_RECVERR` records of origin TIMESTAMPING and fold in the
/// key and the software time, as C code does it.
///
/// # Safety
/// `mh` was filled by `recvmsg`/`recvmmsg`.
unsafe fn c_walk(mh: &libc::msghdr, sum: &mut u64) -> usize {
    let mut n = 0;
    // SAFETY: the caller's contract; the CMSG macros stay within msg_controllen.
    unsafe {
        let mut cm = libc::CMSG_FIRSTHDR(mh);
        let mut ts = 0_i64;
        while !cm.is_null() {
            let c = &*cm;
            if c.cmsg_level == libc::SOL_SOCKET && c.cmsg_type == libc::SO_TIMESTAMPING {
                let t = libc::CMSG_DATA(cm)
                    .cast::<libc::timespec>()
                    .read_unaligned();
                ts = t.tv_nsec;
            } else if c.cmsg_level == libc::SOL_IP && c.cmsg_type == libc::IP_RECVERR {
                let ee = libc::CMSG_DATA(cm)
                    .cast::<libc::sock_extended_err>()
                    .read_unaligned();
                if ee.ee_origin == libc::SO_EE_ORIGIN_TIMESTAMPING {
                    *sum = sum.wrapping_add(u64::from(ee.ee_data) + ts as u64);
                    n += 1;
                }
            }
            cm = libc::CMSG_NXTHDR(mh, cm);
        }
    }
    n
}

const BATCH: usize = 32;
const CONTROL: usize = 256;

struct CSlots {
    payload: Vec<[u8; 64]>,
    control: Vec<[u64; CONTROL / 8]>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<libc::mmsghdr>,
}

fn libc_drain(fd: BorrowedFd<'_>, s: &mut CSlots, sum: &mut u64) -> usize {
    let mut total = 0;
    loop {
        for i in 0..BATCH {
            s.iovs[i] = libc::iovec {
                iov_base: s.payload[i].as_mut_ptr().cast(),
                iov_len: 64,
            };
            let h = &mut s.hdrs[i].msg_hdr;
            h.msg_iov = &raw mut s.iovs[i];
            h.msg_iovlen = 1;
            h.msg_name = std::ptr::null_mut();
            h.msg_namelen = 0;
            h.msg_control = s.control[i].as_mut_ptr().cast();
            h.msg_controllen = CONTROL as _;
        }
        // SAFETY: every header points into `s`, live for the call, with the lengths given.
        let n = unsafe {
            libc::recvmmsg(
                fd.as_raw_fd(),
                s.hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n <= 0 {
            return total;
        }
        for h in &s.hdrs[..n as usize] {
            // SAFETY: recvmmsg filled this header.
            total += unsafe { c_walk(&h.msg_hdr, sum) };
        }
        if (n as usize) < BATCH {
            return total;
        }
    }
}

fn poll_err(fd: BorrowedFd<'_>, ms: i32) {
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: 0,
        revents: 0,
    };
    // SAFETY: one live pollfd.
    unsafe { libc::poll(&raw mut p, 1, ms) };
}

/// Read reports until `done` is set and nothing came for 50 ms: (reports, reader CPU).
fn reader(v: Variant, fd: BorrowedFd<'_>, done: &AtomicBool) -> (usize, Duration, u64) {
    let idle = Duration::from_millis(50);
    let mut count = 0_usize;
    let mut sum = 0_u64;
    let cpu0 = thread_cpu();
    let mut last = Instant::now();
    let mut fold = |r: &TxReport, count: &mut usize| {
        *count += 1;
        sum = sum.wrapping_add(u64::from(r.key) + r.time.nsec as u64);
    };
    match v {
        Variant::Uring | Variant::UringBatch64 => {
            let mut ring = TxTimestampRing::new(fd, 4096).expect("io_uring TX timestamps");
            let (want, timeout) = if v == Variant::Uring {
                (1, Duration::from_millis(10))
            } else {
                (64, Duration::from_millis(1))
            };
            loop {
                ring.wait_timeout(want, timeout).unwrap();
                let n = ring.reap(|r| fold(&r, &mut count)).unwrap();
                if n > 0 {
                    last = Instant::now();
                } else if done.load(Ordering::Relaxed) && last.elapsed() > idle {
                    break;
                }
            }
            ring.finish(|r| fold(&r, &mut count)).unwrap();
        }
        Variant::ErrqRecvmmsg => {
            let mut batch: Box<BatchBuffers<BATCH, 64, CONTROL>> = Box::default();
            loop {
                let _ = wait_error(fd, Some(Duration::from_millis(10))).unwrap();
                let n = batch
                    .drain(fd, |_, m| {
                        if let Ok(r) = TxReport::from_message(&m) {
                            fold(&r, &mut count);
                        }
                    })
                    .unwrap();
                if n > 0 {
                    last = Instant::now();
                } else if done.load(Ordering::Relaxed) && last.elapsed() > idle {
                    break;
                }
            }
        }
        Variant::LibcRecvmmsg => {
            let mut s = CSlots {
                payload: vec![[0; 64]; BATCH],
                control: vec![[0; CONTROL / 8]; BATCH],
                iovs: vec![
                    libc::iovec {
                        iov_base: std::ptr::null_mut(),
                        iov_len: 0
                    };
                    BATCH
                ],
                // SAFETY: an all-zero mmsghdr is valid.
                hdrs: (0..BATCH).map(|_| unsafe { std::mem::zeroed() }).collect(),
            };
            let mut csum = 0;
            loop {
                poll_err(fd, 10);
                let n = libc_drain(fd, &mut s, &mut csum);
                count += n;
                if n > 0 {
                    last = Instant::now();
                } else if done.load(Ordering::Relaxed) && last.elapsed() > idle {
                    break;
                }
            }
            sum = csum;
        }
    }
    (count, thread_cpu() - cpu0, sum)
}

/// One run: send at `rate` datagrams/s (`None`: as fast as possible) for [`WINDOW`].
fn run(v: Variant, rate: Option<u64>) -> (usize, usize, Duration) {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(peer.local_addr().unwrap()).unwrap();
    set_so_rcvbufforce(&socket, 256 << 20).unwrap();
    set_so_timestamping(
        &socket,
        Timestamping::TX_SCHED
            | Timestamping::TX_SOFTWARE
            | Timestamping::SOFTWARE
            | Timestamping::OPT_ID
            | Timestamping::OPT_TSONLY,
    )
    .unwrap();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let r = s.spawn(|| reader(v, socket.as_fd(), &done));
        std::thread::sleep(Duration::from_millis(20)); // the reader is armed
        let start = Instant::now();
        let mut sent = 0_usize;
        while start.elapsed() < WINDOW {
            if socket.send(&[0u8; 16]).is_ok() {
                sent += 1;
            }
            if let Some(rate) = rate {
                let due = Duration::from_secs_f64(sent as f64 / rate as f64);
                if let Some(wait) = due.checked_sub(start.elapsed()) {
                    std::thread::sleep(wait);
                }
            }
        }
        done.store(true, Ordering::Relaxed);
        let (count, cpu, _sum) = r.join().unwrap();
        (sent, count, cpu)
    })
}

fn main() {
    // SAFETY: unshare has no memory-safety preconditions; it moves this thread (the only
    // one so far) into a new network namespace, which the threads it spawns inherit.
    if unsafe { libc::unshare(libc::CLONE_NEWNET) } != 0 {
        println!(
            "uring bench skipped: needs root for a private network namespace ({})",
            std::io::Error::last_os_error()
        );
        return;
    }
    let up = std::process::Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .status();
    assert!(up.is_ok_and(|s| s.success()), "ip link set lo up");
    if let Err(e) = TxTimestampRing::new(UdpSocket::bind("127.0.0.1:0").unwrap().as_fd(), 8) {
        println!("uring bench skipped: {e}");
        return;
    }
    // ERRQ_URING_ONLY=Uring|ErrqRecvmmsg|LibcRecvmmsg and ERRQ_URING_RATE=max|N: one cell,
    // for a profile (`perf record -e cpu-clock -g`).
    let only = std::env::var("ERRQ_URING_ONLY").ok();
    let rates: Vec<Option<u64>> = match std::env::var("ERRQ_URING_RATE").ok().as_deref() {
        Some("max") => vec![None],
        Some(n) => vec![Some(n.parse().expect("ERRQ_URING_RATE"))],
        None => vec![Some(20_000_u64), Some(100_000), None],
    };
    let variants: Vec<Variant> = VARIANTS
        .into_iter()
        .filter(|v| only.as_deref().is_none_or(|o| format!("{v:?}") == o))
        .collect();
    // (variant, rate) -> [(reports, cpu)]
    let mut results: Vec<(Variant, Option<u64>, Vec<(usize, usize, Duration)>)> = Vec::new();
    for &rate in &rates {
        for &v in &variants {
            results.push((v, rate, Vec::new()));
        }
    }
    for round in 0..ROUNDS {
        for &rate in &rates {
            for &v in &variants {
                let r = run(v, rate);
                let entry = results
                    .iter_mut()
                    .find(|(rv, rr, _)| *rv == v && *rr == rate)
                    .unwrap();
                entry.2.push(r);
                eprintln!(
                    "round {round} {v:?} rate {rate:?}: sent {} reports {} cpu {:?}",
                    r.0, r.1, r.2
                );
            }
        }
    }
    println!(
        "\n| send rate | variant | sends | reports/s | reader CPU ns/report (median of {ROUNDS}) | reports per reader CPU-second |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for (v, rate, runs) in &results {
        let mut per: Vec<f64> = runs
            .iter()
            .map(|(_, n, cpu)| cpu.as_nanos() as f64 / (*n).max(1) as f64)
            .collect();
        per.sort_by(f64::total_cmp);
        let med = per[per.len() / 2];
        let sends = runs.iter().map(|r| r.0).sum::<usize>() / runs.len();
        let reports = runs.iter().map(|r| r.1).sum::<usize>() / runs.len();
        println!(
            "| {} | {v:?} | {sends} | {:.0} | {med:.0} | {:.0} |",
            rate.map_or("max".to_owned(), |r| format!("{r}/s")),
            reports as f64 / WINDOW.as_secs_f64(),
            1e9 / med
        );
    }
}
