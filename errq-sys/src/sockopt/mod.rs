//! Socket options that turn the error queue on and decide what it delivers.
//!
//! One small safe function per option, on anything that is [`AsFd`] (`std::net::UdpSocket`,
//! `socket2::Socket`, `tokio::net::UdpSocket`, ...). Each doc comment gives the C call it makes;
//! all of them go through one private `setsockopt`/`getsockopt` pair.
//!
//! Start with [`set_recverr`], which picks the right option(s) for the socket's family, or
//! with [`set_ip_recverr`] / [`set_ipv6_recverr`] / [`set_recverr_dual_stack`] directly.

use std::mem::size_of;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use libc::{c_int, socklen_t};

mod error;
mod ip;
mod pmtu;
mod socket;

pub use error::{os_error, Call, SockoptError};
pub use errq_codec::tsflags::Timestamping;
pub use ip::*;
pub use pmtu::*;
pub use socket::*;

/// Values the kernel may write into: every bit pattern of these types is valid.
pub(crate) trait Pod: Copy + Default {}
impl Pod for c_int {}
impl Pod for [c_int; 2] {}

/// The size of `T` as a `socklen_t` (all `Pod` types are a few bytes).
fn socklen_of<T>() -> socklen_t {
    socklen_t::try_from(size_of::<T>()).unwrap_or(socklen_t::MAX)
}

/// `setsockopt(fd, level, name, &value, sizeof(value))`.
pub(crate) fn setsockopt<T: Pod>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    option: &'static str,
    value: T,
) -> Result<(), SockoptError> {
    // SAFETY: `value` is a live, initialized `T` on our stack and `socklen_of::<T>()` is its
    // exact size, so the kernel reads only bytes we own; the fd is borrowed for the call.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            std::ptr::from_ref(&value).cast(),
            socklen_of::<T>(),
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(SockoptError::last(Call::Set, level, option))
    }
}

/// `getsockopt(fd, level, name, &value, &len)`, starting from `T::default()`.
pub(crate) fn getsockopt<T: Pod>(
    fd: BorrowedFd<'_>,
    level: c_int,
    name: c_int,
    option: &'static str,
) -> Result<T, SockoptError> {
    let mut value = T::default();
    let mut len = socklen_of::<T>();
    // SAFETY: `value` is a live `T` and `len` its size: the kernel writes at most `len` bytes
    // into it, and any bytes are a valid `T` (`Pod`). `len` is a live `socklen_t`.
    let rc = unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            level,
            name,
            std::ptr::from_mut(&mut value).cast(),
            &mut len,
        )
    };
    if rc == 0 {
        Ok(value)
    } else {
        Err(SockoptError::last(Call::Get, level, option))
    }
}

pub(crate) fn set_bool<Fd: AsFd>(
    fd: Fd,
    level: c_int,
    name: c_int,
    option: &'static str,
    on: bool,
) -> Result<(), SockoptError> {
    setsockopt(fd.as_fd(), level, name, option, c_int::from(on))
}

pub(crate) fn get_bool<Fd: AsFd>(
    fd: Fd,
    level: c_int,
    name: c_int,
    option: &'static str,
) -> Result<bool, SockoptError> {
    getsockopt::<c_int>(fd.as_fd(), level, name, option).map(|v| v != 0)
}

/// The flags as the `int` the kernel takes (bit pattern preserved).
pub(crate) fn flags_int(flags: Timestamping) -> c_int {
    c_int::from_ne_bytes(flags.0.to_ne_bytes())
}

/// A kernel `int` that is never negative, as `u32` (a negative one becomes 0).
pub(crate) fn nonneg(v: c_int) -> u32 {
    u32::try_from(v).unwrap_or(0)
}
