//! Network namespaces for the live tests: a three-namespace topology `A - R - B`, a way to
//! run code inside a namespace, and a bounded "send until the error arrives" helper.
//!
//! ```text
//!   A  vA  198.18.1.1  2001:db8:1::1 ------ vRA 198.18.1.2  2001:db8:1::2  R
//!   R  vRB 198.18.2.1  2001:db8:2::1 ------ vB  198.18.2.2  2001:db8:2::2  B   (MTU 1280)
//!   on R (forwarding on):
//!     unreachable 198.18.50.0/24  2001:db8:50::/64   -> host unreachable / no route
//!     prohibit    198.18.51.0/24  2001:db8:51::/64   -> admin prohibited
//!     blackhole   198.18.52.0/24  2001:db8:52::/64   -> silence (for hand-built errors)
//!   every namespace: lo up, net.ipv4.icmp_ratelimit=0, net.ipv6.icmp.ratelimit=0,
//!                    net.ipv4.ping_group_range="0 2147483647"
//! ```
//!
//! The same plan as `tests/capture/capture.sh`, with the same addresses (only
//! 198.18.0.0/15 and 2001:db8::/32). Namespace names are unique per process and per call
//! (`errq<pid>n<counter><role>`), so tests run in parallel; [`Netns`]'s `Drop` deletes the
//! namespace even when the test panics.
//!
//! A live test starts with [`require_root`]:
//!
//! ```no_run
//! use errq_tests::netns::{self, Topology};
//!
//! if !netns::require_root() {
//!     return; // printed why
//! }
//! let topo = Topology::new().expect("topology");
//! let got = topo.a.run(|| {
//!     // sockets made here live in namespace A
//!     let s = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
//!     s.local_addr().unwrap().port()
//! });
//! assert_ne!(got, 0);
//! ```
//!
//! Everything here needs root (`ip netns add`, `setns(2)`); nothing here is ABI-specific,
//! so it builds for i686 as well.

use std::fs::File;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, AsRawFd};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use errq_sys::{wait_error, Received, RecvBuffers, WaitOutcome};

/// The addresses of the topology (the same as `tests/capture/capture.sh`).
pub mod addr {
    use std::net::{Ipv4Addr, Ipv6Addr};

    /// A's address on the A-R link.
    pub const A4: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);
    /// A's IPv6 address on the A-R link.
    pub const A6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 1);
    /// R's address on the A-R link (A's gateway; the source of R's ICMP errors to A).
    pub const RA4: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 2);
    /// R's IPv6 address on the A-R link.
    pub const RA6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 1, 0, 0, 0, 0, 2);
    /// R's address on the R-B link (MTU 1280).
    pub const RB4: Ipv4Addr = Ipv4Addr::new(198, 18, 2, 1);
    /// R's IPv6 address on the R-B link.
    pub const RB6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 1);
    /// B's address (behind the 1280-byte link).
    pub const B4: Ipv4Addr = Ipv4Addr::new(198, 18, 2, 2);
    /// B's IPv6 address.
    pub const B6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 2, 0, 0, 0, 0, 2);
    /// An address under R's `unreachable` route (ICMP host unreachable, code 1).
    pub const UNREACH4: Ipv4Addr = Ipv4Addr::new(198, 18, 50, 1);
    /// An address under R's IPv6 `unreachable` route (ICMPv6 no route, code 0).
    pub const UNREACH6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x50, 0, 0, 0, 0, 1);
    /// An address under R's `prohibit` route (ICMP admin prohibited, code 13).
    pub const PROHIBIT4: Ipv4Addr = Ipv4Addr::new(198, 18, 51, 1);
    /// An address under R's IPv6 `prohibit` route (ICMPv6 admin prohibited, code 1).
    pub const PROHIBIT6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x51, 0, 0, 0, 0, 1);
    /// An address under R's `blackhole` route: dropped silently, so a test can answer the
    /// probe with a hand-built ICMP error from R (see [`super::Netns::run`]).
    pub const HOLE4: Ipv4Addr = Ipv4Addr::new(198, 18, 52, 1);
    /// An address under R's IPv6 `blackhole` route.
    pub const HOLE6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x52, 0, 0, 0, 0, 1);
    /// The MTU of the R-B link.
    pub const MTU_RB: u32 = 1280;
    /// The MTU of the A-R link (veth default).
    pub const MTU_AR: u32 = 1500;
}

/// The message [`require_root`] prints when it skips.
pub const SKIP_MESSAGE: &str = "skipping: live tests need root (ip netns)";

/// Whether the live tests can run: true as root. Otherwise prints [`SKIP_MESSAGE`] and
/// returns false, except when `CI=true`: CI must run them, so there it panics.
#[must_use]
pub fn require_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if euid == 0 {
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
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _guard = IP_NETNS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = ip(&["netns", "del", &self.name]) {
            eprintln!("cleanup: {e}");
        }
    }
}

/// Enter the network namespace `ns` (by name, `/run/netns/NS`) on the current thread.
///
/// # Errors
/// The namespace file cannot be opened, or `setns` failed.
pub fn enter(ns: &str) -> io::Result<()> {
    let file = File::open(format!("/run/netns/{ns}"))?;
    // SAFETY: setns takes a valid fd (borrowed from `file`, open for the call) and a flag;
    // CLONE_NEWNET changes only this thread's network namespace.
    let rc = unsafe { libc::setns(file.as_fd().as_raw_fd(), libc::CLONE_NEWNET) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Run `f` on a fresh (scoped) thread that entered namespace `ns` first; see
/// [`Netns::run`].
///
/// # Panics
/// If the namespace cannot be entered, or `f` panics (the panic is resumed here).
pub fn run_in<T: Send, F: FnOnce() -> T + Send>(ns: &str, f: F) -> T {
    std::thread::scope(|s| {
        let handle = s.spawn(move || {
            enter(ns).unwrap_or_else(|e| panic!("setns into {ns}: {e}"));
            f()
        });
        match handle.join() {
            Ok(v) => v,
            Err(p) => std::panic::resume_unwind(p),
        }
    })
}

/// The three namespaces `A - R - B`; see the [module docs](self) for addresses and routes.
/// Dropping it deletes the namespaces (fields drop in order b, r, a... any order works).
#[derive(Debug)]
pub struct Topology {
    /// The sender: default routes via R (198.18.1.2, 2001:db8:1::2).
    pub a: Netns,
    /// The router: forwarding on, unreachable/prohibit/blackhole routes.
    pub r: Netns,
    /// The far host, behind the 1280-byte link.
    pub b: Netns,
}

impl Topology {
    /// Build the topology. Takes some tens of milliseconds (about 30 `ip` commands).
    ///
    /// # Errors
    /// Any `ip` command or sysctl failed.
    pub fn new() -> io::Result<Self> {
        let a = Netns::new("A")?;
        let r = Netns::new("R")?;
        let b = Netns::new("B")?;
        a.ip(&[
            "link",
            "add",
            "vA",
            "type",
            "veth",
            "peer",
            "name",
            "vRA",
            "netns",
            r.name(),
        ])?;
        r.ip(&[
            "link",
            "add",
            "vRB",
            "type",
            "veth",
            "peer",
            "name",
            "vB",
            "netns",
            b.name(),
        ])?;
        r.ip(&["link", "set", "dev", "vRB", "mtu", "1280"])?;
        b.ip(&["link", "set", "dev", "vB", "mtu", "1280"])?;
        for (ns, dev, v4, v6) in [
            (&a, "vA", "198.18.1.1/24", "2001:db8:1::1/64"),
            (&r, "vRA", "198.18.1.2/24", "2001:db8:1::2/64"),
            (&r, "vRB", "198.18.2.1/24", "2001:db8:2::1/64"),
            (&b, "vB", "198.18.2.2/24", "2001:db8:2::2/64"),
        ] {
            ns.ip(&["addr", "add", v4, "dev", dev])?;
            ns.ip(&["addr", "add", v6, "dev", dev, "nodad"])?;
            ns.ip(&["link", "set", "dev", dev, "up"])?;
        }
        a.ip(&["route", "add", "default", "via", "198.18.1.2"])?;
        a.ip(&["-6", "route", "add", "default", "via", "2001:db8:1::2"])?;
        b.ip(&["route", "add", "default", "via", "198.18.2.1"])?;
        b.ip(&["-6", "route", "add", "default", "via", "2001:db8:2::1"])?;
        r.sysctl("net/ipv4/ip_forward", "1")?;
        r.sysctl("net/ipv6/conf/all/forwarding", "1")?;
        for (kind, v4, v6) in [
            ("unreachable", "198.18.50.0/24", "2001:db8:50::/64"),
            ("prohibit", "198.18.51.0/24", "2001:db8:51::/64"),
            ("blackhole", "198.18.52.0/24", "2001:db8:52::/64"),
        ] {
            r.ip(&["route", "add", kind, v4])?;
            r.ip(&["-6", "route", "add", kind, v6])?;
        }
        Ok(Self { a, r, b })
    }
}

/// The interface index of `dev`, looked up inside namespace `ns`.
///
/// # Errors
/// No such interface.
pub fn ifindex(ns: &Netns, dev: &str) -> io::Result<u32> {
    let c = std::ffi::CString::new(dev).map_err(io::Error::other)?;
    ns.run(|| {
        // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
        let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
        if i == 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(i)
        }
    })
}

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
    for _ in 0..MAX_PROBES {
        send()?;
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

/// `IpAddr` of either family, for building socket addresses in tests.
#[must_use]
pub fn ip4(a: Ipv4Addr) -> IpAddr {
    IpAddr::V4(a)
}

/// `IpAddr` of an IPv6 address.
#[must_use]
pub fn ip6(a: Ipv6Addr) -> IpAddr {
    IpAddr::V6(a)
}
