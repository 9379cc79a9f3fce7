//! Reading one message from the error queue: `recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT)`.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use errq_codec::message::Message;
use libc::c_int;

use crate::buffer::{ControlBuffer, NameBuffer, ERROR_CONTROL_SPACE, NAME_SPACE};

/// The default payload buffer size of [`RecvBuffers`]: a full 1500-byte packet with room to
/// spare, enough for every quoted datagram and most looped-back timestamped packets.
pub const DEFAULT_PAYLOAD_SPACE: usize = 2048;

/// What one `recvmsg`/`recvmmsg` on the error queue filled in, without the bytes themselves.
///
/// The lengths are clamped to the buffers that were passed, so slicing with them never fails.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// # use std::time::Duration;
/// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
/// # // queues an ICMP port unreachable on it.
/// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
/// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// # errq_sys::set_recverr(&socket, true)?;
/// # socket.send_to(b"probe", closed)?;
/// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
/// use errq_sys::{recv_error, ControlBuffer, NameBuffer};
///
/// let mut payload = [0u8; 64];
/// let (mut control, mut name) = (ControlBuffer::<256>::new(), NameBuffer::new());
/// let received = recv_error(&socket, &mut payload, &mut control, &mut name)?.expect("queued");
/// assert_eq!(received.payload_len, 5); // the UDP payload, quoted back
/// assert_eq!(&payload[..received.payload_len], b"probe");
/// assert_eq!(received.name_len, 16); // a sockaddr_in: the original destination
/// assert!(received.control_len > 0 && received.is_errqueue());
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Received {
    /// Bytes copied into the payload buffer (the return value of `recvmsg`, or `msg_len`).
    pub payload_len: usize,
    /// Bytes of control messages written (`msg_controllen` after the call).
    pub control_len: usize,
    /// Bytes of `msg_name` written (`msg_namelen` after the call); 0 for timestamp and
    /// zerocopy entries, which have no original destination.
    pub name_len: usize,
    /// `msg_flags` after the call: always has `MSG_ERRQUEUE`; `MSG_TRUNC` and `MSG_CTRUNC`
    /// say a buffer was too small.
    pub flags: c_int,
}

impl Received {
    /// `MSG_TRUNC`: the payload was longer than the payload buffer and was cut.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// // A 4-byte payload buffer for a 5-byte datagram.
    /// let mut buffers = errq_sys::RecvBuffers::<4>::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// assert!(received.payload_truncated());
    /// assert_eq!(buffers.payload(&received), b"prob");
    /// // The error record is whole: only the quoted payload was cut.
    /// let text = buffers.message(&received).to_string();
    /// assert!(text.ends_with("errno ECONNREFUSED, payload truncated"), "{text}");
    /// # Ok(()) }
    /// ```
    #[doc(alias = "MSG_TRUNC")]
    #[must_use]
    pub const fn payload_truncated(&self) -> bool {
        self.flags & libc::MSG_TRUNC != 0
    }

    /// `MSG_CTRUNC`: the control messages did not fit the control buffer. The error record
    /// comes last, so it is the first thing lost; the decoded view reports what is missing.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// // 8 bytes of control buffer: less than one cmsghdr on any ABI.
    /// let mut buffers = errq_sys::RecvBuffers::<64, 8>::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// assert!(received.control_truncated());
    /// let message = buffers.message(&received);
    /// assert!(message.error().is_none()); // the error record was what got lost
    /// assert!(message.control_truncated());
    /// # Ok(()) }
    /// ```
    #[doc(alias = "MSG_CTRUNC")]
    #[must_use]
    pub const fn control_truncated(&self) -> bool {
        self.flags & libc::MSG_CTRUNC != 0
    }

    /// `MSG_ERRQUEUE`: the message came from the error queue (always set by these calls).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// assert!(received.is_errqueue());
    /// assert_eq!(received.flags & libc::MSG_ERRQUEUE, libc::MSG_ERRQUEUE);
    /// # Ok(()) }
    /// ```
    #[doc(alias = "MSG_ERRQUEUE")]
    #[must_use]
    pub const fn is_errqueue(&self) -> bool {
        self.flags & libc::MSG_ERRQUEUE != 0
    }

    /// Decode what this call put into the three buffers (see [`decode`]).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// use errq_sys::{recv_error, ControlBuffer, NameBuffer};
    ///
    /// let mut payload = [0u8; 64];
    /// let (mut control, mut name) = (ControlBuffer::<256>::new(), NameBuffer::new());
    /// let received = recv_error(&socket, &mut payload, &mut control, &mut name)?.expect("queued");
    /// let message = received.message(&payload, &control, &name);
    /// assert_eq!(message.destination(), Some(closed));
    /// assert_eq!(message.offender(), Some("127.0.0.1:0".parse().unwrap()));
    /// # Ok(()) }
    /// ```
    #[must_use]
    #[inline]
    pub fn message<'a, const N: usize>(
        &self,
        payload: &'a [u8],
        control: &'a ControlBuffer<N>,
        name: &'a NameBuffer,
    ) -> Message<'a> {
        decode(
            control.filled(self.control_len),
            self.flags,
            name.filled(self.name_len),
            payload.get(..self.payload_len).unwrap_or(payload),
        )
    }
}

/// Decode one error-queue message for the native ABI: a thin wrapper over
/// [`Message::decode`], the one place this crate hands bytes to the codec.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// # use std::time::Duration;
/// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
/// # // queues an ICMP port unreachable on it.
/// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
/// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// # errq_sys::set_recverr(&socket, true)?;
/// # socket.send_to(b"probe", closed)?;
/// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
/// use errq_sys::{decode, recv_error, ControlBuffer, NameBuffer};
///
/// let mut payload = [0u8; 64];
/// let (mut control, mut name) = (ControlBuffer::<256>::new(), NameBuffer::new());
/// let r = recv_error(&socket, &mut payload, &mut control, &mut name)?.expect("queued");
/// // The same as `r.message(...)`, from plain byte slices (e.g. bytes kept for later).
/// let message = decode(
///     control.filled(r.control_len),
///     r.flags,
///     name.filled(r.name_len),
///     &payload[..r.payload_len],
/// );
/// assert_eq!(message.meaning().and_then(|m| m.errno()).and_then(|e| e.name()), Some("ECONNREFUSED"));
/// # Ok(()) }
/// ```
#[must_use]
#[inline]
pub fn decode<'a>(
    control: &'a [u8],
    msg_flags: c_int,
    name: &'a [u8],
    payload: &'a [u8],
) -> Message<'a> {
    Message::decode(control, msg_flags, name, payload)
}

/// A zeroed `struct msghdr`.
pub(crate) fn msghdr_zeroed() -> libc::msghdr {
    // SAFETY: `msghdr` is a C struct of integers and raw pointers (plus, on some libcs,
    // private padding integers); all-zero bytes are a valid value of each field.
    unsafe { std::mem::zeroed() }
}

/// A `socklen_t`/`size_t`-typed length field from a buffer length, refusing what does not fit.
pub(crate) fn len_field<T: TryFrom<usize>>(len: usize, what: &str) -> io::Result<T> {
    T::try_from(len).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what} buffer of {len} bytes is too large"),
        )
    })
}

/// A length field the kernel wrote back (`size_t` or `socklen_t` by libc), clamped to `max`.
pub(crate) fn written_len<T: TryInto<usize>>(value: T, max: usize) -> usize {
    value.try_into().map_or(max, |v| v.min(max))
}

/// Whether a failed call's error means "the error queue is empty".
pub(crate) fn is_queue_empty(err: &io::Error) -> bool {
    // EWOULDBLOCK is EAGAIN on Linux.
    err.raw_os_error() == Some(libc::EAGAIN)
}

/// Read one message from the error queue of `fd` into caller-owned buffers, without blocking.
///
/// Calls `recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT)` with `msg_name` = `name`,
/// one iovec over `payload` and `msg_control` = `control`, retrying on `EINTR`.
///
/// Returns `Ok(None)` when the queue is empty (`EAGAIN`): a cheap, distinct outcome, not an
/// error. `Ok(Some(received))` says how much of each buffer was filled; decode it with
/// [`Received::message`].
///
/// # Errors
/// Any other `recvmsg` failure, unchanged: `ENOTSOCK` for a non-socket fd, `EBADF` for a
/// closed one, ...; `InvalidInput` for a buffer larger than the kernel's length fields.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// # use std::time::Duration;
/// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
/// # // queues an ICMP port unreachable on it.
/// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
/// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// # errq_sys::set_recverr(&socket, true)?;
/// # socket.send_to(b"probe", closed)?;
/// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
/// use errq_sys::{recv_error, ControlBuffer, NameBuffer};
///
/// let mut payload = [0u8; 2048];
/// let mut control: ControlBuffer = ControlBuffer::new(); // ERROR_CONTROL_SPACE bytes
/// let mut name = NameBuffer::new();
/// let mut seen = 0;
/// while let Some(r) = recv_error(&socket, &mut payload, &mut control, &mut name)? {
///     let message = r.message(&payload, &control, &name);
///     assert_eq!(message.destination(), Some(closed));
///     seen += 1;
/// }
/// assert_eq!(seen, 1); // then the queue is empty: Ok(None), not an error
/// # Ok(()) }
/// ```
#[doc(alias = "recvmsg")]
#[doc(alias = "MSG_ERRQUEUE")]
pub fn recv_error<Fd: AsFd, const N: usize>(
    fd: Fd,
    payload: &mut [u8],
    control: &mut ControlBuffer<N>,
    name: &mut NameBuffer,
) -> io::Result<Option<Received>> {
    recvmsg_errqueue(fd.as_fd(), payload, control, name)
}

fn recvmsg_errqueue<const N: usize>(
    fd: BorrowedFd<'_>,
    payload: &mut [u8],
    control: &mut ControlBuffer<N>,
    name: &mut NameBuffer,
) -> io::Result<Option<Received>> {
    let mut iov = libc::iovec {
        iov_base: payload.as_mut_ptr().cast(),
        iov_len: payload.len(),
    };
    loop {
        let mut msg = msghdr_zeroed();
        msg.msg_name = name.as_mut_ptr().cast();
        msg.msg_namelen = len_field(NAME_SPACE, "name")?;
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = len_field(N, "control")?;
        // SAFETY: every pointer in `msg` points into a live, exclusively borrowed buffer of
        // the length given beside it (`name`: NAME_SPACE bytes, `iov` over `payload`,
        // `control`: N bytes), and `iov` and `msg` outlive the call. The kernel writes only
        // within those lengths. The fd is borrowed for the call.
        let n = unsafe {
            libc::recvmsg(
                fd.as_raw_fd(),
                &mut msg,
                libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
            )
        };
        if let Ok(n) = usize::try_from(n) {
            return Ok(Some(Received {
                payload_len: n.min(payload.len()),
                control_len: written_len(msg.msg_controllen, N),
                name_len: usize::try_from(msg.msg_namelen)
                    .unwrap_or(0)
                    .min(NAME_SPACE),
                flags: msg.msg_flags,
            }));
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        if is_queue_empty(&err) {
            return Ok(None);
        }
        return Err(err);
    }
}

/// Caller-owned buffers for one error-queue message: payload, control and name together.
///
/// `P` is the payload size, `C` the control size. The defaults
/// ([`DEFAULT_PAYLOAD_SPACE`], [`ERROR_CONTROL_SPACE`]) fit every message the kernel sends
/// for UDP, ping and raw sockets at a 1500-byte MTU; about 2.9 KiB in all, fine on the stack.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_recverr, RecvBuffers};
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_recverr(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// errq_sys::wait_error(&socket, Some(std::time::Duration::from_secs(5)))?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// let mut count = 0;
/// while let Some(received) = buffers.recv(&socket)? {
///     println!("{}", buffers.message(&received)); // ICMP destination unreachable ...
///     count += 1;
/// }
/// assert_eq!(count, 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RecvBuffers<const P: usize = DEFAULT_PAYLOAD_SPACE, const C: usize = ERROR_CONTROL_SPACE>
{
    payload: [u8; P],
    control: ControlBuffer<C>,
    name: NameBuffer,
}

impl<const P: usize, const C: usize> RecvBuffers<P, C> {
    /// Zeroed buffers.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// use errq_sys::RecvBuffers;
    ///
    /// let mut buffers: RecvBuffers = RecvBuffers::new(); // 2048 payload bytes, ERROR_CONTROL_SPACE
    /// let mut small = RecvBuffers::<128>::new(); // a smaller payload buffer
    /// assert!(buffers.recv(&socket)?.is_some());
    /// assert!(small.recv(&socket)?.is_none()); // one error was queued, and it is read
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            payload: [0; P],
            control: ControlBuffer::new(),
            name: NameBuffer::new(),
        }
    }

    /// Read one message into these buffers without blocking; `Ok(None)` when the queue is
    /// empty. See [`recv_error`].
    ///
    /// # Errors
    /// As [`recv_error`].
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// assert_eq!(buffers.payload(&received), b"probe");
    /// assert_eq!(buffers.recv(&socket)?, None); // empty now
    /// # Ok(()) }
    /// ```
    pub fn recv<Fd: AsFd>(&mut self, fd: Fd) -> io::Result<Option<Received>> {
        recvmsg_errqueue(
            fd.as_fd(),
            &mut self.payload,
            &mut self.control,
            &mut self.name,
        )
    }

    /// Decode the message `received` describes (it must come from this buffer's last call).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// let message = buffers.message(&received);
    /// assert_eq!(
    ///     message.to_string(),
    ///     format!("ICMP destination unreachable (port unreachable) from 127.0.0.1 for {closed}, errno ECONNREFUSED")
    /// );
    /// # Ok(()) }
    /// ```
    #[must_use]
    #[inline]
    pub fn message(&self, received: &Received) -> Message<'_> {
        received.message(&self.payload, &self.control, &self.name)
    }

    /// Read and decode one message; `Ok(None)` when the queue is empty.
    ///
    /// # Errors
    /// As [`recv_error`].
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// use errq_sys::codec::meaning::Meaning;
    ///
    /// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
    /// let (_received, message) = buffers.recv_message(&socket)?.expect("queued");
    /// let Some(Meaning::Icmp(icmp)) = message.meaning() else { panic!("not ICMP: {message}") };
    /// assert!(icmp.is_fatal());
    /// assert_eq!(icmp.errno.name(), Some("ECONNREFUSED"));
    /// # Ok(()) }
    /// ```
    #[inline]
    pub fn recv_message<Fd: AsFd>(
        &mut self,
        fd: Fd,
    ) -> io::Result<Option<(Received, Message<'_>)>> {
        match self.recv(fd)? {
            Some(received) => Ok(Some((received, self.message(&received)))),
            None => Ok(None),
        }
    }

    /// The payload bytes `received` filled.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// assert_eq!(buffers.payload(&received), b"probe"); // a UDP socket gets its payload back
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn payload(&self, received: &Received) -> &[u8] {
        self.payload
            .get(..received.payload_len)
            .unwrap_or(&self.payload)
    }

    /// The control bytes `received` filled.
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// use errq_sys::codec::record::{Record, Records};
    /// use errq_sys::codec::abi::Abi;
    ///
    /// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// // The raw cmsghdr chain: here one IP_RECVERR record.
    /// let records: Vec<_> = Records::new(buffers.control(&received), Abi::NATIVE).collect();
    /// assert!(matches!(records.as_slice(), [Ok(Record::Error(_, _))]));
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn control(&self, received: &Received) -> &[u8] {
        self.control.filled(received.control_len)
    }

    /// The `msg_name` bytes `received` filled (the original destination, or empty).
    ///
    /// ```
    /// # fn main() -> std::io::Result<()> {
    /// # use std::time::Duration;
    /// # // A port nothing listens on, and a socket with IP_RECVERR that sends there: the kernel
    /// # // queues an ICMP port unreachable on it.
    /// # let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
    /// # let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// # errq_sys::set_recverr(&socket, true)?;
    /// # socket.send_to(b"probe", closed)?;
    /// # errq_sys::wait_error(&socket, Some(Duration::from_secs(5)))?;
    /// let mut buffers: errq_sys::RecvBuffers = errq_sys::RecvBuffers::new();
    /// let received = buffers.recv(&socket)?.expect("queued");
    /// let name = buffers.name(&received); // a sockaddr_in, as the kernel wrote it
    /// assert_eq!(name.len(), 16);
    /// assert_eq!(u16::from_be_bytes([name[2], name[3]]), closed.port());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn name(&self, received: &Received) -> &[u8] {
        self.name.filled(received.name_len)
    }

    /// The three buffers, mutably, for [`recv_error`] or for batch set-up.
    pub(crate) fn parts_mut(&mut self) -> (&mut [u8; P], &mut ControlBuffer<C>, &mut NameBuffer) {
        (&mut self.payload, &mut self.control, &mut self.name)
    }
}

impl<const P: usize, const C: usize> Default for RecvBuffers<P, C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const P: usize, const C: usize> std::fmt::Debug for RecvBuffers<P, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvBuffers")
            .field("payload", &P)
            .field("control", &C)
            .finish_non_exhaustive()
    }
}

/// The README's example, run as a doctest so it cannot rot. (Here rather than in `lib.rs`
/// only to keep out of that file; it belongs at the crate root.)
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
