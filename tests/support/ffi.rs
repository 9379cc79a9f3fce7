//! The only `unsafe` of the test support: the few `libc` calls that neither `std` nor
//! errq-sys offer (entering a namespace, raw, ping and packet sockets, socket options
//! errq-sys has no setter for, `shutdown` on a UDP socket, per-thread CPU time). Each is a
//! safe function over one system call; every `unsafe` block says why it is sound.
//!
//! Sending goes through [`errq_sys::SendMsg`] (any socket, any flags, optional address),
//! and the options errq-sys knows (`SO_RCVBUF`, `IPV6_UNICAST_HOPS`, ...) through its
//! setters: this module does not repeat them.

use std::ffi::CStr;
use std::fs::File;
use std::io;
use std::mem::size_of;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

/// A `libc` return code: 0 is success, anything else the thread's `errno`.
fn check(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The length of `T` as a `socklen_t` (socket addresses and option values are small).
fn socklen<T>() -> libc::socklen_t {
    libc::socklen_t::try_from(size_of::<T>()).expect("a small struct")
}

/// The effective user id (`geteuid`).
#[must_use]
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Move the calling thread into the network namespace `ns` (a `/run/netns/NAME` file):
/// `setns(fd, CLONE_NEWNET)`.
///
/// # Errors
/// The `setns` call failed.
pub fn setns_net(ns: &File) -> io::Result<()> {
    // SAFETY: setns takes a valid fd (borrowed from `ns`, open for the call) and a flag;
    // CLONE_NEWNET changes only this thread's network namespace.
    check(unsafe { libc::setns(ns.as_fd().as_raw_fd(), libc::CLONE_NEWNET) })
}

/// The index of interface `name` in the calling thread's namespace (`if_nametoindex`).
///
/// # Errors
/// No such interface.
pub fn if_nametoindex(name: &CStr) -> io::Result<u32> {
    // SAFETY: `name` is a valid NUL-terminated string that outlives the call.
    match unsafe { libc::if_nametoindex(name.as_ptr()) } {
        0 => Err(io::Error::last_os_error()),
        i => Ok(i),
    }
}

/// `socket(domain, ty | SOCK_CLOEXEC, protocol)`: for the raw, ping and packet sockets
/// `std::net` does not make.
///
/// # Errors
/// The `socket` call failed.
pub fn socket(domain: i32, ty: i32, protocol: i32) -> io::Result<OwnedFd> {
    // SAFETY: socket takes three integers and touches no memory of ours.
    let fd = unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, protocol) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by socket: open, and owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `setsockopt(fd, level, name, value, value.len())`: an option of any shape, given as its
/// bytes (a sticky IPv6 extension header, say).
///
/// # Errors
/// The `setsockopt` call failed.
pub fn set_bytes<Fd: AsFd>(fd: Fd, level: i32, name: i32, value: &[u8]) -> io::Result<()> {
    let len = libc::socklen_t::try_from(value.len()).map_err(io::Error::other)?;
    // SAFETY: `value` is live and readable for `len` bytes for the whole call; the kernel
    // only reads it.
    check(unsafe {
        libc::setsockopt(
            fd.as_fd().as_raw_fd(),
            level,
            name,
            value.as_ptr().cast(),
            len,
        )
    })
}

/// `setsockopt(fd, level, name, &value, sizeof(int))`, for the integer options errq-sys
/// has no setter for (`IP_RECVTOS`, `IPV6_RECVTCLASS`, `IP_TTL` on a raw socket, ...).
///
/// # Errors
/// The `setsockopt` call failed.
pub fn set_int<Fd: AsFd>(fd: Fd, level: i32, name: i32, value: i32) -> io::Result<()> {
    set_bytes(fd, level, name, &value.to_ne_bytes())
}

/// `bind(fd, addr)` for an IPv4 or IPv6 address (a ping socket's identifier is its port).
///
/// # Errors
/// The `bind` call failed.
pub fn bind<Fd: AsFd>(fd: Fd, addr: SocketAddr) -> io::Result<()> {
    let fd = fd.as_fd().as_raw_fd();
    match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            let len = socklen::<libc::sockaddr_in>();
            // SAFETY: `sin` is a live sockaddr_in of `len` bytes; the kernel only reads it.
            check(unsafe { libc::bind(fd, std::ptr::from_ref(&sin).cast(), len) })
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
            let len = socklen::<libc::sockaddr_in6>();
            // SAFETY: `sin6` is a live sockaddr_in6 of `len` bytes; the kernel only reads it.
            check(unsafe { libc::bind(fd, std::ptr::from_ref(&sin6).cast(), len) })
        }
    }
}

/// `bind(fd, sockaddr_ll)`: a packet socket bound to interface `ifindex`, for frames of
/// EtherType `protocol`.
///
/// # Errors
/// The `bind` call failed.
pub fn bind_packet<Fd: AsFd>(fd: Fd, ifindex: u32, protocol: u16) -> io::Result<()> {
    let sll = libc::sockaddr_ll {
        sll_family: libc::AF_PACKET as u16,
        sll_protocol: protocol.to_be(),
        sll_ifindex: i32::try_from(ifindex).map_err(io::Error::other)?,
        sll_hatype: 0,
        sll_pkttype: 0,
        sll_halen: 0,
        sll_addr: [0; 8],
    };
    let len = socklen::<libc::sockaddr_ll>();
    // SAFETY: `sll` is a live sockaddr_ll of `len` bytes; the kernel only reads it.
    check(unsafe { libc::bind(fd.as_fd().as_raw_fd(), std::ptr::from_ref(&sll).cast(), len) })
}

/// `shutdown(fd, SHUT_RDWR)`, which `std::net::UdpSocket` does not offer.
///
/// # Errors
/// The `shutdown` call failed (`ENOTCONN` on an unconnected UDP socket, which is shut down
/// all the same).
pub fn shutdown<Fd: AsFd>(fd: Fd) -> io::Result<()> {
    // SAFETY: shutdown takes a borrowed, open fd and a flag; it touches no memory of ours.
    check(unsafe { libc::shutdown(fd.as_fd().as_raw_fd(), libc::SHUT_RDWR) })
}

/// CPU time (user + system) of the calling thread: `getrusage(RUSAGE_THREAD)`.
///
/// # Panics
/// If `getrusage` fails (it cannot for `RUSAGE_THREAD` on Linux).
#[must_use]
pub fn thread_cpu() -> Duration {
    let mut ru = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `ru` is writable for a whole `rusage`; RUSAGE_THREAD is valid on Linux.
    check(unsafe { libc::getrusage(libc::RUSAGE_THREAD, ru.as_mut_ptr()) })
        .unwrap_or_else(|e| panic!("getrusage: {e}"));
    // SAFETY: getrusage succeeded, so it filled the whole struct.
    let ru = unsafe { ru.assume_init() };
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    tv(ru.ru_utime) + tv(ru.ru_stime)
}
