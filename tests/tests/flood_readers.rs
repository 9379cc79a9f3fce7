//! Several threads reading one flooded socket's error queue at once: every entry is read
//! by exactly one of them, none is lost, and each reader sees its entries in queue order
//! (the kernel dequeues each entry under the queue's lock: `sock_dequeue_err_skb`).
//!
//! Four readers, two with the batch drain (`recvmmsg`) and two reading one message at a
//! time (`recvmsg`), all blocking in `wait_error`, while one sender floods a closed port.
//! Counts from the kernel's side as in `flood_drain` (see `flood_support`). Size:
//! `ERRQ_FLOOD`, default 300,000 datagrams (measured: about 5 s in a debug build on the
//! 2-core machine; five busy threads share its two cores).

mod flood_support;

use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use errq_sys::{wait_error, BatchBuffers, RecvBuffers, WaitOutcome};
use errq_tests::ffi::thread_cpu;
use errq_tests::netns::require_root;
use errq_tests::sockets::closed_port;
use flood_support::{
    checked_seq, flood_count, flood_socket, send_numbered, set_rcvbuf, settled, Tally,
};

const READERS: usize = 4;

fn reader(s: &UdpSocket, n: u32, batch: bool, stop: &AtomicBool) -> (Tally, Duration) {
    let cpu0 = thread_cpu();
    let mut tally = Tally::new(n);
    let mut batch_buffers = Box::new(BatchBuffers::<32, 64>::new());
    let mut one = Box::new(RecvBuffers::<64>::new());
    loop {
        match wait_error(s, Some(Duration::from_millis(20))).unwrap() {
            WaitOutcome::Ready => {
                let got = if batch {
                    batch_buffers
                        .drain(s, |_, m| tally.add(checked_seq(&m)))
                        .unwrap()
                } else {
                    let mut got = 0;
                    while let Some((_, m)) = one.recv_message(s).unwrap() {
                        tally.add(checked_seq(&m));
                        got += 1;
                    }
                    got
                };
                if got == 0 {
                    // Another reader took it, or POLLERR for the pending SO_ERROR alone.
                    std::thread::yield_now();
                }
            }
            WaitOutcome::TimedOut if stop.load(Ordering::Acquire) => break,
            WaitOutcome::TimedOut => {}
            WaitOutcome::HungUp => panic!("hung up"),
        }
    }
    (tally, thread_cpu() - cpu0)
}

#[test]
fn several_readers_read_each_entry_exactly_once() {
    if !require_root() {
        return;
    }
    let n = flood_count(300_000);
    let (ns, s) = flood_socket();
    set_rcvbuf(&s, 64 << 20, true);
    let to = closed_port(&ns);
    let go = AtomicBool::new(false);
    let stop = AtomicBool::new(false);
    let (sent, counters, tallies) = std::thread::scope(|scope| {
        let readers: Vec<_> = (0..READERS)
            .map(|i| {
                let (s, stop) = (&s, &stop);
                scope.spawn(move || reader(s, n, i % 2 == 0, stop))
            })
            .collect();
        let sent = send_numbered(&s, to, n, 0, &go);
        let counters = settled(&ns, sent.ok);
        stop.store(true, Ordering::Release);
        let tallies: Vec<_> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        (sent, counters, tallies)
    });
    let mut all = Tally::new(n);
    for (i, (t, cpu)) in tallies.iter().enumerate() {
        eprintln!(
            "reader {i} ({}): {} entries, CPU {cpu:.2?}",
            if i % 2 == 0 { "recvmmsg" } else { "recvmsg" },
            t.read
        );
        assert_eq!(t.duplicates(), 0, "reader {i} read an entry twice");
        assert_eq!(
            t.out_of_order, 0,
            "reader {i} saw entries out of queue order"
        );
        all.merge(t);
    }
    eprintln!(
        "{} datagrams sent in {:.2?}, {} errors read by {READERS} readers",
        sent.ok, sent.wall, all.read
    );
    assert_eq!(counters.rate_limited, 0, "{counters:?}");
    assert_eq!(
        (counters.udp_no_ports, counters.in_dest_unreachs),
        (sent.ok, sent.ok),
        "kernel counters vs sends"
    );
    assert_eq!(all.duplicates(), 0, "an entry was read by two readers");
    assert_eq!(all.missing(sent.ok), 0, "entries lost");
    assert_eq!(all.read, sent.ok);
    // Every reader got a share (the test is about sharing).
    assert!(
        tallies.iter().all(|(t, _)| t.read > 0),
        "a reader read nothing"
    );
}
