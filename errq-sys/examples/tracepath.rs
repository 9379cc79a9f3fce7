//! `tracepath`: trace the path to a host and discover its path MTU, from the socket error
//! queue, the way iputils `tracepath` does.
//!
//! ```text
//! tracepath [-4|-6] [-n] [-l pktlen] [-m max_hops] [-p port] destination[/port]
//! ```
//!
//! One unprivileged UDP socket sends probes with a rising TTL (hop limit) to ports
//! `port`, `port + 1`, ... (default 44444) and reads what comes back from its error queue:
//!
//! - a LOCAL `EMSGSIZE` (the probe is larger than the route's MTU; `IP_MTU_DISCOVER` is
//!   `IP_PMTUDISC_DO`) or an ICMP "fragmentation needed" / ICMPv6 "packet too big" gives the
//!   new path MTU: the probe shrinks to it and is sent again (`pmtu N`);
//! - a time exceeded names the hop (the offender); its TTL (`IP_RECVTTL` /
//!   `IPV6_RECVHOPLIMIT`) says how many hops the answer travelled back (`asymm N` when that
//!   differs from the probe's TTL);
//! - a port unreachable from the destination ends the trace (`reached`);
//! - with `IP_RECVERR_RFC4884` / `IPV6_RECVERR_RFC4884` (Linux 5.9+), RFC 4884 extensions
//!   are printed under the hop: MPLS label stacks (RFC 4950) and interface information
//!   (RFC 5837: name, ifIndex, address, MTU). Routers that put an MPLS extension at the
//!   pre-RFC 4884 offset 128 are recognised too (IPv4).
//!
//! Each answer is matched to its probe by the destination port the kernel returns in
//! `msg_name`, and by a tag at the start of the probe's payload (`errq`, the TTL, the send
//! time), which the ICMP error quotes back.
//!
//! The output is iputils `tracepath -n`'s, line for line: hop addresses are always printed
//! numerically (std has no reverse DNS), so `-n` is accepted and changes nothing.
//!
//! ```text
//! $ ip netns exec A cargo run -q -p errq-sys --example tracepath -- -n 198.18.3.2
//!  1?: [LOCALHOST]                      pmtu 1500
//!  1:  198.18.1.2                                            0.067ms
//! ...
//!      Resume: pmtu 1280 hops 3 back 3
//! ```

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use errq_sys::codec::ee::{Origin, SockExtendedErr};
use errq_sys::codec::errno::Code;
use errq_sys::codec::ext::{Extension, ExtensionChecksum, InterfaceRole, ObjectData};
use errq_sys::codec::message::Message;
use errq_sys::codec::payload::{find_compat_extension, split_rfc4884, Payload, PayloadKind};
use errq_sys::{wait_error, PmtuDisc, RecvBuffers};

/// Probes sent per TTL before giving up on a send (`MAX_PROBES`).
const MAX_PROBES: usize = 10;
/// Rounds of probing per TTL before `no reply`.
const ROUNDS: usize = 3;
/// Default and largest `-m`.
const MAX_HOPS_DEFAULT: u8 = 30;
/// The width of the host column.
const HOST_COLUMN_SIZE: usize = 52;
/// The probe history: one slot per destination port, `base_port + slot`.
const HIS_ARRAY_SIZE: usize = 64;
/// The default first destination port.
const DEFAULT_BASEPORT: u16 = 44444;
/// IPv4 + UDP headers.
const OVERHEAD_IPV4: usize = 28;
/// IPv6 + UDP headers (as iputils counts them).
const OVERHEAD_IPV6: usize = 48;
/// The first probe's size (IP packet), IPv4.
const DEFAULT_MTU_IPV4: usize = 65535;
/// The first probe's size (IP packet), IPv6.
const DEFAULT_MTU_IPV6: usize = 128_000;
/// How long to wait for an answer to one probe.
const WAIT: Duration = Duration::from_secs(1);

/// The tag at the start of every probe's payload: `errq`, TTL (u32), nanoseconds since the
/// program started (u64), history slot (u32), 4 zero bytes. All little-endian.
const TAG_MAGIC: [u8; 4] = *b"errq";
/// The tag's length.
const TAG_LEN: usize = 24;

fn usage() -> ExitCode {
    eprintln!(
        "\nUsage\n  tracepath [options] <destination>\n\nOptions:\n  \
         -4             use IPv4\n  \
         -6             use IPv6\n  \
         -l <length>    use packet <length>\n  \
         -m <hops>      use maximum <hops>\n  \
         -n             no reverse DNS name resolution (always the case here)\n  \
         -p <port>      use destination <port>\n  \
         -V             print version and exit\n  \
         <destination>  DNS name or IP address\n"
    );
    ExitCode::from(255)
}

/// Which address family `-4`/`-6` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    V4,
    V6,
}

/// The command line.
#[derive(Debug)]
struct Options {
    family: Option<Family>,
    max_hops: u8,
    pktlen: Option<usize>,
    port: Option<u16>,
    destination: String,
}

/// What the command line asked for.
enum Command {
    Run(Options),
    Version,
}

/// `getopt(argc, argv, "46nbh?l:m:p:V")`, by hand: flags may be grouped (`-n4`), an
/// option's value may be attached (`-l1500`) or the next argument; `--` ends the options.
fn parse_args<I: Iterator<Item = String>>(mut args: I) -> Result<Command, String> {
    let mut family = None;
    let mut max_hops = MAX_HOPS_DEFAULT;
    let mut pktlen = None;
    let mut port = None;
    let mut positional = Vec::new();
    let mut options_done = false;
    while let Some(arg) = args.next() {
        if options_done || !arg.starts_with('-') || arg == "-" {
            positional.push(arg);
            continue;
        }
        if arg == "--" {
            options_done = true;
            continue;
        }
        for (i, c) in arg.char_indices().skip(1) {
            match c {
                '4' | '6' => {
                    let f = if c == '4' { Family::V4 } else { Family::V6 };
                    if family.is_some_and(|g| g != f) {
                        return Err("Only one -4 or -6 option may be specified".into());
                    }
                    family = Some(f);
                }
                'n' | 'b' => {}
                'V' => return Ok(Command::Version),
                'l' | 'm' | 'p' => {
                    let attached = arg.get(i.saturating_add(1)..).unwrap_or_default();
                    let value = if attached.is_empty() {
                        args.next()
                            .ok_or_else(|| format!("option requires an argument -- '{c}'"))?
                    } else {
                        attached.to_owned()
                    };
                    let bad = || format!("invalid argument: '{value}'");
                    match c {
                        'l' => pktlen = Some(value.parse::<usize>().map_err(|_| bad())?),
                        'm' => max_hops = value.parse::<u8>().map_err(|_| bad())?,
                        _ => port = Some(value.parse::<u16>().map_err(|_| bad())?),
                    }
                    break;
                }
                _ => return Err(format!("invalid option -- '{c}'")),
            }
        }
    }
    let [destination] = <[String; 1]>::try_from(positional)
        .map_err(|p| format!("expected one destination, got {}", p.len()))?;
    Ok(Command::Run(Options {
        family,
        max_hops,
        pktlen,
        port,
        destination,
    }))
}

fn main() -> ExitCode {
    let opts = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(opts)) => opts,
        Ok(Command::Version) => {
            println!("tracepath (errq example) {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("tracepath: {e}");
            return usage();
        }
    };
    match run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tracepath: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolve the destination (`host`, or `host/port` when `-p` was not given) to the first
/// address of the requested family, in `getaddrinfo` order.
fn resolve(opts: &Options) -> io::Result<(SocketAddr, u16)> {
    let (host, port) = match (opts.port, opts.destination.rsplit_once('/')) {
        (Some(p), _) => (opts.destination.as_str(), p),
        (None, Some((host, p))) => (
            host,
            p.parse::<u16>().map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("invalid argument: '{p}'"),
                )
            })?,
        ),
        (None, None) => (opts.destination.as_str(), DEFAULT_BASEPORT),
    };
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| io::Error::new(e.kind(), format!("{host}: {e}")))?
        .find(|a| match opts.family {
            Some(Family::V4) => a.is_ipv4(),
            Some(Family::V6) => a.is_ipv6(),
            None => true,
        })
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{host}: no address of the requested family"),
            )
        })?;
    Ok((addr, port))
}

fn run(opts: Options) -> io::Result<()> {
    let (target, base_port) = resolve(&opts)?;
    let mapped = match target.ip() {
        IpAddr::V6(ip) => ip.to_ipv4_mapped().is_some(),
        IpAddr::V4(_) => false,
    };
    let socket = match target {
        SocketAddr::V4(_) => UdpSocket::bind((std::net::Ipv4Addr::UNSPECIFIED, 0))?,
        SocketAddr::V6(_) => UdpSocket::bind((std::net::Ipv6Addr::UNSPECIFIED, 0))?,
    };
    // Both probes and answers are handled without blocking: `wait_error` does the waiting.
    socket.set_nonblocking(true)?;
    let (overhead, default_mtu) = if target.is_ipv4() || mapped {
        (OVERHEAD_IPV4, DEFAULT_MTU_IPV4)
    } else {
        (OVERHEAD_IPV6, DEFAULT_MTU_IPV6)
    };
    if target.is_ipv6() {
        errq_sys::set_ipv6_mtu_discover(&socket, PmtuDisc::DO)?;
        errq_sys::set_ipv6_recverr(&socket, true)?;
        errq_sys::set_ipv6_recvhoplimit(&socket, true)?;
        // Linux 5.9+; without it the trace works, only extensions are not located.
        let _ = errq_sys::set_ipv6_recverr_rfc4884(&socket, true);
    }
    if target.is_ipv4() || mapped {
        errq_sys::set_ip_mtu_discover(&socket, PmtuDisc::DO)?;
        errq_sys::set_ip_recverr(&socket, true)?;
        errq_sys::set_ip_recvttl(&socket, true)?;
        let _ = errq_sys::set_ip_recverr_rfc4884(&socket, true);
    }
    let mtu = opts.pktlen.unwrap_or(default_mtu);
    if mtu <= overhead {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("pktlen must be within: {overhead} < value <= {}", i32::MAX),
        ));
    }

    let mut tracer = Tracer {
        socket,
        bufs: Box::default(),
        st: State {
            target,
            v4: target.is_ipv4() || mapped,
            base_port,
            his: [Sent::default(); HIS_ARRAY_SIZE],
            hisptr: 0,
            ttl: 0,
            mtu,
            overhead,
            hops_to: None,
            hops_from: None,
            start: Instant::now(),
        },
        pkt: Vec::new(),
    };
    tracer.trace(opts.max_hops, mapped)
}

/// One entry of the probe history.
#[derive(Clone, Copy, Debug)]
struct Sent {
    /// The probe's TTL; 0 once answered (or never used).
    hops: u8,
    /// When it was sent.
    at: Instant,
}

impl Default for Sent {
    fn default() -> Self {
        Self {
            hops: 0,
            at: Instant::now(),
        }
    }
}

/// What reading the error queue achieved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Progress {
    /// Nothing was queued.
    Nothing,
    /// Answers were read; keep probing.
    More,
    /// The trace is over (reached, or an error that ends it).
    Done,
}

/// The trace's state, apart from the socket and buffers.
struct State {
    target: SocketAddr,
    /// The probes are IPv4 (an IPv4 target, or a v4-mapped one on an IPv6 socket).
    v4: bool,
    base_port: u16,
    his: [Sent; HIS_ARRAY_SIZE],
    hisptr: usize,
    ttl: u8,
    /// The size of the next probe, IP header included.
    mtu: usize,
    overhead: usize,
    hops_to: Option<u8>,
    hops_from: Option<i32>,
    start: Instant,
}

struct Tracer {
    socket: UdpSocket,
    bufs: Box<RecvBuffers>,
    st: State,
    pkt: Vec<u8>,
}

impl Tracer {
    /// The main loop: every TTL up to `max_hops`, three rounds of probing each, starting
    /// over when the path MTU changed.
    fn trace(&mut self, max_hops: u8, mapped: bool) -> io::Result<()> {
        let done = 'trace: {
            for ttl in 1..=max_hops {
                self.st.ttl = ttl;
                if self.st.target.is_ipv6() {
                    errq_sys::set_ipv6_unicast_hops(&self.socket, i32::from(ttl))?;
                }
                if self.st.target.is_ipv4() || mapped {
                    self.socket.set_ttl(u32::from(ttl))?;
                }
                let mut progress = Progress::Nothing;
                let mut round = 0;
                while round < ROUNDS {
                    let old_mtu = self.st.mtu;
                    progress = self.probe_ttl()?;
                    if self.st.mtu != old_mtu {
                        round = 0;
                        continue;
                    }
                    match progress {
                        Progress::Done => break 'trace true,
                        Progress::More => break,
                        Progress::Nothing => round = round.saturating_add(1),
                    }
                }
                if progress == Progress::Nothing {
                    line(&format!("{ttl:2}:  no reply"));
                }
            }
            false
        };
        if !done {
            line(&format!("     Too many hops: pmtu {}", self.st.mtu));
        }
        let mut resume = format!("     Resume: pmtu {} ", self.st.mtu);
        if let Some(h) = self.st.hops_to {
            let _ = write!(resume, "hops {h} ");
        }
        if let Some(h) = self.st.hops_from {
            let _ = write!(resume, "back {h} ");
        }
        line(&resume);
        Ok(())
    }

    /// Send one probe at the current TTL (resending at once while the error queue says the
    /// MTU changed), wait up to a second, and read what came back.
    fn probe_ttl(&mut self) -> io::Result<Progress> {
        let mut sent = false;
        let mut attempt = 0;
        while attempt < MAX_PROBES {
            let slot = self.st.hisptr;
            let port = self.st.base_port.wrapping_add(slot_u16(slot));
            let len = self.st.mtu.saturating_sub(self.st.overhead);
            if self.pkt.len() < len.max(TAG_LEN) {
                self.pkt.resize(len.max(TAG_LEN), 0);
            }
            let now = Instant::now();
            if let Some(h) = self.st.his.get_mut(slot) {
                *h = Sent {
                    hops: self.st.ttl,
                    at: now,
                };
            }
            self.write_tag(slot, now);
            let mut to = self.st.target;
            to.set_port(port);
            if matches!(self.socket.send_to(self.pkt.get(..len).unwrap_or(&[]), to), Ok(n) if n > 0)
            {
                sent = true;
                break;
            }
            // The send failed: a LOCAL EMSGSIZE (the probe is over the route's MTU) or an
            // earlier ICMP error reported through SO_ERROR. Read the queue.
            let progress = self.recverr()?;
            if let Some(h) = self.st.his.get_mut(slot) {
                h.hops = 0;
            }
            match progress {
                Progress::Done => return Ok(Progress::Done),
                Progress::More => attempt = 0,
                Progress::Nothing => attempt = attempt.saturating_add(1),
            }
        }
        self.st.hisptr = self.st.hisptr.wrapping_add(1) % HIS_ARRAY_SIZE;
        if !sent {
            line(&format!("{:2}:  send failed", self.st.ttl));
            return Ok(Progress::Done);
        }
        wait_error(&self.socket, Some(WAIT))?;
        let mut reply = [0u8; 64];
        if matches!(self.socket.recv_from(&mut reply), Ok((n, _)) if n > 0) {
            line(&format!("{:2}?: reply received 8)", self.st.ttl));
            return Ok(Progress::Done);
        }
        self.recverr()
    }

    /// Write the tag at the start of the probe payload (the rest stays zero).
    fn write_tag(&mut self, slot: usize, now: Instant) {
        let nanos = u64::try_from(now.saturating_duration_since(self.st.start).as_nanos())
            .unwrap_or(u64::MAX);
        let mut tag = [0u8; TAG_LEN];
        let fields: [&[u8]; 4] = [
            &TAG_MAGIC,
            &u32::from(self.st.ttl).to_le_bytes(),
            &nanos.to_le_bytes(),
            &u32::try_from(slot).unwrap_or(0).to_le_bytes(),
        ];
        let mut at = 0usize;
        for f in fields {
            let end = at.saturating_add(f.len());
            if let Some(dst) = tag.get_mut(at..end) {
                dst.copy_from_slice(f);
            }
            at = end;
        }
        if let Some(dst) = self.pkt.get_mut(..TAG_LEN) {
            dst.copy_from_slice(&tag);
        }
    }

    /// Drain the error queue, printing one line per message, until it is empty (`More`, or
    /// `Nothing` if it was empty from the start) or a message ends the trace (`Done`).
    fn recverr(&mut self) -> io::Result<Progress> {
        let mut progress = Progress::Nothing;
        loop {
            let now = Instant::now();
            let Some(received) = self.bufs.recv(&self.socket)? else {
                return Ok(progress);
            };
            progress = Progress::More;
            let message = self.bufs.message(&received);
            if self.st.report(&message, now) == Progress::Done {
                return Ok(Progress::Done);
            }
        }
    }
}

impl State {
    /// Print the line for one error-queue message and update the state; `Done` if the
    /// message ends the trace.
    fn report(&mut self, message: &Message<'_>, now: Instant) -> Progress {
        // Which probe: the destination port names the history slot...
        let mut sndhops = None;
        let mut sent_at = None;
        if let Some(dest) = message.destination() {
            let slot = usize::from(dest.port().wrapping_sub(self.base_port));
            if let Some(h) = self.his.get_mut(slot).filter(|h| h.hops != 0) {
                sndhops = Some(h.hops);
                sent_at = Some(h.at);
                h.hops = 0;
            }
        }
        let Some(error) = message.error() else {
            line("no info");
            return Progress::Done;
        };
        let ee = error.ee;
        // ... and the quoted payload carries the probe's own tag.
        let (quoted, extension) = self.split_payload(&ee, message.payload());
        let mut broken_router = false;
        if let Some(tag) = quoted.get(..TAG_LEN) {
            match parse_tag(tag) {
                Some((ttl, nanos)) => {
                    sndhops = Some(ttl);
                    sent_at = self.start.checked_add(Duration::from_nanos(nanos));
                }
                None => broken_router = true,
            }
        }

        let mut out = String::new();
        let icmp = ee.origin == Origin::ICMP || ee.origin == Origin::ICMP6;
        if ee.origin == Origin::LOCAL {
            let _ = write!(out, "{:2}?: {:<32} ", self.ttl, "[LOCALHOST]");
        } else if icmp {
            match sndhops {
                Some(h) if h > 0 => {
                    let _ = write!(out, "{h:2}:  ");
                }
                _ => {
                    let _ = write!(out, "{:2}?: ", self.ttl);
                }
            }
            let host = error
                .offender()
                .map_or_else(|| "???".to_owned(), |o| o.ip().to_string());
            let plen = host.len().min(HOST_COLUMN_SIZE.saturating_sub(1));
            let pad = HOST_COLUMN_SIZE.saturating_sub(plen);
            let _ = write!(out, "{host}{:pad$}", "");
        }
        if let Some(at) = sent_at {
            let rtt = now.saturating_duration_since(at);
            let _ = write!(
                out,
                "{:3}.{:03}ms ",
                rtt.as_millis(),
                rtt.subsec_micros() % 1000
            );
            if broken_router {
                out.push_str("(This broken router returned corrupted payload) ");
            }
        }

        // The hops the answer travelled back, from its remaining TTL (initial 64, 128, 255).
        let rethops = message.icmp_ttl().map(|t| match t {
            ..=64 => 65_i32.saturating_sub(t),
            65..=128 => 129_i32.saturating_sub(t),
            _ => 256_i32.saturating_sub(t),
        });

        let errno = ee.errno;
        let mut progress = Progress::More;
        match errno.code() {
            Some(Code::ETIMEDOUT) => {}
            Some(Code::EMSGSIZE) => {
                let mtu = message.meaning().and_then(|m| m.mtu()).unwrap_or(ee.info);
                let _ = write!(out, "pmtu {mtu}");
                self.mtu = usize::try_from(mtu).unwrap_or(usize::MAX);
            }
            Some(Code::ECONNREFUSED) => {
                out.push_str("reached");
                self.hops_to = Some(sndhops.unwrap_or(self.ttl));
                self.hops_from = rethops;
                progress = Progress::Done;
            }
            Some(Code::EPROTO) => {
                out.push_str("!P");
                progress = Progress::Done;
            }
            Some(Code::EHOSTUNREACH) => {
                if message.meaning().is_some_and(|m| m.is_hop_limit_exceeded()) {
                    if let Some(back) = rethops {
                        if back != i32::from(sndhops.unwrap_or(self.ttl)) {
                            let _ = write!(out, "asymm {back:2} ");
                        }
                    }
                } else {
                    out.push_str("!H");
                    progress = Progress::Done;
                }
            }
            Some(Code::ENETUNREACH) => {
                out.push_str("!N");
                progress = Progress::Done;
            }
            Some(Code::EACCES) => {
                out.push_str("!A");
                progress = Progress::Done;
            }
            _ => {
                line(&out);
                eprintln!(
                    "tracepath: NET ERROR: {}",
                    errno
                        .description()
                        .map_or_else(|| format!("errno {}", errno.raw), str::to_owned)
                );
                return Progress::Done;
            }
        }
        line(&out);
        if let Some(ext) = extension {
            print_extension(&ext);
        }
        progress
    }

    /// The quoted original datagram (the probe's UDP payload) and, for ICMP errors, the RFC
    /// 4884 extension after it: where `ee_rfc4884.len` says, or for an IPv4 router that
    /// predates RFC 4884, at offset 128 if a valid extension is there.
    fn split_payload<'a>(
        &self,
        ee: &SockExtendedErr,
        payload: &'a [u8],
    ) -> (&'a [u8], Option<Result<Extension<'a>, String>>) {
        if ee.origin != Origin::ICMP && ee.origin != Origin::ICMP6 {
            return (udp_data(payload), None);
        }
        let rfc4884 = ee.rfc4884();
        let (original, extension) = split_rfc4884(payload, rfc4884.len);
        if let Some(ext) = extension {
            let ext = ext.map_err(|e| e.to_string()).and_then(|x| {
                if rfc4884.invalid() {
                    Err(format!(
                        "flagged invalid by the kernel ({} bytes)",
                        x.bytes().len()
                    ))
                } else {
                    Ok(x)
                }
            });
            return (udp_data(original), Some(ext));
        }
        if ee.origin == Origin::ICMP && self.v4 {
            if let Some((original, ext)) = find_compat_extension(payload, OVERHEAD_IPV4) {
                return (udp_data(original), Some(Ok(ext)));
            }
        }
        (udp_data(payload), None)
    }
}

/// The application data of a UDP socket's error payload.
fn udp_data(payload: &[u8]) -> &[u8] {
    Payload::parse(payload, PayloadKind::Udp)
        .ok()
        .and_then(|p| p.data())
        .unwrap_or(payload)
}

/// The TTL and send time of a probe tag; `None` if the bytes are not one of ours (or a
/// router mangled them).
fn parse_tag(tag: &[u8]) -> Option<(u8, u64)> {
    let magic = tag.get(..4)?;
    let ttl = u32::from_le_bytes(tag.get(4..8)?.try_into().ok()?);
    let nanos = u64::from_le_bytes(tag.get(8..16)?.try_into().ok()?);
    if magic != TAG_MAGIC || ttl == 0 {
        return None;
    }
    Some((u8::try_from(ttl).ok()?, nanos))
}

/// Print an RFC 4884 extension under the hop line, one object a line.
fn print_extension(ext: &Result<Extension<'_>, String>) {
    let ext = match ext {
        Ok(ext) => ext,
        Err(e) => {
            line(&format!("     extension: {e}"));
            return;
        }
    };
    if let ExtensionChecksum::Invalid { stored, computed } = ext.checksum_status() {
        line(&format!(
            "     extension: bad checksum {stored:#06x} (should be {computed:#06x})"
        ));
    }
    for object in ext.objects() {
        let object = match object {
            Ok(o) => o,
            Err(e) => {
                line(&format!("     extension object: {e}"));
                break;
            }
        };
        match object.decode() {
            Ok(ObjectData::MplsLabelStack(stack)) => {
                for l in stack.entries() {
                    line(&format!(
                        "     MPLS label {} tc {} s {} ttl {}",
                        l.label,
                        l.traffic_class,
                        u8::from(l.bottom_of_stack),
                        l.ttl
                    ));
                }
            }
            Ok(ObjectData::InterfaceInformation(info)) => {
                let role = match info.role {
                    InterfaceRole::IncomingInterface => "incoming interface",
                    InterfaceRole::IncomingSubIpComponent => "incoming sub-IP component",
                    InterfaceRole::OutgoingInterface => "outgoing interface",
                    InterfaceRole::NextHop => "next hop",
                };
                let mut s = format!("     {role}");
                if let Some(name) = info.name {
                    let _ = write!(s, " {}", String::from_utf8_lossy(name));
                }
                let mut details = Vec::new();
                if let Some(i) = info.if_index {
                    details.push(format!("ifindex {i}"));
                }
                if let Some(a) = info.address {
                    details.push(a.to_string());
                }
                if let Some(m) = info.mtu {
                    details.push(format!("mtu {m}"));
                }
                if !details.is_empty() {
                    let _ = write!(s, " ({})", details.join(", "));
                }
                line(&s);
            }
            Ok(_) => line(&format!(
                "     extension object: {} c-type {}, {} bytes",
                object.class(),
                object.c_type(),
                object.payload().len()
            )),
            Err(e) => line(&format!("     extension object {}: {e}", object.class())),
        }
    }
}

/// A history slot as a port offset (slots are below 64).
fn slot_u16(slot: usize) -> u16 {
    u16::try_from(slot).unwrap_or(0)
}

/// Print one line and flush, so the trace shows while it runs even through a pipe.
fn line(s: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{s}");
    let _ = out.flush();
}
