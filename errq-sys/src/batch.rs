//! Draining the error queue in batches: `recvmmsg(fd, msgs, M, MSG_ERRQUEUE | MSG_DONTWAIT,
//! NULL)`, many messages per system call into caller-owned buffers.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use errq_codec::message::Message;

use crate::buffer::{ERROR_CONTROL_SPACE, NAME_SPACE};
use crate::recv::{
    is_queue_empty, len_field, msghdr_zeroed, written_len, Received, RecvBuffers,
    DEFAULT_PAYLOAD_SPACE,
};

/// Caller-owned buffers for up to `M` error-queue messages per `recvmmsg` call.
///
/// Each slot is a [`RecvBuffers<P, C>`]; the defaults take about 2.9 KiB per slot. Large
/// batches are better boxed: `Box::new(BatchBuffers::<64>::new())`.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// use errq_sys::{set_recverr, BatchBuffers};
/// let closed = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // nothing listens
/// let socket = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// set_recverr(&socket, true)?;
/// socket.send_to(b"probe", closed)?;
/// errq_sys::wait_error(&socket, Some(std::time::Duration::from_secs(5)))?;
/// let mut batch: BatchBuffers<8> = BatchBuffers::new();
/// let count = batch.drain(&socket, |_received, message| println!("{message}"))?;
/// assert_eq!(count, 1);
/// # Ok(()) }
/// ```
pub struct BatchBuffers<
    const M: usize,
    const P: usize = DEFAULT_PAYLOAD_SPACE,
    const C: usize = ERROR_CONTROL_SPACE,
> {
    slots: [RecvBuffers<P, C>; M],
    received: [Received; M],
    count: usize,
}

impl<const M: usize, const P: usize, const C: usize> BatchBuffers<M, P, C> {
    /// Zeroed buffers, holding no messages.
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
    /// use errq_sys::BatchBuffers;
    ///
    /// let mut batch: BatchBuffers<4> = BatchBuffers::new(); // 4 messages per recvmmsg
    /// assert!(batch.is_empty());
    /// assert_eq!(batch.recv(&socket)?, 1);
    /// // Large batches are better boxed: about 2.9 KiB per slot.
    /// let big = Box::new(BatchBuffers::<64>::new());
    /// assert_eq!(big.len(), 0);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            slots: [const { RecvBuffers::new() }; M],
            received: [Received {
                payload_len: 0,
                control_len: 0,
                name_len: 0,
                flags: 0,
            }; M],
            count: 0,
        }
    }

    /// Read up to `M` messages with one `recvmmsg(MSG_ERRQUEUE | MSG_DONTWAIT)`, retrying on
    /// `EINTR`. Returns how many arrived; 0 means the queue was empty. The messages stay in
    /// the buffers until the next call: read them with [`BatchBuffers::iter`].
    ///
    /// # Errors
    /// Any `recvmmsg` failure other than `EAGAIN` and `EINTR`, unchanged (`ENOTSOCK`,
    /// `EBADF`, ...).
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
    /// use errq_sys::BatchBuffers;
    ///
    /// // A second error. The first is also pending as SO_ERROR, which the next send reports
    /// // once (ECONNREFUSED) instead of sending: then send again.
    /// if socket.send_to(b"probe", closed).is_err() {
    ///     socket.send_to(b"probe", closed)?;
    /// }
    /// std::thread::sleep(Duration::from_millis(50));
    /// let mut batch: BatchBuffers<8> = BatchBuffers::new();
    /// assert_eq!(batch.recv(&socket)?, 2); // both, in one system call
    /// assert_eq!(batch.recv(&socket)?, 0); // the queue is empty: 0, not an error
    /// # Ok(()) }
    /// ```
    #[doc(alias = "recvmmsg")]
    pub fn recv<Fd: AsFd>(&mut self, fd: Fd) -> io::Result<usize> {
        self.count = 0;
        let count = self.recvmmsg(fd.as_fd())?;
        self.count = count;
        Ok(count)
    }

    fn recvmmsg(&mut self, fd: BorrowedFd<'_>) -> io::Result<usize> {
        if M == 0 {
            return Ok(0);
        }
        let mut iovecs: [libc::iovec; M] = std::array::from_fn(|_| libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        });
        let mut headers: [libc::mmsghdr; M] = std::array::from_fn(|_| libc::mmsghdr {
            msg_hdr: msghdr_zeroed(),
            msg_len: 0,
        });
        let namelen = len_field(NAME_SPACE, "name")?;
        let controllen = len_field(C, "control")?;
        let vlen = libc::c_uint::try_from(M).unwrap_or(libc::c_uint::MAX);
        loop {
            for ((slot, iov), header) in self.slots.iter_mut().zip(&mut iovecs).zip(&mut headers) {
                let (payload, control, name) = slot.parts_mut();
                *iov = libc::iovec {
                    iov_base: payload.as_mut_ptr().cast(),
                    iov_len: P,
                };
                let msg = &mut header.msg_hdr;
                msg.msg_name = name.as_mut_ptr().cast();
                msg.msg_namelen = namelen;
                msg.msg_iov = iov;
                msg.msg_iovlen = 1;
                msg.msg_control = control.as_mut_ptr().cast();
                msg.msg_controllen = controllen;
                msg.msg_flags = 0;
                header.msg_len = 0;
            }
            // SAFETY: `headers` holds `vlen` <= M initialized `mmsghdr`s; each points only into
            // its own slot's buffers (name: NAME_SPACE bytes, one iovec of P bytes, control: C
            // bytes), all exclusively borrowed through `self` and alive for the call, as are
            // `iovecs` and `headers`. The timeout pointer may be NULL. The fd is borrowed.
            let n = unsafe {
                libc::recvmmsg(
                    fd.as_raw_fd(),
                    headers.as_mut_ptr(),
                    vlen,
                    libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
                    std::ptr::null_mut(),
                )
            };
            if let Ok(n) = usize::try_from(n) {
                let n = n.min(M);
                for (out, header) in self.received.iter_mut().zip(&headers).take(n) {
                    let msg = &header.msg_hdr;
                    *out = Received {
                        payload_len: written_len(header.msg_len, P),
                        control_len: written_len(msg.msg_controllen, C),
                        name_len: usize::try_from(msg.msg_namelen)
                            .unwrap_or(0)
                            .min(NAME_SPACE),
                        flags: msg.msg_flags,
                    };
                }
                return Ok(n);
            }
            let err = io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            if is_queue_empty(&err) {
                return Ok(0);
            }
            return Err(err);
        }
    }

    /// How many messages the last [`BatchBuffers::recv`] read.
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
    /// let mut batch: errq_sys::BatchBuffers<8> = errq_sys::BatchBuffers::new();
    /// batch.recv(&socket)?;
    /// assert_eq!(batch.len(), 1);
    /// assert_eq!(batch.iter().count(), batch.len());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub const fn len(&self) -> usize {
        self.count
    }

    /// Whether the last [`BatchBuffers::recv`] read nothing.
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
    /// let mut batch: errq_sys::BatchBuffers<8> = errq_sys::BatchBuffers::new();
    /// batch.recv(&socket)?;
    /// assert!(!batch.is_empty());
    /// batch.recv(&socket)?; // nothing left
    /// assert!(batch.is_empty());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The messages of the last [`BatchBuffers::recv`], decoded, in queue order.
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
    /// let mut batch: errq_sys::BatchBuffers<8> = errq_sys::BatchBuffers::new();
    /// batch.recv(&socket)?;
    /// for (received, message) in batch.iter() {
    ///     assert_eq!(received.payload_len, 5);
    ///     assert_eq!(message.destination(), Some(closed));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Received, Message<'_>)> + '_ {
        self.slots
            .iter()
            .zip(&self.received)
            .take(self.count)
            .map(|(slot, received)| (*received, slot.message(received)))
    }

    /// Read batches until the queue is empty, calling `f` for every message; returns how
    /// many there were.
    ///
    /// Stops after the first batch that is not full, so a queue that keeps refilling cannot
    /// hold the caller forever.
    ///
    /// # How full the queue may get
    /// Between two drains the error queue holds at most the socket's receive buffer
    /// ([`so_rcvbuf`](crate::so_rcvbuf)): each entry is charged its `skb->truesize`
    /// (`sock_queue_err_skb`), and an entry that does not fit is dropped silently, so the
    /// count a drain returns can never show a loss. Size the buffer for the reports that can
    /// arrive between two drains ([`set_so_rcvbuf`](crate::set_so_rcvbuf) says how), and let
    /// `errq_codec::track` find the keys that went missing.
    ///
    /// # Errors
    /// As [`BatchBuffers::recv`]; messages handed to `f` before the error stay handled.
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
    /// use errq_sys::BatchBuffers;
    ///
    /// for _ in 0..4 {
    ///     // A pending error is reported once by the next send (SO_ERROR): send again then.
    ///     if socket.send_to(b"probe", closed).is_err() {
    ///         socket.send_to(b"probe", closed)?;
    ///     }
    /// }
    /// std::thread::sleep(Duration::from_millis(50));
    /// let mut batch: BatchBuffers<2> = BatchBuffers::new(); // a small batch: several calls
    /// let mut lines = Vec::new();
    /// let count = batch.drain(&socket, |_received, message| lines.push(message.to_string()))?;
    /// assert_eq!(count, 5);
    /// assert!(lines.iter().all(|l| l.contains("port unreachable")));
    /// # Ok(()) }
    /// ```
    pub fn drain<Fd: AsFd>(
        &mut self,
        fd: Fd,
        mut f: impl FnMut(Received, Message<'_>),
    ) -> io::Result<usize> {
        let fd = fd.as_fd();
        let mut total = 0_usize;
        loop {
            let n = self.recv(fd)?;
            for (received, message) in self.iter() {
                f(received, message);
            }
            total = total.saturating_add(n);
            if n < M || M == 0 {
                return Ok(total);
            }
        }
    }
}

impl<const M: usize, const P: usize, const C: usize> Default for BatchBuffers<M, P, C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const M: usize, const P: usize, const C: usize> std::fmt::Debug for BatchBuffers<M, P, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchBuffers")
            .field("capacity", &M)
            .field("len", &self.count)
            .finish_non_exhaustive()
    }
}
