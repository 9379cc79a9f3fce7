//! errq's async functions under load and at rest, on a current-thread tokio runtime.
//!
//! - **No spin, around each async function.** A task calls one function of
//!   `errq_sys::tokio` in a loop for a second on a socket whose error queue never empties
//!   (100,000 entries queued first, and a sender thread adds more the whole time), while a
//!   second task on the same runtime ticks every millisecond. A function that returned
//!   ready without ever yielding would hold the only thread: the ticker would stop for as
//!   long as the loop ran (the bug these tests were written for: `wait_error` in a loop
//!   with one unread error ticked 0 times in a second). The loop's end is checked with
//!   `Instant`, not a tokio timer, so a spinning loop still ends and fails the test.
//!   What is measured: ticks in that second and the longest gap between two ticks. Bound:
//!   at least 100 ticks (of 1,000) and no gap over 100 ms, a margin that holds with the
//!   2-core machine loaded by other builds (measured there: see the report printed with
//!   `--nocapture`).
//! - **A bounded batch.** `recv_batch` on the flooded socket reads at most its `M`
//!   messages per call and, through the same budget, lets the ticker run (the same test).
//! - **No CPU at rest.** A socket with errors enabled and an empty queue, awaited by
//!   `recv_error` for a second: the CPU time of the runtime's thread
//!   (`getrusage(RUSAGE_THREAD)`: user + system, whatever else the machine does) stays
//!   under 50 ms (a spin would take the whole second).

mod flood_support;

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use errq_sys::{BatchBuffers, RecvBuffers};
use errq_tests::ffi::thread_cpu;
use errq_tests::netns::{require_root, Netns};
use errq_tests::sockets::{closed_port, recverr_udp};
use flood_support::{
    async_fd, flood_ns, flood_socket, runtime, send_numbered, set_rcvbuf, settled,
};
use tokio::time::MissedTickBehavior;

const PREFILL: u32 = 100_000;
const RUN: Duration = Duration::from_secs(1);
const MIN_TICKS: u32 = 100;
const MAX_GAP: Duration = Duration::from_millis(100);

#[derive(Clone, Copy, Debug)]
enum Call {
    WaitError,
    RecvError,
    RecvMessage,
    RecvBatch,
}

/// A socket in a fresh namespace with `PREFILL` errors queued, and a sender flooding it
/// until `stop`.
fn flooded(ns: &Netns) -> UdpSocket {
    let s = recverr_udp(ns, "127.0.0.1:0");
    set_rcvbuf(&s, 64 << 20, true);
    let to = closed_port(ns);
    let go = AtomicBool::new(false);
    let sent = send_numbered(&s, to, PREFILL, 0, &go);
    let c = settled(ns, sent.ok);
    assert_eq!(c.in_dest_unreachs, sent.ok, "prefill: {c:?}");
    s
}

struct Ticks {
    count: u32,
    max_gap: Duration,
    calls: u64,
}

/// Loop `call` for `RUN` beside a 1 ms ticker on a current-thread runtime.
fn ticker_around(call: Call) -> Option<Ticks> {
    if !require_root() {
        return None;
    }
    let ns = flood_ns();
    let s = flooded(&ns);
    let tx = s.try_clone().unwrap();
    let to = closed_port(&ns);
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let go = AtomicBool::new(false);
            while !stop.load(Ordering::Acquire) {
                send_numbered(&tx, to, 1_000, 0, &go);
            }
        })
    };
    let rt = runtime();
    let ticks = rt.block_on(async {
        let fd = async_fd(s);
        let ticker = tokio::spawn(async {
            let mut interval = tokio::time::interval(Duration::from_millis(1));
            interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
            let (mut count, mut max_gap) = (0u32, Duration::ZERO);
            let start = Instant::now();
            let mut last = start;
            while start.elapsed() < RUN {
                interval.tick().await;
                let now = Instant::now();
                max_gap = max_gap.max(now - last);
                last = now;
                count += 1;
            }
            (count, max_gap)
        });
        // Let the ticker start before the loop.
        tokio::task::yield_now().await;
        let mut buffers = Box::new(RecvBuffers::<64>::new());
        let mut batch = Box::new(BatchBuffers::<64, 64>::new());
        let start = Instant::now();
        let mut calls = 0u64;
        while start.elapsed() < RUN {
            match call {
                Call::WaitError => errq_sys::tokio::wait_error(&fd).await.unwrap(),
                Call::RecvError => drop(errq_sys::tokio::recv_error(&fd, &mut *buffers).await),
                Call::RecvMessage => {
                    let (_, m) = errq_sys::tokio::recv_message(&fd, &mut *buffers)
                        .await
                        .unwrap();
                    assert!(m.error().is_some());
                }
                Call::RecvBatch => {
                    let n = errq_sys::tokio::recv_batch(&fd, &mut *batch).await.unwrap();
                    assert!((1..=64).contains(&n));
                }
            }
            calls += 1;
        }
        let queue_left = errq_sys::wait_error(fd.get_ref(), Some(Duration::ZERO)).unwrap();
        let (count, max_gap) = ticker.await.unwrap();
        eprintln!(
            "{call:?} looped {calls} times in {RUN:?}: 1 ms ticker ticked {count} times, \
             longest gap {max_gap:.2?}; queue at the end: {queue_left:?}"
        );
        Ticks {
            count,
            max_gap,
            calls,
        }
    });
    stop.store(true, Ordering::Release);
    sender.join().unwrap();
    Some(ticks)
}

fn assert_not_starved(call: Call) {
    if let Some(t) = ticker_around(call) {
        assert!(t.calls > 0);
        assert!(
            t.count >= MIN_TICKS && t.max_gap <= MAX_GAP,
            "{call:?} starved the ticker: {} ticks, longest gap {:?}",
            t.count,
            t.max_gap
        );
    }
}

#[test]
fn wait_error_in_a_loop_lets_other_tasks_run() {
    assert_not_starved(Call::WaitError);
}

#[test]
fn recv_error_in_a_loop_lets_other_tasks_run() {
    assert_not_starved(Call::RecvError);
}

#[test]
fn recv_message_in_a_loop_lets_other_tasks_run() {
    assert_not_starved(Call::RecvMessage);
}

#[test]
fn recv_batch_drain_of_a_flood_lets_other_tasks_run() {
    assert_not_starved(Call::RecvBatch);
}

#[test]
fn an_idle_socket_costs_no_cpu() {
    if !require_root() {
        return;
    }
    let (ns, s) = flood_socket();
    // A thread of its own, so getrusage(RUSAGE_THREAD) sees only the runtime.
    let (cpu, waited) = std::thread::spawn(move || {
        let rt = runtime();
        rt.block_on(async {
            let fd = async_fd(s);
            let mut buffers = Box::new(RecvBuffers::<64>::new());
            let cpu0 = thread_cpu();
            let t0 = Instant::now();
            let r =
                tokio::time::timeout(RUN, errq_sys::tokio::recv_error(&fd, &mut *buffers)).await;
            assert!(r.is_err(), "nothing was queued, yet: {r:?}");
            (thread_cpu() - cpu0, t0.elapsed())
        })
    })
    .join()
    .unwrap();
    // The blocking wait, for comparison, on this thread.
    let s = recverr_udp(&ns, "127.0.0.1:0");
    let cpu0 = thread_cpu();
    let outcome = errq_sys::wait_error(&s, Some(RUN)).unwrap();
    let blocking_cpu = thread_cpu() - cpu0;
    eprintln!(
        "idle for {waited:.2?}: tokio recv_error used {cpu:.2?} CPU, blocking wait_error \
         ({outcome:?}) {blocking_cpu:.2?}"
    );
    assert!(waited >= RUN);
    assert!(cpu < Duration::from_millis(50), "tokio idle wait: {cpu:?}");
    assert!(
        blocking_cpu < Duration::from_millis(50),
        "blocking idle wait: {blocking_cpu:?}"
    );
}
