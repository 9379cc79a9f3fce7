//! Async error handling with tokio: a UDP client whose peers come and go, reading the ICMP
//! errors its datagrams cause from the error queue while it keeps sending.
//!
//! ```text
//! cargo run -p errq-sys --features tokio --example tokio_errors
//! ```
//!
//! One task sends a datagram every 10 ms to a live peer and to a port where nothing
//! listens; another task waits on the same socket's error queue with
//! `errq_sys::tokio::recv_message` and prints each error, decoded. Sending goes through
//! `errq_sys::SendMsg`, which retries the one send an earlier ICMP error would otherwise
//! fail (the `SO_ERROR` trap), so every datagram to the live peer arrives. No root needed.

// An example program: indexing and arithmetic on small known numbers read as the C it
// replaces; a panic there is a bug in the example, which CI runs.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

#[cfg(feature = "tokio")]
#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    use std::io::IoSlice;
    use std::sync::Arc;
    use std::time::Duration;

    use errq_sys::{set_recverr, RecvBuffers, SendMsg};

    let socket = Arc::new(tokio::net::UdpSocket::bind("127.0.0.1:0").await?);
    set_recverr(&*socket, true)?;
    let live = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
    let dead = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?; // closed on drop
    let rounds = 20_u32;

    let errors = {
        let socket = Arc::clone(&socket);
        tokio::spawn(async move {
            let mut buffers: RecvBuffers = RecvBuffers::new();
            let mut count = 0_u32;
            while count < rounds {
                let (_, message) = errq_sys::tokio::recv_message(&*socket, &mut buffers).await?;
                println!("error queue: {message}");
                count += 1;
            }
            Ok::<u32, std::io::Error>(count)
        })
    };

    for i in 0..rounds {
        let bytes = i.to_be_bytes();
        let data = [IoSlice::new(&bytes)];
        socket.writable().await?;
        SendMsg::new(&data).to(dead).send(&*socket)?;
        SendMsg::new(&data).to(live.local_addr()?).send(&*socket)?;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut received = 0;
    let mut buf = [0u8; 8];
    while let Ok(Ok(_)) =
        tokio::time::timeout(Duration::from_millis(200), live.recv(&mut buf)).await
    {
        received += 1;
    }
    let errors = tokio::time::timeout(Duration::from_secs(5), errors)
        .await
        .expect("the errors arrived")
        .expect("the task ran")?;
    println!("{received} of {rounds} datagrams reached the live peer; {errors} errors read");
    assert_eq!(received, rounds, "every datagram to the live peer arrives");
    Ok(())
}

#[cfg(not(feature = "tokio"))]
fn main() {
    eprintln!("this example needs `--features tokio`");
}
