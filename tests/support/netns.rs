//! Network namespaces: one named namespace ([`Netns`], deleted on drop), running code
//! inside it ([`Netns::run`]), `ip` and sysctls there, and the root check every live test
//! starts with.
//!
//! Namespace names are unique per process and per call (`errq<pid>n<counter><role>`), so
//! tests run in parallel; [`Netns`]'s `Drop` deletes the namespace even when the test
//! panics. Every new namespace has `lo` up, `net.ipv4.icmp_ratelimit=0`,
//! `net.ipv6.icmp.ratelimit=0` and `net.ipv4.ping_group_range="0 2147483647"`.
//!
//! A live test starts with [`require_root`]:
//!
//! ```no_run
//! use errq_tests::netns::{self, Netns};
//!
//! if !netns::require_root() {
//!     return; // printed why
//! }
//! let ns = Netns::new("L").expect("namespace");
//! let got = ns.run(|| {
//!     // sockets made here live in the namespace
//!     let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
//!     s.local_addr().unwrap().port()
//! });
//! assert_ne!(got, 0);
//! ```
//!
//! Everything here needs root (`ip netns add`, `setns(2)`); nothing here is ABI-specific,
//! so it builds for i686 as well.

use std::fs::File;
use std::io;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::ffi;

/// The message [`require_root`] prints when it skips.
pub const SKIP_MESSAGE: &str = "skipping: live tests need root (ip netns)";

/// Whether the live tests can run: true as root. Otherwise prints [`SKIP_MESSAGE`] and
/// returns false, except when `CI=true`: CI must run them, so there it panics.
///
/// # Panics
/// Not root while `CI=true`.
#[must_use]
pub fn require_root() -> bool {
    if ffi::euid() == 0 {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but not root: the live tests must run as root in CI (.ci/run)");
    }
    eprintln!("{SKIP_MESSAGE}");
    false
}

/// Serialises `ip netns add/del` within this process: older iproute2 races when two
/// processes or threads create `/run/netns` at the same time.
static IP_NETNS_LOCK: Mutex<()> = Mutex::new(());
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Run `ip ARGS`, turning a non-zero exit into an `io::Error` carrying its stderr.
///
/// # Errors
/// `ip` could not be started or failed.
pub fn ip(args: &[&str]) -> io::Result<()> {
    let out = Command::new("ip").args(args).output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "ip {}: {} {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// One named network namespace (`ip netns add`), deleted on drop.
#[derive(Debug)]
pub struct Netns {
    name: String,
}

impl Netns {
    /// Create a fresh namespace named `errq<pid>n<counter><role>`, with `lo` up, ICMP
    /// rate limits off (v4 and v6) and ping sockets allowed for every group.
    ///
    /// # Errors
    /// `ip netns add` failed, or a sysctl could not be written.
    pub fn new(role: &str) -> io::Result<Self> {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("errq{}n{n}{role}", std::process::id());
        {
            let _guard = IP_NETNS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            let mut tries = 0;
            loop {
                match ip(&["netns", "add", &name]) {
                    Ok(()) => break,
                    Err(e) if tries < 5 => {
                        tries += 1;
                        eprintln!("retrying after: {e}");
                        let _ = ip(&["netns", "del", &name]);
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        let ns = Self { name };
        ns.ip(&["link", "set", "lo", "up"])?;
        ns.sysctl("net/ipv4/icmp_ratelimit", "0")?;
        ns.sysctl("net/ipv6/icmp/ratelimit", "0")?;
        ns.sysctl("net/ipv4/ping_group_range", "0 2147483647")?;
        Ok(ns)
    }

    /// The namespace's name (for `ip -n NAME`, `ip netns exec NAME`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Run `ip -n NAME ARGS`.
    ///
    /// # Errors
    /// As [`ip`].
    pub fn ip(&self, args: &[&str]) -> io::Result<()> {
        let mut all = vec!["-n", self.name.as_str()];
        all.extend_from_slice(args);
        ip(&all)
    }

    /// Write `value` to `/proc/sys/KEY` inside the namespace (`key` with slashes, e.g.
    /// `net/ipv4/ip_forward`). Network sysctls are per namespace: the file is opened by a
    /// thread that entered it.
    ///
    /// # Errors
    /// The file could not be written.
    pub fn sysctl(&self, key: &str, value: &str) -> io::Result<()> {
        let path = format!("/proc/sys/{key}");
        let value = value.to_owned();
        self.run(move || std::fs::write(&path, value))
    }

    /// Run `f` on a fresh thread that first entered this namespace with
    /// `setns(fd, CLONE_NEWNET)`, and return what it returns. Sockets `f` creates belong to
    /// the namespace (and keep working after `f` returns, on any thread). A panic in `f` is
    /// resumed on the caller's thread, so assertions inside work as usual. `f` may borrow
    /// from the caller (scoped thread).
    ///
    /// # Panics
    /// If the namespace cannot be entered, or `f` panics.
    pub fn run<T: Send, F: FnOnce() -> T + Send>(&self, f: F) -> T {
        run_in(&self.name, f)
    }

    /// The index of interface `dev` inside this namespace.
    ///
    /// # Errors
    /// No such interface.
    pub fn ifindex(&self, dev: &str) -> io::Result<u32> {
        let name = std::ffi::CString::new(dev).map_err(io::Error::other)?;
        self.run(|| ffi::if_nametoindex(&name))
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _guard = IP_NETNS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = ip(&["netns", "del", &self.name]) {
            eprintln!("cleanup: {e}");
        }
    }
}

/// Run `f` on a fresh (scoped) thread that entered namespace `ns` (by name,
/// `/run/netns/NS`) first; see [`Netns::run`].
///
/// # Panics
/// If the namespace cannot be entered, or `f` panics (the panic is resumed here).
pub fn run_in<T: Send, F: FnOnce() -> T + Send>(ns: &str, f: F) -> T {
    std::thread::scope(|s| {
        let handle = s.spawn(move || {
            File::open(format!("/run/netns/{ns}"))
                .and_then(|file| ffi::setns_net(&file))
                .unwrap_or_else(|e| panic!("setns into {ns}: {e}"));
            f()
        });
        match handle.join() {
            Ok(v) => v,
            Err(p) => std::panic::resume_unwind(p),
        }
    })
}
