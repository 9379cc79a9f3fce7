//! A signal arriving during `wait_error` is retried, with only the time that is left.
//!
//! Its own test binary: it installs a process-wide SIGUSR1 handler.

// Tests report failures by panicking.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use errq_sys::{set_recverr, wait_error, WaitOutcome};

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    SIGNALS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn wait_error_retries_eintr_and_keeps_its_deadline() {
    // SAFETY: `action` is a zeroed, then filled-in `sigaction` on our stack; the handler only
    // touches an atomic (async-signal-safe). No SA_RESTART: poll would fail with EINTR anyway.
    let rc = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut())
    };
    assert_eq!(rc, 0);

    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    set_recverr(&socket, true).unwrap();
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        // SAFETY: pthread_self has no preconditions.
        tx.send(unsafe { libc::pthread_self() }).unwrap();
        let start = Instant::now();
        let outcome = wait_error(&socket, Some(Duration::from_millis(300))).unwrap();
        (outcome, start.elapsed())
    });
    let thread = rx.recv().unwrap();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(90));
        // SAFETY: `thread` is the waiter, which is still running (it waits 300 ms and we
        // signal within ~270 ms); SIGUSR1 has a handler, so it cannot kill the process.
        assert_eq!(unsafe { libc::pthread_kill(thread, libc::SIGUSR1) }, 0);
    }
    let (outcome, elapsed) = waiter.join().unwrap();
    assert!(
        SIGNALS.load(Ordering::SeqCst) >= 1,
        "the signals were delivered"
    );
    assert_eq!(outcome, WaitOutcome::TimedOut);
    assert!(
        elapsed >= Duration::from_millis(300),
        "waited the full time: {elapsed:?}"
    );
    // Restarting the full 300 ms after the last signal (at ~270 ms) would take ~570 ms.
    assert!(
        elapsed < Duration::from_millis(500),
        "only the time left after each signal: {elapsed:?}"
    );
}
