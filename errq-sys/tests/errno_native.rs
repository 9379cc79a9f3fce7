//! The codec's errno table against this platform's libc, for the native numbering.
// Tests report failures by panicking, and use small known values.
#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::arithmetic_side_effects
)]

use errq_codec::errno::{Errno, ErrnoNumbering};

macro_rules! check {
    ($($name:ident),* $(,)?) => {
        [$((stringify!($name), libc::$name)),*]
    };
}

#[test]
fn network_errnos_match_libc() {
    let pairs = check!(
        EPERM,
        ENOENT,
        EINTR,
        EIO,
        EBADF,
        EAGAIN,
        EWOULDBLOCK,
        ENOMEM,
        EACCES,
        EFAULT,
        EBUSY,
        EINVAL,
        ENFILE,
        EMFILE,
        ENOSPC,
        EPIPE,
        EDEADLK,
        ENOSYS,
        ENOMSG,
        ETIME,
        ENONET,
        ENOLINK,
        ECOMM,
        EPROTO,
        EBADMSG,
        EOVERFLOW,
        EREMOTEIO,
        ENOTSOCK,
        EDESTADDRREQ,
        EMSGSIZE,
        EPROTOTYPE,
        ENOPROTOOPT,
        EPROTONOSUPPORT,
        ESOCKTNOSUPPORT,
        EOPNOTSUPP,
        ENOTSUP,
        EPFNOSUPPORT,
        EAFNOSUPPORT,
        EADDRINUSE,
        EADDRNOTAVAIL,
        ENETDOWN,
        ENETUNREACH,
        ENETRESET,
        ECONNABORTED,
        ECONNRESET,
        ENOBUFS,
        EISCONN,
        ENOTCONN,
        ESHUTDOWN,
        ETOOMANYREFS,
        ETIMEDOUT,
        ECONNREFUSED,
        EHOSTDOWN,
        EHOSTUNREACH,
        EALREADY,
        EINPROGRESS,
        ECANCELED,
        EDQUOT,
        ERFKILL,
        EHWPOISON,
    );
    for (name, value) in pairs {
        let e = Errno::from_name(name, ErrnoNumbering::NATIVE)
            .unwrap_or_else(|| panic!("{name} missing from the native table"));
        assert_eq!(i64::from(e.raw), i64::from(value), "{name}");
        assert!(e.is(name), "{name}");
    }
}

/// Every number the table names in the native numbering has the text glibc's strerror gives.
#[cfg(target_env = "gnu")]
#[test]
fn descriptions_match_strerror() {
    for raw in 1..=200_u32 {
        let e = Errno::new(raw, ErrnoNumbering::NATIVE);
        let Some(description) = e.description() else {
            continue;
        };
        let io = std::io::Error::from_raw_os_error(i32::try_from(raw).unwrap());
        let text = io.to_string();
        // std formats as "<strerror text> (os error N)".
        let glibc = text.split(" (os error").next().unwrap();
        assert_eq!(description, glibc, "{e}");
    }
}
