//! The error of a socket-option call: which call, which option, and the kernel's errno.

use std::fmt;
use std::io;

use errq_codec::addr::Family;
use libc::c_int;

/// `setsockopt` or `getsockopt`.
///
/// ```
/// use errq_sys::Call;
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// let set = errq_sys::set_ipv6_recverr(&socket, true).unwrap_err();
/// let get = errq_sys::ipv6_recverr(&socket).unwrap_err();
/// assert_eq!((set.call(), get.call()), (Call::Set, Call::Get));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Call {
    /// `setsockopt`.
    Set,
    /// `getsockopt`.
    Get,
}

/// A socket-option call that failed: it names the option, so a log line says which of
/// several calls went wrong, and keeps the errno.
///
/// Converts into [`io::Error`] (with `?`) keeping the kind and the message; read the errno
/// with [`raw_os_error`](Self::raw_os_error) before converting, or with
/// `errq_sys::os_error` after.
///
/// ```
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// // IPV6_RECVERR on an AF_INET socket: the kernel says ENOPROTOOPT.
/// let err = errq_sys::set_ipv6_recverr(&socket, true).unwrap_err();
/// assert_eq!(err.option(), "IPV6_RECVERR");
/// assert_eq!(err.raw_os_error(), Some(libc::ENOPROTOOPT));
/// assert!(err.to_string().starts_with("setsockopt(IPPROTO_IPV6, IPV6_RECVERR): "));
/// ```
#[derive(Debug)]
pub struct SockoptError {
    call: Call,
    level: c_int,
    option: &'static str,
    error: io::Error,
}

impl SockoptError {
    /// The error of the call that just failed (`errno`).
    pub(crate) fn last(call: Call, level: c_int, option: &'static str) -> Self {
        Self {
            call,
            level,
            option,
            error: io::Error::last_os_error(),
        }
    }

    /// `EAFNOSUPPORT`: a family-dispatching setter on a socket whose family has no error
    /// queue option it knows.
    pub(crate) fn no_error_queue(family: Family) -> Self {
        Self {
            call: Call::Set,
            level: libc::SOL_SOCKET,
            option: match family {
                Family::INET | Family::INET6 => "IP_RECVERR",
                _ => "IP_RECVERR/IPV6_RECVERR (no error-queue option for this family)",
            },
            error: io::Error::from_raw_os_error(libc::EAFNOSUPPORT),
        }
    }

    /// Which call failed.
    ///
    /// ```
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let err = errq_sys::ipv6_recverr(&socket).unwrap_err(); // no IPv6 options on AF_INET
    /// assert_eq!(err.call(), errq_sys::Call::Get);
    /// assert!(err.to_string().starts_with("getsockopt("));
    /// ```
    #[must_use]
    pub const fn call(&self) -> Call {
        self.call
    }

    /// The option's level (`SOL_SOCKET`, `IPPROTO_IP`, ...).
    ///
    /// ```
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let err = errq_sys::set_ipv6_recverr(&socket, true).unwrap_err();
    /// assert_eq!(err.level(), libc::IPPROTO_IPV6);
    /// ```
    #[must_use]
    pub const fn level(&self) -> c_int {
        self.level
    }

    /// The option's C name (`"IP_RECVERR"`).
    ///
    /// ```
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let err = errq_sys::set_recverr_dual_stack(&socket, true).unwrap_err();
    /// assert_eq!(err.option(), "IPV6_RECVERR"); // which of the two calls failed
    /// ```
    #[must_use]
    pub const fn option(&self) -> &'static str {
        self.option
    }

    /// The errno the kernel returned.
    ///
    /// ```
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// match errq_sys::set_ip_recverr_rfc4884(&socket, true) {
    ///     Ok(()) => {}
    ///     // Kernels before 5.9 do not know the option: carry on without RFC 4884 offsets.
    ///     Err(e) if e.raw_os_error() == Some(libc::ENOPROTOOPT) => {}
    ///     Err(e) => panic!("{e}"),
    /// }
    /// ```
    #[must_use]
    pub fn raw_os_error(&self) -> Option<i32> {
        self.error.raw_os_error()
    }

    /// The kind of the underlying error.
    ///
    /// ```
    /// use errq_sys::{set_ip_mtu_discover, PmtuDisc};
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let err = set_ip_mtu_discover(&socket, PmtuDisc(99)).unwrap_err(); // EINVAL
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    #[must_use]
    pub fn kind(&self) -> io::ErrorKind {
        self.error.kind()
    }

    /// The underlying OS error, without the option name.
    ///
    /// ```
    /// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let err = errq_sys::set_ipv6_recverr(&socket, true).unwrap_err();
    /// let os = err.into_os_error();
    /// assert_eq!(os.raw_os_error(), Some(libc::ENOPROTOOPT));
    /// assert!(!os.to_string().contains("IPV6_RECVERR")); // the option name is gone
    /// ```
    #[must_use]
    pub fn into_os_error(self) -> io::Error {
        self.error
    }
}

fn level_name(level: c_int) -> &'static str {
    match level {
        libc::SOL_SOCKET => "SOL_SOCKET",
        libc::IPPROTO_IP => "IPPROTO_IP",
        libc::IPPROTO_IPV6 => "IPPROTO_IPV6",
        libc::SOL_CAN_J1939 => "SOL_CAN_J1939",
        _ => "level",
    }
}

impl fmt::Display for SockoptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = match self.call {
            Call::Set => "setsockopt",
            Call::Get => "getsockopt",
        };
        write!(
            f,
            "{call}({}, {}): {}",
            level_name(self.level),
            self.option,
            self.error
        )
    }
}

impl std::error::Error for SockoptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

impl From<SockoptError> for io::Error {
    fn from(e: SockoptError) -> Self {
        Self::new(e.error.kind(), e)
    }
}

/// The errno of `err`, also when it is a converted [`SockoptError`] (whose
/// `io::Error::raw_os_error` is `None`, as for every custom `io::Error`).
///
/// ```
/// fn enable(socket: &std::net::UdpSocket) -> std::io::Result<()> {
///     errq_sys::set_ipv6_recverr(socket, true)?;
///     Ok(())
/// }
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
/// let err = enable(&socket).unwrap_err();
/// assert_eq!(errq_sys::os_error(&err), Some(libc::ENOPROTOOPT));
/// ```
#[must_use]
pub fn os_error(err: &io::Error) -> Option<i32> {
    err.raw_os_error().or_else(|| {
        err.get_ref()?
            .downcast_ref::<SockoptError>()?
            .raw_os_error()
    })
}
