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

/// Small socket helpers over `libc` for what `std::net` does not offer: raw and ping
/// sockets, integer socket options, `sendto` with flags.
pub mod sock {
    use std::io;
    use std::mem::size_of;
    use std::net::SocketAddr;
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

    /// `socket(domain, ty | SOCK_CLOEXEC, protocol)`.
    ///
    /// # Errors
    /// The `socket` call failed.
    pub fn socket(domain: i32, ty: i32, protocol: i32) -> io::Result<OwnedFd> {
        // SAFETY: socket takes three integers; a non-negative result is a new fd we own.
        let fd = unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, protocol) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just returned by socket and is owned by nobody else.
        Ok(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// `setsockopt(fd, level, name, &value, sizeof(int))`.
    ///
    /// # Errors
    /// The `setsockopt` call failed.
    pub fn set_int<Fd: AsFd>(fd: Fd, level: i32, name: i32, value: i32) -> io::Result<()> {
        // SAFETY: the option value points to a live int of the length given.
        let rc = unsafe {
            libc::setsockopt(
                fd.as_fd().as_raw_fd(),
                level,
                name,
                std::ptr::from_ref(&value).cast(),
                size_of::<i32>() as libc::socklen_t,
            )
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// A `sockaddr_storage` and its length for `addr`.
    #[must_use]
    pub fn sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
        // SAFETY: sockaddr_storage is plain integers; all-zero is a valid value.
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let len = match addr {
            SocketAddr::V4(a) => {
                let sin = libc::sockaddr_in {
                    sin_family: libc::AF_INET as libc::sa_family_t,
                    sin_port: a.port().to_be(),
                    sin_addr: libc::in_addr {
                        s_addr: u32::from_ne_bytes(a.ip().octets()),
                    },
                    sin_zero: [0; 8],
                };
                // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
                unsafe {
                    std::ptr::from_mut(&mut ss)
                        .cast::<libc::sockaddr_in>()
                        .write(sin)
                };
                size_of::<libc::sockaddr_in>()
            }
            SocketAddr::V6(a) => {
                let sin6 = libc::sockaddr_in6 {
                    sin6_family: libc::AF_INET6 as libc::sa_family_t,
                    sin6_port: a.port().to_be(),
                    sin6_flowinfo: a.flowinfo().to_be(),
                    sin6_addr: libc::in6_addr {
                        s6_addr: a.ip().octets(),
                    },
                    sin6_scope_id: a.scope_id(),
                };
                // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in6.
                unsafe {
                    std::ptr::from_mut(&mut ss)
                        .cast::<libc::sockaddr_in6>()
                        .write(sin6)
                };
                size_of::<libc::sockaddr_in6>()
            }
        };
        (ss, len as libc::socklen_t)
    }

    /// `bind(fd, addr)`.
    ///
    /// # Errors
    /// The `bind` call failed.
    pub fn bind<Fd: AsFd>(fd: Fd, addr: &SocketAddr) -> io::Result<()> {
        let (ss, len) = sockaddr(addr);
        // SAFETY: `ss` is a valid sockaddr of `len` bytes, live for the call.
        let rc = unsafe { libc::bind(fd.as_fd().as_raw_fd(), std::ptr::from_ref(&ss).cast(), len) };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// `connect(fd, addr)`.
    ///
    /// # Errors
    /// The `connect` call failed.
    pub fn connect<Fd: AsFd>(fd: Fd, addr: &SocketAddr) -> io::Result<()> {
        let (ss, len) = sockaddr(addr);
        // SAFETY: `ss` is a valid sockaddr of `len` bytes, live for the call.
        let rc =
            unsafe { libc::connect(fd.as_fd().as_raw_fd(), std::ptr::from_ref(&ss).cast(), len) };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// `sendto(fd, buf, flags, addr)` (`addr` `None`: a connected socket's `send`).
    ///
    /// # Errors
    /// The call failed.
    pub fn send_to<Fd: AsFd>(
        fd: Fd,
        buf: &[u8],
        flags: i32,
        addr: Option<&SocketAddr>,
    ) -> io::Result<usize> {
        let (ss, len) = match addr {
            Some(a) => sockaddr(a),
            // SAFETY: sockaddr_storage is plain integers; all-zero is valid (unused: len 0).
            None => (unsafe { std::mem::zeroed() }, 0),
        };
        let name = if addr.is_some() {
            std::ptr::from_ref(&ss).cast()
        } else {
            std::ptr::null()
        };
        // SAFETY: `buf` is live for `buf.len()` bytes; `name` is null with length 0 or a
        // valid sockaddr of `len` bytes.
        let n = unsafe {
            libc::sendto(
                fd.as_fd().as_raw_fd(),
                buf.as_ptr().cast(),
                buf.len(),
                flags,
                name,
                len,
            )
        };
        usize::try_from(n).map_err(|_| io::Error::last_os_error())
    }

    /// The local address of `fd` (`getsockname`), for the families the tests use.
    ///
    /// # Errors
    /// The call failed, or the family is neither IPv4 nor IPv6.
    pub fn local_addr<Fd: AsFd>(fd: Fd) -> io::Result<SocketAddr> {
        // SAFETY: sockaddr_storage is plain integers; all-zero is a valid value.
        let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        // SAFETY: `ss` has room for `len` bytes; the kernel writes at most that.
        let rc = unsafe {
            libc::getsockname(
                fd.as_fd().as_raw_fd(),
                std::ptr::from_mut(&mut ss).cast(),
                &mut len,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        match i32::from(ss.ss_family) {
            libc::AF_INET => {
                // SAFETY: the family says the storage holds a sockaddr_in.
                let sin = unsafe { *std::ptr::from_ref(&ss).cast::<libc::sockaddr_in>() };
                Ok(SocketAddr::from((
                    sin.sin_addr.s_addr.to_ne_bytes(),
                    u16::from_be(sin.sin_port),
                )))
            }
            libc::AF_INET6 => {
                // SAFETY: the family says the storage holds a sockaddr_in6.
                let sin6 = unsafe { *std::ptr::from_ref(&ss).cast::<libc::sockaddr_in6>() };
                Ok(SocketAddr::from((
                    sin6.sin6_addr.s6_addr,
                    u16::from_be(sin6.sin6_port),
                )))
            }
            f => Err(io::Error::other(format!("unexpected family {f}"))),
        }
    }
}

/// Hand-built packets: the probe as it left A (IP + UDP header), ICMP/ICMPv6 errors quoting
/// it, and RFC 4884 extension structures, for the errors the kernel will not make by itself
/// (send them from R with a raw socket: [`sock::socket`]`(AF_INET, SOCK_RAW, IPPROTO_ICMP)`).
/// Built byte by byte here, independently of errq-codec, so the tests' expectations do not
/// come from the code under test.
pub mod build {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};

    /// The Internet checksum (RFC 1071) of `bytes`.
    #[must_use]
    pub fn checksum(bytes: &[u8]) -> u16 {
        let mut sum: u32 = 0;
        for chunk in bytes.chunks(2) {
            let word = match chunk {
                [a, b] => u16::from_be_bytes([*a, *b]),
                [a] => u16::from_be_bytes([*a, 0]),
                _ => 0,
            };
            sum += u32::from(word);
        }
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }

    /// An IPv4 + UDP packet `src -> dst` carrying `data` (TTL 63, DF, as R would see it
    /// after one hop); the UDP checksum is left 0.
    #[must_use]
    pub fn udp4(src: SocketAddrV4, dst: SocketAddrV4, data: &[u8]) -> Vec<u8> {
        let total = 20 + 8 + data.len();
        let mut p = vec![0u8; 20];
        p[0] = 0x45;
        p[2..4].copy_from_slice(&(total as u16).to_be_bytes());
        p[6] = 0x40; // DF
        p[8] = 63;
        p[9] = 17;
        p[12..16].copy_from_slice(&src.ip().octets());
        p[16..20].copy_from_slice(&dst.ip().octets());
        let c = checksum(&p);
        p[10..12].copy_from_slice(&c.to_be_bytes());
        p.extend_from_slice(&src.port().to_be_bytes());
        p.extend_from_slice(&dst.port().to_be_bytes());
        p.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
        p.extend_from_slice(&[0, 0]);
        p.extend_from_slice(data);
        p
    }

    /// An IPv6 + UDP packet `src -> dst` carrying `data` (hop limit 63).
    #[must_use]
    pub fn udp6(src: SocketAddrV6, dst: SocketAddrV6, data: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; 40];
        p[0] = 0x60;
        p[4..6].copy_from_slice(&((8 + data.len()) as u16).to_be_bytes());
        p[6] = 17;
        p[7] = 63;
        p[8..24].copy_from_slice(&src.ip().octets());
        p[24..40].copy_from_slice(&dst.ip().octets());
        p.extend_from_slice(&src.port().to_be_bytes());
        p.extend_from_slice(&dst.port().to_be_bytes());
        p.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
        p.extend_from_slice(&[0, 0]); // (a wrong UDP checksum: the kernel does not check quotes)
        p.extend_from_slice(data);
        p
    }

    /// An ICMP (or ICMPv6) error message: `kind`, `code`, the 4 bytes after the checksum
    /// (`rest`), the quoted packet zero-padded (or cut) to `quote_len` bytes, then `ext`.
    /// `v4_checksum`: fill the ICMPv4 checksum (the kernel fills ICMPv6's on raw sockets).
    #[must_use]
    pub fn icmp_error(
        kind: u8,
        code: u8,
        rest: [u8; 4],
        quote: &[u8],
        quote_len: usize,
        ext: &[u8],
        v4_checksum: bool,
    ) -> Vec<u8> {
        let mut p = vec![kind, code, 0, 0];
        p.extend_from_slice(&rest);
        let mut q = quote.to_vec();
        q.resize(quote_len, 0);
        p.extend_from_slice(&q);
        p.extend_from_slice(ext);
        if v4_checksum {
            let c = checksum(&p);
            p[2..4].copy_from_slice(&c.to_be_bytes());
        }
        p
    }

    /// One MPLS label stack entry (RFC 3032): label 20 bits, TC 3, S 1, TTL 8.
    #[must_use]
    pub fn mpls_entry(label: u32, tc: u8, bottom: bool, ttl: u8) -> [u8; 4] {
        (label << 12 | u32::from(tc) << 9 | u32::from(bottom) << 8 | u32::from(ttl)).to_be_bytes()
    }

    /// An extension object: length (header included), class, c-type, payload.
    #[must_use]
    pub fn object(class: u8, c_type: u8, payload: &[u8]) -> Vec<u8> {
        let mut o = ((4 + payload.len()) as u16).to_be_bytes().to_vec();
        o.push(class);
        o.push(c_type);
        o.extend_from_slice(payload);
        o
    }

    /// An RFC 5837 interface information object (class 2), role incoming (0), with ifIndex,
    /// IP address, name and MTU (c-type 0x0f). `name` is padded with NULs to a multiple of 4
    /// with its length octet.
    #[must_use]
    pub fn interface_info(if_index: u32, addr: std::net::IpAddr, name: &str, mtu: u32) -> Vec<u8> {
        let mut p = if_index.to_be_bytes().to_vec();
        match addr {
            std::net::IpAddr::V4(a) => {
                p.extend_from_slice(&[0, 1, 0, 0]);
                p.extend_from_slice(&a.octets());
            }
            std::net::IpAddr::V6(a) => {
                p.extend_from_slice(&[0, 2, 0, 0]);
                p.extend_from_slice(&a.octets());
            }
        }
        let mut n = vec![0u8];
        n.extend_from_slice(name.as_bytes());
        while n.len() % 4 != 0 {
            n.push(0);
        }
        n[0] = n.len() as u8;
        p.extend_from_slice(&n);
        p.extend_from_slice(&mtu.to_be_bytes());
        object(2, 0x0f, &p)
    }

    /// An RFC 4884 extension structure (version 2) holding `objects`, with a valid checksum,
    /// or a deliberately wrong one when `bad_checksum`.
    #[must_use]
    pub fn extension(objects: &[Vec<u8>], bad_checksum: bool) -> Vec<u8> {
        let mut e = vec![0x20, 0, 0, 0];
        for o in objects {
            e.extend_from_slice(o);
        }
        let mut c = checksum(&e);
        if bad_checksum {
            c ^= 0x5a5a;
        }
        e[2..4].copy_from_slice(&c.to_be_bytes());
        e
    }

    /// Convenience: `Ipv4Addr` to the quoted-probe socket address.
    #[must_use]
    pub fn v4(ip: Ipv4Addr, port: u16) -> SocketAddrV4 {
        SocketAddrV4::new(ip, port)
    }

    /// Convenience: `Ipv6Addr` to the quoted-probe socket address.
    #[must_use]
    pub fn v6(ip: Ipv6Addr, port: u16) -> SocketAddrV6 {
        SocketAddrV6::new(ip, port, 0, 0)
    }
}

/// The destination port of the probes [`hand_built_error`] answers.
pub const HAND_DPORT: u16 = 33999;

/// Make a hand-built ICMP (or ICMPv6, `v6`) error arrive on UDP socket `s` in A.
///
/// `s` (bound to the wildcard address in A, any port) sends `data` to the blackhole
/// [`addr::HOLE4`] / [`addr::HOLE6`] port [`HAND_DPORT`], where R drops it silently; R
/// answers with the ICMP message `icmp(quote)` returns, sent to A from a raw socket in R
/// (`quote` is the probe as R would see it: [`build::udp4`]/[`build::udp6`] of A's address
/// and `s`'s port, TTL/hop limit 63). For ICMPv4 the message must carry its own checksum
/// (the kernel fills ICMPv6's). Probe and answer are resent until an error is queued, as in
/// [`await_error`].
///
/// # Errors
/// A socket call failed, or nothing arrived.
pub fn hand_built_error<const P: usize, const C: usize>(
    topo: &Topology,
    v6: bool,
    s: &std::net::UdpSocket,
    data: &[u8],
    icmp: impl FnOnce(&[u8]) -> Vec<u8>,
    buffers: &mut RecvBuffers<P, C>,
) -> io::Result<Received> {
    use std::net::SocketAddr;
    let sport = s.local_addr()?.port();
    let (quote, dst, to) = if v6 {
        (
            build::udp6(
                build::v6(addr::A6, sport),
                build::v6(addr::HOLE6, HAND_DPORT),
                data,
            ),
            SocketAddr::from((addr::HOLE6, HAND_DPORT)),
            SocketAddr::from((addr::A6, 0)),
        )
    } else {
        (
            build::udp4(
                build::v4(addr::A4, sport),
                build::v4(addr::HOLE4, HAND_DPORT),
                data,
            ),
            SocketAddr::from((addr::HOLE4, HAND_DPORT)),
            SocketAddr::from((addr::A4, 0)),
        )
    };
    let msg = icmp(&quote);
    let raw = topo.r.run(|| {
        if v6 {
            sock::socket(libc::AF_INET6, libc::SOCK_RAW, libc::IPPROTO_ICMPV6)
        } else {
            sock::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP)
        }
    })?;
    await_error(s, buffers, || {
        s.send_to(data, dst)?;
        sock::send_to(&raw, &msg, 0, Some(&to)).map(drop)
    })
}
