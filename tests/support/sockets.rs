//! The sockets the live tests open again and again, made inside a namespace: a UDP socket
//! with error reporting on, a connected UDP or TCP pair over loopback, a closed port, and a
//! reader that empties a TCP stream until the peer shuts down.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::thread::JoinHandle;

use errq_sys::set_recverr;

use crate::netns::Netns;

/// A UDP socket in `ns` bound to `addr` (`"0.0.0.0:0"`, `"[::1]:0"`, ...) with
/// `IP_RECVERR`/`IPV6_RECVERR` on.
///
/// # Panics
/// The bind or the option failed.
pub fn recverr_udp<A: ToSocketAddrs + Send>(ns: &Netns, addr: A) -> UdpSocket {
    ns.run(|| {
        let s = UdpSocket::bind(addr).expect("bind");
        set_recverr(&s, true).expect("IP_RECVERR");
        s
    })
}

/// Two UDP sockets on 127.0.0.1 in `ns`: `(rx, tx)`, `tx` connected to `rx`.
///
/// # Panics
/// A bind or connect failed.
pub fn udp_pair(ns: &Netns) -> (UdpSocket, UdpSocket) {
    ns.run(|| {
        let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        tx.connect(rx.local_addr().expect("local address"))
            .expect("connect");
        (rx, tx)
    })
}

/// A TCP connection on 127.0.0.1 in `ns`: `(client, accepted)`.
///
/// # Panics
/// The listen, connect or accept failed.
pub fn tcp_pair(ns: &Netns) -> (TcpStream, TcpStream) {
    ns.run(|| {
        let l = TcpListener::bind("127.0.0.1:0").expect("listen");
        let c = TcpStream::connect(l.local_addr().expect("local address")).expect("connect");
        let (a, _) = l.accept().expect("accept");
        (c, a)
    })
}

/// A thread reading `stream` until end of file (or an error): returns the bytes read.
#[must_use]
pub fn read_all(mut stream: TcpStream) -> JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0usize;
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return total,
                Ok(n) => total += n,
            }
        }
    })
}

/// A closed UDP port on 127.0.0.1 in `ns` (bound once, then closed): what is sent there
/// is answered with an ICMP port unreachable.
///
/// # Panics
/// The bind failed.
pub fn closed_port(ns: &Netns) -> SocketAddr {
    ns.run(|| {
        UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("bind")
    })
}
