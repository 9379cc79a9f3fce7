//! A `MSG_ZEROCOPY` sender over TCP loopback, with its completion bookkeeping: errq against
//! the same loop written in C style.
//!
//! Each run writes 2048 buffers of 64 KiB (128 MiB) from a pool of 8 buffers to a reader
//! thread, reusing a buffer only when every send call that used it has completed:
//!
//! - `errq`: `errq_sys::SendMsg::zerocopy`, `wait_error` + `BatchBuffers::<32>::drain`, each
//!   completion a `Meaning::Zerocopy` fed to `errq_codec::track::ZerocopyTracker`;
//! - `c_style`: `send(MSG_ZEROCOPY)`, `poll` + `recvmsg(MSG_ERRQUEUE)`, `CMSG_FIRSTHDR` and an
//!   unchecked cast to `sock_extended_err`, and the bookkeeping of the kernel's
//!   `tools/testing/selftests/net/msg_zerocopy.c` (a counter per send call, `hi - lo + 1`
//!   per completion) plus a ring of buffer indices by counter.
//!
//! The variants alternate, round after round; the medians and the errq/C ratio of
//! throughput are printed. `cargo bench -p errq-tests --bench zerocopy` (no root needed).

#![allow(missing_docs, unreachable_pub)] // a bench binary, no public API
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)] // bench code
#![allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)] // C-style casts

use std::io::{IoSlice, Read};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

use errq_codec::meaning::Meaning;
use errq_codec::track::ZerocopyTracker;
use errq_sys::{set_so_zerocopy, wait_error, BatchBuffers, SendMsg};

const BUFFERS: usize = 8;
const SIZE: usize = 64 * 1024;
const WRITES: usize = 2048;
const ROUNDS: usize = 7;

/// A connected pair: the sender and the reader thread that discards what it reads.
fn connect() -> (TcpStream, std::thread::JoinHandle<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let reader = std::thread::spawn(move || {
        let (mut peer, _) = listener.accept().unwrap();
        let mut sink = vec![0u8; 1 << 20];
        let mut total = 0_u64;
        loop {
            match peer.read(&mut sink).unwrap() {
                0 => return total,
                n => total += n as u64,
            }
        }
    });
    let stream = TcpStream::connect(addr).unwrap();
    set_so_zerocopy(&stream, true).unwrap();
    (stream, reader)
}

fn errq(pool: &[Vec<u8>]) -> u64 {
    let (stream, reader) = connect();
    let mut in_flight = [0_u32; BUFFERS];
    let mut free: Vec<usize> = (0..BUFFERS).collect();
    let mut tracker: Box<ZerocopyTracker<usize, 1024>> = Box::new(ZerocopyTracker::new());
    let mut batch: Box<BatchBuffers<32, 64, 256>> = Box::default();
    let mut reap = |tracker: &mut ZerocopyTracker<usize, 1024>,
                    free: &mut Vec<usize>,
                    in_flight: &mut [u32; BUFFERS]| {
        batch
            .drain(&stream, |_, m| {
                if let Some(Meaning::Zerocopy(range)) = m.meaning() {
                    tracker
                        .complete(range, |_, b| {
                            in_flight[b] -= 1;
                            if in_flight[b] == 0 {
                                free.push(b);
                            }
                        })
                        .unwrap();
                }
            })
            .unwrap();
    };
    let mut sent = 0_u64;
    for _ in 0..WRITES {
        let b = loop {
            if let Some(b) = free.pop() {
                break b;
            }
            wait_error(&stream, Some(Duration::from_secs(1))).unwrap();
            reap(&mut tracker, &mut free, &mut in_flight);
        };
        let mut off = 0;
        while off < SIZE {
            let data = [IoSlice::new(&pool[b][off..])];
            match SendMsg::new(&data).zerocopy().send(&stream) {
                Ok(n) => {
                    off += n;
                    sent += n as u64;
                    in_flight[b] += 1;
                    tracker.register(b, Duration::ZERO).unwrap();
                }
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                    wait_error(&stream, Some(Duration::from_secs(1))).unwrap();
                    reap(&mut tracker, &mut free, &mut in_flight);
                }
                Err(e) => panic!("{e}"),
            }
        }
    }
    while tracker.outstanding() > 0 {
        wait_error(&stream, Some(Duration::from_secs(1))).unwrap();
        reap(&mut tracker, &mut free, &mut in_flight);
    }
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(reader.join().unwrap(), sent);
    sent
}

/// The C loop's completion read: every `sock_extended_err` of origin ZEROCOPY, as
/// `msg_zerocopy.c`'s `do_recv_completion` reads it.
fn c_reap(
    fd: BorrowedFd<'_>,
    completed: &mut u32,
    owner: &mut [usize; 1024],
    in_flight: &mut [u32; BUFFERS],
    free: &mut Vec<usize>,
) {
    let mut control = [0u64; 16];
    loop {
        // SAFETY: an all-zero msghdr is valid.
        let mut mh: libc::msghdr = unsafe { std::mem::zeroed() };
        mh.msg_control = control.as_mut_ptr().cast();
        mh.msg_controllen = std::mem::size_of_val(&control) as _;
        // SAFETY: mh points into `control`, live for the call.
        let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &raw mut mh, libc::MSG_ERRQUEUE) };
        if n < 0 {
            return;
        }
        // SAFETY: recvmsg filled mh; the cast is what C code does.
        unsafe {
            let cm = libc::CMSG_FIRSTHDR(&raw const mh);
            if cm.is_null() {
                continue;
            }
            let ee = libc::CMSG_DATA(cm)
                .cast::<libc::sock_extended_err>()
                .read_unaligned();
            if ee.ee_origin != 5 {
                // SO_EE_ORIGIN_ZEROCOPY (libc does not name it)
                continue;
            }
            let (lo, hi) = (ee.ee_info, ee.ee_data);
            let mut c = lo;
            loop {
                let b = owner[c as usize % 1024];
                in_flight[b] -= 1;
                if in_flight[b] == 0 {
                    free.push(b);
                }
                if c == hi {
                    break;
                }
                c = c.wrapping_add(1);
            }
            *completed = completed.wrapping_add(hi.wrapping_sub(lo) + 1);
        }
    }
}

fn c_poll(fd: BorrowedFd<'_>) {
    let mut p = libc::pollfd {
        fd: fd.as_raw_fd(),
        events: 0,
        revents: 0,
    };
    // SAFETY: one live pollfd.
    unsafe { libc::poll(&raw mut p, 1, 1000) };
}

fn c_style(pool: &[Vec<u8>]) -> u64 {
    let (stream, reader) = connect();
    let fd = stream.as_fd();
    let mut in_flight = [0_u32; BUFFERS];
    let mut free: Vec<usize> = (0..BUFFERS).collect();
    let mut owner = [0_usize; 1024];
    let (mut next, mut completed) = (0_u32, 0_u32);
    let mut sent = 0_u64;
    for _ in 0..WRITES {
        let b = loop {
            if let Some(b) = free.pop() {
                break b;
            }
            c_poll(fd);
            c_reap(fd, &mut completed, &mut owner, &mut in_flight, &mut free);
        };
        let mut off = 0;
        while off < SIZE {
            // SAFETY: the pointer and length are a live slice of the buffer.
            let n = unsafe {
                libc::send(
                    fd.as_raw_fd(),
                    pool[b][off..].as_ptr().cast(),
                    SIZE - off,
                    libc::MSG_ZEROCOPY,
                )
            };
            if n < 0 {
                assert_eq!(
                    std::io::Error::last_os_error().raw_os_error(),
                    Some(libc::ENOBUFS)
                );
                c_poll(fd);
                c_reap(fd, &mut completed, &mut owner, &mut in_flight, &mut free);
                continue;
            }
            off += n as usize;
            sent += n as u64;
            owner[next as usize % 1024] = b;
            in_flight[b] += 1;
            next = next.wrapping_add(1);
        }
    }
    while completed != next {
        c_poll(fd);
        c_reap(fd, &mut completed, &mut owner, &mut in_flight, &mut free);
    }
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(reader.join().unwrap(), sent);
    sent
}

fn main() {
    let pool: Vec<Vec<u8>> = (0..BUFFERS).map(|i| vec![i as u8; SIZE]).collect();
    let mut times: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let names = ["errq", "c_style"];
    for round in 0..ROUNDS {
        for (i, f) in [errq as fn(&[Vec<u8>]) -> u64, c_style].iter().enumerate() {
            let start = Instant::now();
            let bytes = f(&pool);
            let mbps = bytes as f64 / start.elapsed().as_secs_f64() / 1e6;
            eprintln!("round {round} {}: {mbps:.0} MB/s", names[i]);
            times[i].push(mbps);
        }
    }
    println!("\n| variant | MB/s (median of {ROUNDS}) | p10..p90 |");
    println!("| --- | --- | --- |");
    let mut med = [0.0; 2];
    for (i, t) in times.iter_mut().enumerate() {
        t.sort_by(f64::total_cmp);
        med[i] = t[t.len() / 2];
        println!(
            "| {} | {:.0} | {:.0}..{:.0} |",
            names[i],
            med[i],
            t[t.len() / 10],
            t[t.len() * 9 / 10]
        );
    }
    println!(
        "\nerrq / c_style throughput: {:.3} (time ratio c_style/errq {:.3})",
        med[0] / med[1],
        med[1] / med[0]
    );
}
