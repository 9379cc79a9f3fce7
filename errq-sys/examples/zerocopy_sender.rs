//! A `MSG_ZEROCOPY` sender that reuses a buffer only when the kernel says it is done with it.
//!
//! ```text
//! cargo run -p errq-sys --example zerocopy_sender                 # 4096 writes of 64 KiB
//! cargo run -p errq-sys --example zerocopy_sender -- --count 100000
//! ```
//!
//! Writes 64 KiB buffers to a TCP connection over 127.0.0.1 with `MSG_ZEROCOPY`
//! (`errq_sys::SendMsg::zerocopy`), from a pool of 8 buffers. Every successful send call
//! takes the next zerocopy counter; the completions (`Meaning::Zerocopy`, inclusive wrapping
//! ranges, merged when they queue back to back) are fed to an
//! `errq_codec::track::ZerocopyTracker`, which hands back the buffers whose every send
//! completed. Prints how many sends the kernel copied after all: on loopback it always does
//! (the receiver gets the pages), so zerocopy is not worth it there; on a real NIC it is.
//! No root needed.

// An example program: indexing and arithmetic on small known numbers read as the C it
// replaces; a panic there is a bug in the example, which CI runs.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use std::io::{IoSlice, Read};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use errq_codec::meaning::Meaning;
use errq_codec::track::ZerocopyTracker;
use errq_sys::{set_so_zerocopy, wait_error, BatchBuffers, SendMsg};

const BUFFERS: usize = 8;
const SIZE: usize = 64 * 1024;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: usize = args
        .iter()
        .position(|a| a == "--count")
        .and_then(|i| args.get(i + 1))
        .map_or(4096, |n| n.parse().expect("--count N"));

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let reader = std::thread::spawn(move || -> std::io::Result<u64> {
        let (mut peer, _) = listener.accept()?;
        let mut sink = vec![0u8; 1 << 20];
        let mut total = 0_u64;
        loop {
            match peer.read(&mut sink)? {
                0 => return Ok(total),
                n => total += n as u64,
            }
        }
    });
    let stream = TcpStream::connect(addr)?;
    set_so_zerocopy(&stream, true)?;

    let pool: Vec<Vec<u8>> = (0..BUFFERS).map(|i| vec![i as u8; SIZE]).collect();
    // Send calls in flight per buffer: a buffer is free when it has none.
    let mut in_flight = [0_u32; BUFFERS];
    let mut free: Vec<usize> = (0..BUFFERS).collect();
    // Counters of send calls not yet completed (each call takes one).
    let mut tracker: Box<ZerocopyTracker<usize, 1024>> = Box::new(ZerocopyTracker::new());
    let mut batch: Box<BatchBuffers<32, 64, 256>> = Box::default();
    let start = Instant::now();

    let mut reap = |tracker: &mut ZerocopyTracker<usize, 1024>,
                    free: &mut Vec<usize>,
                    in_flight: &mut [u32; BUFFERS]|
     -> std::io::Result<usize> {
        batch.drain(&stream, |_, message| {
            let Some(Meaning::Zerocopy(range)) = message.meaning() else {
                eprintln!("not a completion: {message}");
                return;
            };
            if let Err(e) = tracker.complete(range, |_counter, buffer| {
                in_flight[buffer] -= 1;
                if in_flight[buffer] == 0 {
                    free.push(buffer);
                }
            }) {
                eprintln!("refused completion: {e}");
            }
        })
    };

    let mut sent_bytes = 0_u64;
    for _ in 0..count {
        // A free buffer, waiting for completions if none is.
        let buffer = loop {
            if let Some(b) = free.pop() {
                break b;
            }
            wait_error(&stream, Some(Duration::from_millis(100)))?;
            reap(&mut tracker, &mut free, &mut in_flight)?;
        };
        let mut offset = 0;
        while offset < SIZE {
            let data = [IoSlice::new(&pool[buffer][offset..])];
            match SendMsg::new(&data).zerocopy().send(&stream) {
                Ok(n) => {
                    offset += n;
                    sent_bytes += n as u64;
                    in_flight[buffer] += 1;
                    tracker
                        .register(buffer, start.elapsed())
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                }
                // Out of optmem or locked pages: let completions come back, then retry.
                Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => {
                    wait_error(&stream, Some(Duration::from_millis(100)))?;
                    reap(&mut tracker, &mut free, &mut in_flight)?;
                }
                Err(e) => return Err(e),
            }
        }
    }
    // Wait for the last completions.
    while tracker.outstanding() > 0 && start.elapsed() < Duration::from_secs(30) {
        wait_error(&stream, Some(Duration::from_millis(100)))?;
        reap(&mut tracker, &mut free, &mut in_flight)?;
    }
    stream.shutdown(std::net::Shutdown::Write)?;
    let received = reader.join().expect("reader thread")?;
    let stats = *tracker.stats();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{count} writes of 64 KiB: {} send calls, {} completed in {} ranges, {} copied by the kernel; {:.0} MB/s",
        stats.sent,
        stats.completed,
        stats.ranges,
        stats.copied,
        sent_bytes as f64 / secs / 1e6
    );
    match stats.worth_keeping() {
        Some(true) => println!("zerocopy is worth keeping on this path"),
        Some(false) => println!("the kernel copied most sends: send without MSG_ZEROCOPY here"),
        None => println!("no completion arrived"),
    }
    if received != sent_bytes || stats.completed != stats.sent || tracker.outstanding() != 0 {
        eprintln!("error: {received} bytes received of {sent_bytes}, or sends left incomplete");
        std::process::exit(1);
    }
    Ok(())
}
