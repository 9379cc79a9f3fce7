//! Shared by the benchmarks: the real kernel captures, loaded at start, and the live
//! loopback errors the nix and drain benchmarks read.

#![allow(dead_code)] // shared by both benches, each uses a part
use std::fs;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;

/// One capture from `errq-codec/tests/captures/` (format: `tests/capture/README.md`).
#[derive(Debug)]
pub struct Capture {
    /// The scenario name.
    pub name: &'static str,
    /// `msg_name` bytes.
    pub msg_name: Vec<u8>,
    /// The control bytes, in a buffer aligned like a `cmsghdr` (what `recvmsg` fills).
    control: Box<Aligned>,
    /// `msg_controllen`.
    pub control_len: usize,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// `msg_flags`.
    pub flags: i32,
}

/// A control buffer aligned like a `cmsghdr`, as the one `recvmsg` fills.
#[repr(C, align(8))]
#[derive(Debug)]
pub struct Aligned(pub [u8; 1024]);

impl Capture {
    /// The control bytes, 8-byte aligned.
    pub fn control(&self) -> &[u8] {
        &self.control.0[..self.control_len]
    }
}

fn hex(s: &str) -> Vec<u8> {
    let s = s.trim();
    assert!(s.len() % 2 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Load `errq-codec/tests/captures/<name>.x86_64.txt`.
pub fn load(name: &'static str) -> Capture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../errq-codec/tests/captures")
        .join(format!("{name}.x86_64.txt"));
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut c = Capture {
        name,
        msg_name: Vec::new(),
        control: Box::new(Aligned([0; 1024])),
        control_len: 0,
        payload: Vec::new(),
        flags: 0,
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once(": ").or_else(|| line.split_once(':')) else {
            continue;
        };
        match key {
            "name" => c.msg_name = hex(value),
            "payload" => c.payload = hex(value),
            "msg_flags" => {
                c.flags = i32::from_str_radix(value.trim().trim_start_matches("0x"), 16)
                    .expect("msg_flags");
            }
            "control" => {
                let bytes = hex(value);
                c.control_len = bytes.len();
                c.control.0[..bytes.len()].copy_from_slice(&bytes);
            }
            _ => {}
        }
    }
    c
}

/// A UDP port on `ip` where nothing listens (bound, then closed).
pub fn closed_port(ip: &str) -> SocketAddr {
    let s = UdpSocket::bind(format!("{ip}:0")).expect("bind");
    s.local_addr().expect("local_addr")
}

/// Wait until the socket's error queue is non-empty (POLLERR), up to a second.
pub fn wait_err(fd: impl AsFd) -> io::Result<()> {
    match errq_sys::wait_error(fd, Some(std::time::Duration::from_secs(1)))? {
        errq_sys::WaitOutcome::Ready => Ok(()),
        other => Err(io::Error::other(format!("no error queued: {other:?}"))),
    }
}

/// setsockopt(fd, level, name, &1, sizeof(int)), for the options errq-sys has no setter for.
pub fn set_int(fd: &impl AsRawFd, level: i32, name: i32, value: i32) -> io::Result<()> {
    // SAFETY: a valid fd, a pointer to a live c_int and its exact size.
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&raw const value).cast(),
            std::mem::size_of::<i32>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
