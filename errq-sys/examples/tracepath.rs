//! `tracepath`: trace the path to a host and discover its path MTU, from the socket error
//! queue, the way iputils `tracepath` does.
//!
//! ```text
//! tracepath [-4|-6] [-n] [-l pktlen] [-m max_hops] [-p port] destination[/port]
//! ```
//!
//! One unprivileged UDP socket sends probes with a rising TTL (hop limit) to ports
//! `port`, `port + 1`, ... (default 44444) and reads what comes back from its error queue,
//! each message through [`Message::meaning`] and [`Message::probe`]:
//!
//! - a path MTU ([`Meaning::mtu`]: a LOCAL `EMSGSIZE`, the probe being over the route's MTU
//!   with `IP_PMTUDISC_DO`, or an ICMP fragmentation needed / ICMPv6 packet too big): the
//!   probe shrinks to it and is sent again (`pmtu N`);
//! - a hop limit exceeded ([`Meaning::is_hop_limit_exceeded`]) names the hop (the offender);
//!   the TTL the answer arrived with (`IP_RECVTTL` / `IPV6_RECVHOPLIMIT`) says how many hops
//!   it travelled back ([`Probe::hops_back`]: `asymm N` when that differs from the probe's
//!   TTL);
//! - a port unreachable from the destination (`ECONNREFUSED`) ends the trace (`reached`);
//! - with `IP_RECVERR_RFC4884` / `IPV6_RECVERR_RFC4884` (Linux 5.9+), RFC 4884 extensions
//!   ([`Message::probe_extension`], also where routers that predate RFC 4884 put them) are
//!   printed under the hop: MPLS label stacks (RFC 4950) and interface information (RFC 5837).
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
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use errq_sys::codec::errno::Code;
use errq_sys::codec::ext::{Extension, ExtensionChecksum, ObjectData};
use errq_sys::codec::meaning::Meaning;
use errq_sys::codec::message::Message;
use errq_sys::codec::payload::PayloadKind;
use errq_sys::codec::Error;
use errq_sys::{wait_error, PmtuDisc, RecvBuffers};

/// Probes sent per TTL before giving up on a send (`MAX_PROBES`).
const MAX_PROBES: usize = 10;
/// Rounds of probing per TTL before `no reply`.
const ROUNDS: usize = 3;
/// The width of the host column.
const HOST_COLUMN_SIZE: usize = 52;
/// The probe history: one slot per destination port, `base_port + slot`.
const HIS_ARRAY_SIZE: u16 = 64;
/// The default first destination port.
const DEFAULT_BASEPORT: u16 = 44444;
/// IPv4 + UDP headers, and the first probe's size (IP packet).
const IPV4: (usize, usize) = (28, 65535);
/// IPv6 + UDP headers (as iputils counts them), and the first probe's size.
const IPV6: (usize, usize) = (48, 128_000);
/// How long to wait for an answer to one probe.
const WAIT: Duration = Duration::from_secs(1);
/// The tag at the start of every probe's payload: `errq`, TTL (u32), nanoseconds since the
/// program started (u64), history slot (u32), 4 zero bytes. All little-endian.
const TAG_MAGIC: [u8; 4] = *b"errq";
/// The tag's length.
const TAG_LEN: usize = 24;

const USAGE: &str = "\nUsage\n  tracepath [options] <destination>\n\nOptions:\n  \
    -4             use IPv4\n  \
    -6             use IPv6\n  \
    -l <length>    use packet <length>\n  \
    -m <hops>      use maximum <hops>\n  \
    -n             no reverse DNS name resolution (always the case here)\n  \
    -p <port>      use destination <port>\n  \
    -V             print version and exit\n  \
    <destination>  DNS name or IP address\n";

/// The command line.
#[derive(Debug)]
struct Options {
    /// `-4` (`Some(true)`) or `-6` (`Some(false)`).
    v4: Option<bool>,
    max_hops: u8,
    pktlen: Option<usize>,
    port: Option<u16>,
    destination: String,
}

/// `getopt(argc, argv, "46nbh?l:m:p:V")`, by hand: flags may be grouped (`-n4`), an
/// option's value may be attached (`-l1500`) or the next argument; `--` ends the options.
/// `Ok(None)` for `-V`.
fn parse_args<I: Iterator<Item = String>>(mut args: I) -> Result<Option<Options>, String> {
    let (mut v4, mut max_hops, mut pktlen, mut port) = (None, 30, None, None);
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
                    if v4.is_some_and(|f| f != (c == '4')) {
                        return Err("Only one -4 or -6 option may be specified".into());
                    }
                    v4 = Some(c == '4');
                }
                'n' | 'b' => {}
                'V' => return Ok(None),
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
    Ok(Some(Options {
        v4,
        max_hops,
        pktlen,
        port,
        destination,
    }))
}

fn main() -> ExitCode {
    let opts = match parse_args(std::env::args().skip(1)) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("tracepath (errq example) {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("tracepath: {e}\n{USAGE}");
            return ExitCode::from(255);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tracepath: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Resolve the destination (`host`, or `host/port` when `-p` was not given) to the first
/// address of the requested family, in `getaddrinfo` order.
fn resolve(opts: &Options) -> io::Result<SocketAddr> {
    let invalid = |what| io::Error::new(io::ErrorKind::InvalidInput, what);
    let (host, port) = match (opts.port, opts.destination.rsplit_once('/')) {
        (Some(p), _) => (opts.destination.as_str(), p),
        (None, Some((host, p))) => (
            host,
            p.parse()
                .map_err(|_| invalid(format!("invalid argument: '{p}'")))?,
        ),
        (None, None) => (opts.destination.as_str(), DEFAULT_BASEPORT),
    };
    (host, port)
        .to_socket_addrs()
        .map_err(|e| io::Error::new(e.kind(), format!("{host}: {e}")))?
        .find(|a| opts.v4.map_or(true, |v4| a.is_ipv4() == v4))
        .ok_or_else(|| {
            let what = format!("{host}: no address of the requested family");
            io::Error::new(io::ErrorKind::NotFound, what)
        })
}

fn run(opts: &Options) -> io::Result<()> {
    let target = resolve(opts)?;
    let mapped = matches!(target.ip(), IpAddr::V6(ip) if ip.to_ipv4_mapped().is_some());
    // The probes are IPv4 for an IPv4 target, or a v4-mapped one on an IPv6 socket.
    let v4 = target.is_ipv4() || mapped;
    let socket = match target {
        SocketAddr::V4(_) => UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?,
        SocketAddr::V6(_) => UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0))?,
    };
    // Both probes and answers are handled without blocking: `wait_error` does the waiting.
    socket.set_nonblocking(true)?;
    if target.is_ipv6() {
        errq_sys::set_ipv6_mtu_discover(&socket, PmtuDisc::DO)?;
        errq_sys::set_ipv6_recverr(&socket, true)?;
        errq_sys::set_ipv6_recvhoplimit(&socket, true)?;
        // Linux 5.9+; without it the trace works, only extensions are not located.
        let _ = errq_sys::set_ipv6_recverr_rfc4884(&socket, true);
    }
    if v4 {
        errq_sys::set_ip_mtu_discover(&socket, PmtuDisc::DO)?;
        errq_sys::set_ip_recverr(&socket, true)?;
        errq_sys::set_ip_recvttl(&socket, true)?;
        let _ = errq_sys::set_ip_recverr_rfc4884(&socket, true);
    }
    let (overhead, default_mtu) = if v4 { IPV4 } else { IPV6 };
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
            base_port: target.port(),
            target,
            his: [None; HIS_ARRAY_SIZE as usize],
            ttl: 0,
            mtu,
            overhead,
            hops_to: None,
            hops_from: None,
            start: Instant::now(),
        },
        pkt: Vec::new(),
    };
    tracer.trace(opts.max_hops, v4)
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
    base_port: u16,
    /// Per history slot: the probe's TTL and when it was sent, until answered.
    his: [Option<(u8, Instant)>; HIS_ARRAY_SIZE as usize],
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
    fn trace(&mut self, max_hops: u8, v4: bool) -> io::Result<()> {
        let mut done = false;
        let mut slot = 0;
        'trace: for ttl in 1..=max_hops {
            self.st.ttl = ttl;
            if self.st.target.is_ipv6() {
                errq_sys::set_ipv6_unicast_hops(&self.socket, i32::from(ttl))?;
            }
            if v4 {
                self.socket.set_ttl(u32::from(ttl))?;
            }
            let mut progress = Progress::Nothing;
            let mut round = 0;
            while round < ROUNDS {
                let old_mtu = self.st.mtu;
                progress = self.probe_ttl(slot)?;
                slot = slot.wrapping_add(1) % HIS_ARRAY_SIZE;
                if self.st.mtu != old_mtu {
                    round = 0;
                    continue;
                }
                match progress {
                    Progress::Done => {
                        done = true;
                        break 'trace;
                    }
                    Progress::More => break,
                    Progress::Nothing => round = round.saturating_add(1),
                }
            }
            if progress == Progress::Nothing {
                line(&format!("{ttl:2}:  no reply"));
            }
        }
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

    /// Send one probe at the current TTL from history slot `slot` (resending at once while
    /// the error queue says the MTU changed), wait up to a second, and read what came back.
    fn probe_ttl(&mut self, slot: u16) -> io::Result<Progress> {
        let mut attempt = 0;
        loop {
            if attempt == MAX_PROBES {
                line(&format!("{:2}:  send failed", self.st.ttl));
                return Ok(Progress::Done);
            }
            let len = self.st.mtu.saturating_sub(self.st.overhead);
            self.pkt.resize(len.max(TAG_LEN), 0);
            let now = Instant::now();
            self.st.sent(slot, Some((self.st.ttl, now)));
            self.write_tag(slot, now);
            let mut to = self.st.target;
            to.set_port(self.st.base_port.wrapping_add(slot));
            let probe = self.pkt.get(..len).unwrap_or_default();
            if matches!(self.socket.send_to(probe, to), Ok(n) if n > 0) {
                break;
            }
            // The send failed: a LOCAL EMSGSIZE (the probe is over the route's MTU) or an
            // earlier ICMP error reported through SO_ERROR. Read the queue.
            let progress = self.recverr()?;
            self.st.sent(slot, None);
            match progress {
                Progress::Done => return Ok(Progress::Done),
                Progress::More => attempt = 0,
                Progress::Nothing => attempt = attempt.saturating_add(1),
            }
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
    fn write_tag(&mut self, slot: u16, now: Instant) {
        let nanos = now.saturating_duration_since(self.st.start).as_nanos();
        let tag = [
            &TAG_MAGIC[..],
            &u32::from(self.st.ttl).to_le_bytes(),
            &u64::try_from(nanos).unwrap_or(u64::MAX).to_le_bytes(),
            &u32::from(slot).to_le_bytes(),
            &[0; 4],
        ]
        .concat();
        if let Some(start) = self.pkt.get_mut(..TAG_LEN) {
            start.copy_from_slice(&tag);
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
            if self.st.report(&self.bufs.message(&received), now) == Progress::Done {
                return Ok(Progress::Done);
            }
        }
    }
}

impl State {
    /// Note probe `slot` as sent (its TTL and time) or as answered (`None`).
    fn sent(&mut self, slot: u16, probe: Option<(u8, Instant)>) {
        if let Some(h) = self.his.get_mut(usize::from(slot)) {
            *h = probe;
        }
    }

    /// Print the line for one error-queue message and update the state; `Done` if the
    /// message ends the trace.
    fn report(&mut self, message: &Message<'_>, now: Instant) -> Progress {
        let probe = message.probe(PayloadKind::Udp);
        // Which probe: the destination port names the history slot...
        let slot = probe
            .destination
            .map(|d| usize::from(d.port().wrapping_sub(self.base_port)));
        let sent = slot
            .and_then(|s| self.his.get_mut(s))
            .and_then(Option::take);
        let (mut sndhops, mut sent_at) = (sent.map(|s| s.0), sent.map(|s| s.1));
        let Some(meaning) = message.meaning() else {
            line("no info");
            return Progress::Done;
        };
        // ... and the quoted payload carries the probe's own tag.
        let mut broken_router = false;
        if let Some(tag) = probe.data.and_then(|d| d.get(..TAG_LEN)) {
            match parse_tag(tag) {
                Some((ttl, nanos)) => {
                    sndhops = Some(ttl);
                    sent_at = self.start.checked_add(Duration::from_nanos(nanos));
                }
                None => broken_router = true,
            }
        }

        let mut out = String::new();
        match meaning {
            Meaning::Local(_) => {
                let _ = write!(out, "{:2}?: {:<32} ", self.ttl, "[LOCALHOST]");
            }
            Meaning::Icmp(_) | Meaning::Icmp6(_) => {
                let _ = match sndhops {
                    Some(h) if h > 0 => write!(out, "{h:2}:  "),
                    _ => write!(out, "{:2}?: ", self.ttl),
                };
                // As iputils prints it: a v4-mapped offender stays v4-mapped.
                let host = message
                    .offender()
                    .map_or_else(|| "???".to_owned(), |o| o.ip().to_string());
                let width = HOST_COLUMN_SIZE.saturating_sub(host.len()).max(1);
                let _ = write!(out, "{host}{:width$}", "");
            }
            _ => {}
        }
        if let Some(at) = sent_at {
            let rtt = now.saturating_duration_since(at);
            let (ms, us) = (rtt.as_millis(), rtt.subsec_micros() % 1000);
            let _ = write!(out, "{ms:3}.{us:03}ms ");
            if broken_router {
                out.push_str("(This broken router returned corrupted payload) ");
            }
        }

        let errno = meaning.errno();
        let end = |out: &mut String, mark: &str| {
            out.push_str(mark);
            Progress::Done
        };
        let progress = match errno.and_then(|e| e.code()) {
            Some(Code::ETIMEDOUT) => Progress::More,
            Some(Code::EMSGSIZE) => {
                // Every EMSGSIZE of a UDP socket's queue carries one: LOCAL, fragmentation
                // needed, packet too big.
                let mtu = meaning.mtu().unwrap_or_default();
                let _ = write!(out, "pmtu {mtu}");
                self.mtu = mtu as usize;
                Progress::More
            }
            Some(Code::ECONNREFUSED) => {
                self.hops_to = Some(sndhops.unwrap_or(self.ttl));
                self.hops_from = probe.hops_back();
                end(&mut out, "reached")
            }
            Some(Code::EHOSTUNREACH) if meaning.is_hop_limit_exceeded() => {
                let sent = i32::from(sndhops.unwrap_or(self.ttl));
                if let Some(back) = probe.hops_back().filter(|&back| back != sent) {
                    let _ = write!(out, "asymm {back:2} ");
                }
                Progress::More
            }
            Some(Code::EPROTO) => end(&mut out, "!P"),
            Some(Code::EHOSTUNREACH) => end(&mut out, "!H"),
            Some(Code::ENETUNREACH) => end(&mut out, "!N"),
            Some(Code::EACCES) => end(&mut out, "!A"),
            _ => {
                line(&out);
                let raw = errno.map_or(0, |e| e.raw);
                let what = errno.and_then(|e| e.description());
                let what = what.map_or_else(|| format!("errno {raw}"), str::to_owned);
                eprintln!("tracepath: NET ERROR: {what}");
                return Progress::Done;
            }
        };
        line(&out);
        if let Some(extension) = message.probe_extension(PayloadKind::Udp) {
            print_extension(extension);
        }
        progress
    }
}

/// The TTL and send time of a probe tag; `None` if the bytes are not one of ours (or a
/// router mangled them).
fn parse_tag(tag: &[u8]) -> Option<(u8, u64)> {
    let ttl = u32::from_le_bytes(tag.get(4..8)?.try_into().ok()?);
    let nanos = u64::from_le_bytes(tag.get(8..16)?.try_into().ok()?);
    if tag.get(..4)? != TAG_MAGIC || ttl == 0 {
        return None;
    }
    Some((u8::try_from(ttl).ok()?, nanos))
}

/// Print an RFC 4884 extension under the hop line, one object (or label) a line.
fn print_extension(extension: Result<Extension<'_>, Error>) {
    let ext = match extension {
        Ok(ext) => ext,
        Err(e) => return line(&format!("     extension: {e}")),
    };
    if let ExtensionChecksum::Invalid { stored, computed } = ext.checksum_status() {
        line(&format!(
            "     extension: bad checksum {stored:#06x} (should be {computed:#06x})"
        ));
    }
    for object in ext.objects() {
        let object = match object {
            Ok(o) => o,
            Err(e) => return line(&format!("     extension object: {e}")),
        };
        match object.decode() {
            Ok(ObjectData::MplsLabelStack(stack)) => {
                for label in stack.entries() {
                    line(&format!("     {label}"));
                }
            }
            Ok(ObjectData::InterfaceInformation(info)) => line(&format!("     {info}")),
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

/// Print one line and flush, so the trace shows while it runs even through a pipe.
fn line(s: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{s}");
    let _ = out.flush();
}
