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
    #[doc(alias = "MSG_TRUNC")]
    #[must_use]
    pub const fn payload_truncated(&self) -> bool {
        self.flags & libc::MSG_TRUNC != 0
    }

    /// `MSG_CTRUNC`: the control messages did not fit the control buffer. The error record
    /// comes last, so it is the first thing lost; the decoded view reports what is missing.
    #[doc(alias = "MSG_CTRUNC")]
    #[must_use]
    pub const fn control_truncated(&self) -> bool {
        self.flags & libc::MSG_CTRUNC != 0
    }

    /// `MSG_ERRQUEUE`: the message came from the error queue (always set by these calls).
    #[doc(alias = "MSG_ERRQUEUE")]
    #[must_use]
    pub const fn is_errqueue(&self) -> bool {
        self.flags & libc::MSG_ERRQUEUE != 0
    }

    /// Decode what this call put into the three buffers (see [`decode`]).
    #[must_use]
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
#[must_use]
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
/// ```no_run
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_recverr, RecvBuffers};
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_recverr(&socket, true)?;
/// let mut buffers: RecvBuffers = RecvBuffers::new();
/// while let Some(received) = buffers.recv(&socket)? {
///     println!("{}", buffers.message(&received));
/// }
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
    pub fn recv<Fd: AsFd>(&mut self, fd: Fd) -> io::Result<Option<Received>> {
        recvmsg_errqueue(
            fd.as_fd(),
            &mut self.payload,
            &mut self.control,
            &mut self.name,
        )
    }

    /// Decode the message `received` describes (it must come from this buffer's last call).
    #[must_use]
    pub fn message(&self, received: &Received) -> Message<'_> {
        received.message(&self.payload, &self.control, &self.name)
    }

    /// Read and decode one message; `Ok(None)` when the queue is empty.
    ///
    /// # Errors
    /// As [`recv_error`].
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
    #[must_use]
    pub fn payload(&self, received: &Received) -> &[u8] {
        self.payload
            .get(..received.payload_len)
            .unwrap_or(&self.payload)
    }

    /// The control bytes `received` filled.
    #[must_use]
    pub fn control(&self, received: &Received) -> &[u8] {
        self.control.filled(received.control_len)
    }

    /// The `msg_name` bytes `received` filled (the original destination, or empty).
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
