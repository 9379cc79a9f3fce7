//! Waiting for the error queue, bounded: read one message when it comes
//! ([`wait_and_recv`]), probe until an error is queued ([`await_error`]), hand each
//! message to a closure until it has seen enough ([`recv_until`]), or drain in slices
//! while a test sends ([`drain_until`]). Every wait has a deadline, so a missing entry
//! fails the test instead of hanging it.

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use errq_codec::message::Message;
use errq_sys::{wait_error, Received, RecvBuffers, WaitOutcome};

/// How long [`await_error`] waits for each probe before sending it again.
pub const RESEND_AFTER: Duration = Duration::from_millis(1000);
/// How many probes [`await_error`] sends before giving up.
pub const MAX_PROBES: u32 = 8;

/// Send with `send` and wait up to [`RESEND_AFTER`] for the error queue of `fd`; if nothing
/// arrived (a probe lost to ARP/ND, an ICMP rate limit), send again, at most [`MAX_PROBES`]
/// times. Returns the first message read into `buffers` (decode it with
/// [`RecvBuffers::message`]).
///
/// # Errors
/// `send` failed, a wait or read failed, or no error arrived after every probe
/// (`TimedOut`).
pub fn await_error<Fd: AsFd, const P: usize, const C: usize>(
    fd: Fd,
    buffers: &mut RecvBuffers<P, C>,
    mut send: impl FnMut() -> io::Result<()>,
) -> io::Result<Received> {
    let fd = fd.as_fd();
    for attempt in 0..MAX_PROBES {
        match send() {
            Ok(()) => {}
            // A resend can fail once with the errno of an ICMP error that arrived just after
            // the last wait ended: the kernel reports a pending SO_ERROR on the next send.
            // The entry itself is still queued, so wait for it.
            Err(_) if attempt > 0 => {}
            Err(e) => return Err(e),
        }
        if let Some(r) = wait_and_recv(fd, buffers, RESEND_AFTER)? {
            return Ok(r);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::TimedOut,
        format!("no error queued after {MAX_PROBES} probes"),
    ))
}

/// Wait up to `timeout` for the error queue of `fd`, then read one message; `Ok(None)` if
/// nothing came in time.
///
/// # Errors
/// The wait or the read failed.
pub fn wait_and_recv<Fd: AsFd, const P: usize, const C: usize>(
    fd: Fd,
    buffers: &mut RecvBuffers<P, C>,
    timeout: Duration,
) -> io::Result<Option<Received>> {
    let fd = fd.as_fd();
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match wait_error(fd, Some(left))? {
            WaitOutcome::Ready => {
                if let Some(r) = buffers.recv(fd)? {
                    return Ok(Some(r));
                }
                // POLLERR for a pending SO_ERROR without a queued entry: keep waiting.
                if left.is_zero() {
                    return Ok(None);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            WaitOutcome::TimedOut | WaitOutcome::HungUp => return Ok(None),
        }
    }
}

/// Read the error queue of `fd` message by message, handing each to `each`, until `each`
/// returns true (done) or `timeout` passes. Returns whether `each` was done in time.
///
/// # Errors
/// A wait or read failed.
pub fn recv_until<Fd: AsFd>(
    fd: Fd,
    timeout: Duration,
    mut each: impl FnMut(&Message<'_>) -> bool,
) -> io::Result<bool> {
    let fd = fd.as_fd();
    let deadline = Instant::now() + timeout;
    let mut buffers: RecvBuffers = RecvBuffers::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(r) = wait_and_recv(fd, &mut buffers, left)? else {
            return Ok(false);
        };
        if each(&buffers.message(&r)) {
            return Ok(true);
        }
    }
}

/// How long [`drain_until`] waits for the error queue before each drain.
pub const DRAIN_SLICE: Duration = Duration::from_millis(100);

/// Drain the error queue of `fd` while a test sends or settles: wait up to
/// [`DRAIN_SLICE`] for it, call `drain` (which reads what is queued and says whether the
/// test has all it waits for), and again, until `drain` says done or `timeout` passes.
/// Returns whether `drain` was done in time.
///
/// # Panics
/// The wait failed.
pub fn drain_until<Fd: AsFd>(fd: Fd, timeout: Duration, mut drain: impl FnMut() -> bool) -> bool {
    let fd = fd.as_fd();
    let deadline = Instant::now() + timeout;
    loop {
        let _ = wait_error(fd, Some(DRAIN_SLICE)).expect("poll");
        if drain() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
    }
}
