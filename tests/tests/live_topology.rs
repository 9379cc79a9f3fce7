//! The topology itself: R forwards, B is reachable from A at MTU 1280, namespaces go away.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use errq_tests::netns::require_root;
use errq_tests::topology::{addr, Topology};

#[test]
fn a_reaches_b_through_r_and_drop_deletes_namespaces() {
    if !require_root() {
        return;
    }
    let names;
    {
        let topo = Topology::new().expect("topology");
        names = [
            topo.a.name().to_owned(),
            topo.r.name().to_owned(),
            topo.b.name().to_owned(),
        ];
        for (dst, any) in [
            (SocketAddr::from((addr::B4, 0)), "0.0.0.0:0"),
            (SocketAddr::from((addr::B6, 0)), "[::]:0"),
        ] {
            let server = topo
                .b
                .run(|| UdpSocket::bind(SocketAddr::new(dst.ip(), 0)).unwrap());
            server
                .set_read_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            let port = server.local_addr().unwrap().port();
            let client = topo.a.run(|| UdpSocket::bind(any).unwrap());
            let mut buf = [0u8; 16];
            let mut got = None;
            for _ in 0..8 {
                client.send_to(b"hello", (dst.ip(), port)).unwrap();
                if let Ok((n, from)) = server.recv_from(&mut buf) {
                    got = Some((n, from));
                    break;
                }
            }
            let (n, from) = got.expect("B received the datagram");
            assert_eq!(&buf[..n], b"hello");
            assert_eq!(from.port(), client.local_addr().unwrap().port());
        }
    }
    let list = std::fs::read_dir("/run/netns")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for n in names {
        assert!(!list.contains(&n), "{n} still exists");
    }
}
