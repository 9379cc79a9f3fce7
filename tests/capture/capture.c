/*
 * capture.c: record real MSG_ERRQUEUE control buffers and decode them with the C headers.
 *
 * Usage:  capture SCENARIO OUTDIR [key=value ...]
 *         capture list
 *
 * Each scenario provokes one kind of socket error-queue entry, reads it with
 * recvmsg(fd, &msg, MSG_ERRQUEUE) and writes OUTDIR/SCENARIO.ABI.txt: the raw bytes
 * (msg_name, control buffer, payload) and "oracle" lines, which are what glibc's
 * CMSG_FIRSTHDR/CMSG_NXTHDR/CMSG_DATA/CMSG_LEN and the kernel's uapi structs
 * (struct sock_extended_err, SO_EE_OFFENDER, struct scm_timestamping, ...) say
 * about those same bytes.  The same source is built 64-bit and 32-bit (gcc -m32),
 * so the 32-bit build shows what the kernel hands a 32-bit task.
 *
 * Network namespaces and addresses are set up by capture.sh, which passes the
 * addresses as key=value parameters.  The format is documented in README.md.
 *
 * Helper modes (write no fixture, OUTDIR is ignored):
 *   send-icmp4-ext / send-icmp6-ext: run on the router, send a hand-built ICMP(v6)
 *   error (default: time exceeded; icmp_type= icmp_code= word= ext= override)
 *   time exceeded with an RFC 4884 extension structure quoting the probe that the
 *   rfc4884 scenarios send from A.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/net_tstamp.h>
#include <linux/netlink.h>

#if defined(__x86_64__)
static const char ABI[] = "x86_64";
#elif defined(__i386__)
static const char ABI[] = "i686";
#elif defined(__aarch64__)
static const char ABI[] = "aarch64";
#else
static const char ABI[] = "unknown";
#endif

/* Values from the uapi headers; fall back only if this libc's headers are older. */
#ifndef SO_TIMESTAMPING_OLD
#define SO_TIMESTAMPING_OLD 37
#endif
#ifndef SO_TIMESTAMPING_NEW
#define SO_TIMESTAMPING_NEW 65
#endif
#ifndef SCM_TIMESTAMPING_OPT_STATS
#define SCM_TIMESTAMPING_OPT_STATS 54
#endif
#ifndef SCM_TIMESTAMPING_PKTINFO
#define SCM_TIMESTAMPING_PKTINFO 58
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif
#ifndef PACKET_TX_TIMESTAMP
#define PACKET_TX_TIMESTAMP 16
#endif

/* ------------------------------------------------------------------ errors */

static const char *g_scenario = "?";

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fprintf(stderr, "capture[%s %s]: ", ABI, g_scenario);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d: %s)\n", e, strerror(e));
	exit(1);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "capture[%s %s]: ", ABI, g_scenario);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define CHECK(expr)                                                       \
	do {                                                              \
		if ((expr) < 0)                                           \
			die("%s:%d: %s failed", __FILE__, __LINE__, #expr); \
	} while (0)

/* -------------------------------------------------------------- parameters */

static int g_argc;
static char **g_argv;

static const char *param_or(const char *key, const char *def)
{
	size_t kl = strlen(key);

	for (int i = 3; i < g_argc; i++)
		if (!strncmp(g_argv[i], key, kl) && g_argv[i][kl] == '=')
			return g_argv[i] + kl + 1;
	return def;
}

static const char *param(const char *key)
{
	const char *v = param_or(key, NULL);

	if (!v) {
		errno = EINVAL;
		die("missing parameter %s=...", key);
	}
	return v;
}

static struct sockaddr_in sin4(const char *addr, unsigned port)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &s.sin_addr) != 1) {
		errno = EINVAL;
		die("bad IPv4 address %s", addr);
	}
	return s;
}

static struct sockaddr_in6 sin6(const char *addr, unsigned port)
{
	struct sockaddr_in6 s;

	memset(&s, 0, sizeof(s));
	s.sin6_family = AF_INET6;
	s.sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET6, addr, &s.sin6_addr) != 1) {
		errno = EINVAL;
		die("bad IPv6 address %s", addr);
	}
	return s;
}

/* ------------------------------------------------------------ the capture */

#define CTRL_MAX 4096
#define PAYLOAD_MAX 4096

struct result {
	size_t ctrl_buflen;	/* msg_controllen offered */
	size_t payload_buflen;	/* iov_len offered */
	ssize_t ret;		/* recvmsg return */
	int flags;		/* msg_flags */
	size_t controllen;	/* msg_controllen returned */
	socklen_t namelen;	/* msg_namelen returned */
	unsigned char name[sizeof(struct sockaddr_storage)];
	union {
		struct cmsghdr align; /* CMSG_* need a cmsghdr-aligned buffer */
		unsigned char buf[CTRL_MAX];
	} ctrl;
	unsigned char payload[PAYLOAD_MAX];
};

static void setint(int fd, int level, int opt, int val, const char *what)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)) < 0)
		die("setsockopt(%s, %d)", what, val);
}

/*
 * Wait up to timeout_ms for POLLERR, then read one error-queue entry.
 * Returns 1 when an entry was read, 0 on timeout / empty queue.
 */
static size_t g_iov_len = PAYLOAD_MAX; /* iov_len offered to recvmsg */

static int recv_err(int fd, struct result *r, size_t ctrl_buflen, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLERR };
	struct iovec iov;
	struct msghdr msg;
	int n;

	if (ctrl_buflen > CTRL_MAX)
		ctrl_buflen = CTRL_MAX;
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		die("poll");
	if (n == 0 || !(pfd.revents & POLLERR))
		return 0;

	memset(r, 0, sizeof(*r));
	memset(r->ctrl.buf, 0, sizeof(r->ctrl.buf));
	r->ctrl_buflen = ctrl_buflen;
	r->payload_buflen = g_iov_len;
	iov.iov_base = r->payload;
	iov.iov_len = g_iov_len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = r->name;
	msg.msg_namelen = sizeof(r->name);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = r->ctrl.buf;
	msg.msg_controllen = ctrl_buflen;
	r->ret = recvmsg(fd, &msg, MSG_ERRQUEUE);
	if (r->ret < 0) {
		if (errno == EAGAIN)
			return 0;
		die("recvmsg(MSG_ERRQUEUE)");
	}
	r->flags = msg.msg_flags;
	r->controllen = msg.msg_controllen;
	r->namelen = msg.msg_namelen;
	return 1;
}

/* The extended error of a result (via the CMSG macros), or NULL. */
static int find_ee(const struct result *r, struct sock_extended_err *out)
{
	struct msghdr m;
	struct cmsghdr *c;

	memset(&m, 0, sizeof(m));
	m.msg_control = (void *)r->ctrl.buf;
	m.msg_controllen = r->controllen;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR) ||
		    (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_TX_TIMESTAMP)) {
			if (c->cmsg_len < CMSG_LEN(sizeof(*out)))
				return 0;
			memcpy(out, CMSG_DATA(c), sizeof(*out));
			return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- oracle */

static void hex(FILE *f, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static const char *ntop(int family, const void *addr, char *buf, socklen_t len)
{
	if (!inet_ntop(family, addr, buf, len))
		die("inet_ntop");
	return buf;
}

static void print_sockaddr(FILE *f, const unsigned char *p, size_t avail)
{
	sa_family_t fam;
	char a[INET6_ADDRSTRLEN];

	if (avail < sizeof(sa_family_t)) {
		fprintf(f, " short=%zu", avail);
		return;
	}
	memcpy(&fam, p + offsetof(struct sockaddr, sa_family), sizeof(fam));
	fprintf(f, " family=%u", (unsigned)fam);
	if (fam == AF_INET) {
		struct sockaddr_in s;

		if (avail < sizeof(s)) {
			fprintf(f, " short=%zu need=%zu", avail, sizeof(s));
			return;
		}
		memcpy(&s, p, sizeof(s));
		fprintf(f, " addr=%s port=%u", ntop(AF_INET, &s.sin_addr, a, sizeof(a)),
			(unsigned)ntohs(s.sin_port));
	} else if (fam == AF_INET6) {
		struct sockaddr_in6 s;

		if (avail < sizeof(s)) {
			fprintf(f, " short=%zu need=%zu", avail, sizeof(s));
			return;
		}
		memcpy(&s, p, sizeof(s));
		fprintf(f, " addr=%s port=%u flowinfo=%u scope_id=%u",
			ntop(AF_INET6, &s.sin6_addr, a, sizeof(a)), (unsigned)ntohs(s.sin6_port),
			(unsigned)ntohl(s.sin6_flowinfo), (unsigned)s.sin6_scope_id);
	}
}

static void short_line(FILE *f, int idx, const char *what, long have, size_t need)
{
	fprintf(f, "short: index=%d struct=%s have=%ld need=%zu\n", idx, what, have, need);
}

/* RFC 1071 sum over a byte range; returns the folded 16-bit one's complement sum. */
static uint16_t csum_fold_range(const unsigned char *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* RFC 4884 extension structure inside the returned payload, at offset off. */
static void print_icmp_ext(FILE *f, int idx, const unsigned char *pl, size_t len, size_t off)
{
	struct icmp_ext_hdr eh;
	int obj = 0;

	if (off + sizeof(eh) > len) {
		short_line(f, idx, "icmp_ext_hdr", (long)len - (long)off, sizeof(eh));
		return;
	}
	memcpy(&eh, pl + off, sizeof(eh));
	fprintf(f, "icmp_ext: index=%d offset=%zu version=%u reserved1=%u reserved2=%u checksum=0x%04x sum_ok=%d\n",
		idx, off, (unsigned)eh.version, (unsigned)eh.reserved1, (unsigned)eh.reserved2,
		(unsigned)ntohs(eh.checksum), csum_fold_range(pl + off, len - off) == 0xffff);
	off += sizeof(eh);
	while (off < len) {
		struct icmp_extobj_hdr oh;
		unsigned olen;
		const unsigned char *body;
		size_t blen;

		if (off + sizeof(oh) > len) {
			short_line(f, idx, "icmp_extobj_hdr", (long)(len - off), sizeof(oh));
			return;
		}
		memcpy(&oh, pl + off, sizeof(oh));
		olen = ntohs(oh.length);
		fprintf(f, "icmp_ext_obj: index=%d obj=%d offset=%zu length=%u class_num=%u class_type=%u\n",
			idx, obj, off, olen, (unsigned)oh.class_num, (unsigned)oh.class_type);
		if (olen < sizeof(oh) || off + olen > len) {
			fprintf(f, "icmp_ext_bad: index=%d obj=%d reason=%s\n", idx, obj,
				olen < sizeof(oh) ? "length_below_header" : "length_past_end");
			return;
		}
		body = pl + off + sizeof(oh);
		blen = olen - sizeof(oh);
		if (oh.class_num == 1 && oh.class_type == 1) {
			/* RFC 4950 MPLS label stack entries, 32-bit network order */
			for (size_t e = 0; e + 4 <= blen; e += 4) {
				uint32_t w;

				memcpy(&w, body + e, 4);
				w = ntohl(w);
				fprintf(f, "mpls: index=%d obj=%d entry=%zu label=%u tc=%u s=%u ttl=%u\n",
					idx, obj, e / 4, w >> 12, (w >> 9) & 7, (w >> 8) & 1, w & 0xff);
			}
		} else if (oh.class_num == 2) {
			/* RFC 5837 interface information object */
			unsigned ct = oh.class_type;
			size_t p = 0;
			char a[INET6_ADDRSTRLEN];

			fprintf(f, "iio: index=%d obj=%d role=%u", idx, obj, ct >> 6);
			if ((ct & 0x08) && p + 4 <= blen) {
				uint32_t v;

				memcpy(&v, body + p, 4);
				fprintf(f, " ifindex=%u", (unsigned)ntohl(v));
				p += 4;
			}
			if ((ct & 0x04) && p + 4 <= blen) {
				uint16_t afi;

				memcpy(&afi, body + p, 2);
				afi = ntohs(afi);
				fprintf(f, " afi=%u", afi);
				if (afi == 1 && p + 8 <= blen) {
					fprintf(f, " addr=%s", ntop(AF_INET, body + p + 4, a, sizeof(a)));
					p += 8;
				} else if (afi == 2 && p + 20 <= blen) {
					fprintf(f, " addr=%s", ntop(AF_INET6, body + p + 4, a, sizeof(a)));
					p += 20;
				} else {
					p = blen;
				}
			}
			if ((ct & 0x02) && p + 1 <= blen) {
				unsigned nl = body[p];

				fprintf(f, " name_len=%u name=", nl);
				for (size_t i = 1; i < nl && p + i < blen && body[p + i]; i++)
					fputc(body[p + i], f);
				p += nl ? nl : blen;
			}
			if ((ct & 0x01) && p + 4 <= blen) {
				uint32_t v;

				memcpy(&v, body + p, 4);
				fprintf(f, " mtu=%u", (unsigned)ntohl(v));
				p += 4;
			}
			fputc('\n', f);
		}
		off += olen;
		obj++;
	}
}

static void print_ee(FILE *f, int idx, const struct cmsghdr *c, long dlen, int with_offender,
		     const struct result *r)
{
	struct sock_extended_err ee;
	const struct sock_extended_err *eep = (const struct sock_extended_err *)CMSG_DATA(c);
	const unsigned char *off_p;

	if (dlen < (long)sizeof(ee)) {
		short_line(f, idx, "sock_extended_err", dlen, sizeof(ee));
		return;
	}
	memcpy(&ee, eep, sizeof(ee));
	fprintf(f, "ee: index=%d errno=%u origin=%u type=%u code=%u pad=%u info=%u data=%u\n", idx,
		ee.ee_errno, ee.ee_origin, ee.ee_type, ee.ee_code, ee.ee_pad, ee.ee_info, ee.ee_data);
	if (ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6)
		fprintf(f, "ee_rfc4884: index=%d len=%u flags=%u reserved=%u\n", idx,
			ee.ee_rfc4884.len, ee.ee_rfc4884.flags, ee.ee_rfc4884.reserved);
	if (!with_offender)
		return;
	off_p = (const unsigned char *)SO_EE_OFFENDER(eep);
	fprintf(f, "offender: index=%d", idx);
	print_sockaddr(f, off_p, (size_t)(dlen - (long)sizeof(ee)));
	fputc('\n', f);
	if ((ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6) &&
	    ee.ee_rfc4884.len && r->ret > 0)
		print_icmp_ext(f, idx, r->payload, (size_t)r->ret, ee.ee_rfc4884.len);
}

static void write_fixture(const char *outdir, const char *desc, const struct result *r,
			  const char *extra)
{
	char path[4096];
	struct msghdr m;
	struct cmsghdr *c;
	struct utsname u;
	FILE *f;
	int idx;

	snprintf(path, sizeof(path), "%s/%s.%s.txt", outdir, g_scenario, ABI);
	f = fopen(path, "w");
	if (!f)
		die("fopen %s", path);
	if (uname(&u) < 0)
		die("uname");
	fprintf(f, "# errq capture: written by tests/capture/capture.c (see tests/capture/README.md)\n");
	fprintf(f, "# kernel: %s %s\n", u.release, u.machine);
	fprintf(f, "scenario: %s\n", g_scenario);
	fprintf(f, "abi: %s\n", ABI);
	fprintf(f, "description: %s\n", desc);
	if (extra)
		fprintf(f, "# note: %s\n", extra);
	fprintf(f, "recvmsg_ret: %ld\n", (long)r->ret);
	fprintf(f, "msg_flags: 0x%x\n", (unsigned)r->flags);
	fprintf(f, "control_buflen: %zu\n", r->ctrl_buflen);
	fprintf(f, "controllen: %zu\n", r->controllen);
	fprintf(f, "payload_buflen: %zu\n", r->payload_buflen);
	fprintf(f, "namelen: %u\n", (unsigned)r->namelen);
	fprintf(f, "name: ");
	hex(f, r->name, r->namelen);
	fprintf(f, "\ncontrol: ");
	hex(f, r->ctrl.buf, r->controllen);
	fprintf(f, "\npayload: ");
	hex(f, r->payload, (size_t)r->ret);
	fprintf(f, "\n# oracle (computed by C through the libc/uapi headers)\n");
	fprintf(f, "cmsghdr: size=%zu align=%zu len_size=%zu\n", sizeof(struct cmsghdr),
		(size_t)CMSG_ALIGN(1), sizeof(((struct cmsghdr *)0)->cmsg_len));
	if (r->namelen) {
		fprintf(f, "msg_name:");
		print_sockaddr(f, r->name, r->namelen);
		fputc('\n', f);
	}

	memset(&m, 0, sizeof(m));
	m.msg_control = (void *)r->ctrl.buf;
	m.msg_controllen = r->controllen;
	idx = 0;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c), idx++)
		fprintf(f, "cmsg: index=%d level=%d type=%d len=%lu data_offset=%ld data_len=%ld\n",
			idx, c->cmsg_level, c->cmsg_type, (unsigned long)c->cmsg_len,
			(long)(CMSG_DATA(c) - (unsigned char *)c),
			(long)c->cmsg_len - (long)CMSG_LEN(0));
	fprintf(f, "cmsg_count: %d\n", idx);

	idx = 0;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c), idx++) {
		long dlen = (long)c->cmsg_len - (long)CMSG_LEN(0);
		const unsigned char *d = CMSG_DATA(c);
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
			print_ee(f, idx, c, dlen, 1, r);
		} else if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_TX_TIMESTAMP) {
			print_ee(f, idx, c, dlen, 0, r);
		} else if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL) {
			int v;

			if (dlen < (long)sizeof(v)) {
				short_line(f, idx, "int", dlen, sizeof(v));
				continue;
			}
			memcpy(&v, d, sizeof(v));
			fprintf(f, "ttl: index=%d value=%d\n", idx, v);
		} else if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TOS) {
			unsigned char v;

			if (dlen < 1) {
				short_line(f, idx, "u8", dlen, 1);
				continue;
			}
			v = d[0];
			fprintf(f, "tos: index=%d value=%u\n", idx, v);
		} else if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo p;

			if (dlen < (long)sizeof(p)) {
				short_line(f, idx, "in_pktinfo", dlen, sizeof(p));
				continue;
			}
			memcpy(&p, d, sizeof(p));
			fprintf(f, "pktinfo: index=%d ifindex=%d spec_dst=%s addr=%s\n", idx,
				p.ipi_ifindex, ntop(AF_INET, &p.ipi_spec_dst, a, sizeof(a)),
				ntop(AF_INET, &p.ipi_addr, b, sizeof(b)));
		} else if (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo p;

			if (dlen < (long)sizeof(p)) {
				short_line(f, idx, "in6_pktinfo", dlen, sizeof(p));
				continue;
			}
			memcpy(&p, d, sizeof(p));
			fprintf(f, "pktinfo6: index=%d ifindex=%u addr=%s\n", idx, p.ipi6_ifindex,
				ntop(AF_INET6, &p.ipi6_addr, a, sizeof(a)));
		} else if (c->cmsg_level == SOL_IPV6 &&
			   (c->cmsg_type == IPV6_HOPLIMIT || c->cmsg_type == IPV6_TCLASS)) {
			int v;

			if (dlen < (long)sizeof(v)) {
				short_line(f, idx, "int", dlen, sizeof(v));
				continue;
			}
			memcpy(&v, d, sizeof(v));
			fprintf(f, "%s: index=%d value=%d\n",
				c->cmsg_type == IPV6_HOPLIMIT ? "hoplimit" : "tclass", idx, v);
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPING_OLD) {
			struct scm_timestamping t;

			if (dlen < (long)sizeof(t)) {
				short_line(f, idx, "scm_timestamping", dlen, sizeof(t));
				continue;
			}
			memcpy(&t, d, sizeof(t));
			fprintf(f, "timestamping: index=%d", idx);
			for (int i = 0; i < 3; i++)
				fprintf(f, " ts%d=%lld.%09ld", i, (long long)t.ts[i].tv_sec,
					(long)t.ts[i].tv_nsec);
			fputc('\n', f);
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPING_NEW) {
			struct scm_timestamping64 t;

			if (dlen < (long)sizeof(t)) {
				short_line(f, idx, "scm_timestamping64", dlen, sizeof(t));
				continue;
			}
			memcpy(&t, d, sizeof(t));
			fprintf(f, "timestamping64: index=%d", idx);
			for (int i = 0; i < 3; i++)
				fprintf(f, " ts%d=%lld.%09lld", i, (long long)t.ts[i].tv_sec,
					(long long)t.ts[i].tv_nsec);
			fputc('\n', f);
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING_PKTINFO) {
			struct scm_ts_pktinfo p;

			if (dlen < (long)sizeof(p)) {
				short_line(f, idx, "scm_ts_pktinfo", dlen, sizeof(p));
				continue;
			}
			memcpy(&p, d, sizeof(p));
			fprintf(f, "ts_pktinfo: index=%d if_index=%u pkt_length=%u\n", idx, p.if_index,
				p.pkt_length);
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING_OPT_STATS) {
			/* netlink attributes: struct nlattr, NLA_ALIGN, NLA_HDRLEN */
			long pos = 0;

			while (pos + (long)NLA_HDRLEN <= dlen) {
				struct nlattr na;
				long vlen;

				memcpy(&na, d + pos, sizeof(na));
				if (na.nla_len < NLA_HDRLEN || pos + (long)na.nla_len > dlen) {
					fprintf(f, "nla_bad: index=%d offset=%ld nla_len=%u\n", idx, pos,
						na.nla_len);
					break;
				}
				vlen = (long)na.nla_len - NLA_HDRLEN;
				fprintf(f, "nla: index=%d offset=%ld type=%u len=%u value=", idx, pos,
					na.nla_type, na.nla_len);
				hex(f, d + pos + NLA_HDRLEN, (size_t)vlen);
				fputc('\n', f);
				pos += NLA_ALIGN(na.nla_len);
			}
		}
	}
	if (fclose(f) != 0)
		die("fclose %s", path);
	note("wrote %s (%zd payload bytes, controllen %zu, flags 0x%x)", path, r->ret,
	     r->controllen, (unsigned)r->flags);
}

/* ------------------------------------------------------------- scenarios */

static uint16_t inet_csum(const unsigned char *p, size_t n);
static void put16(unsigned char *p, unsigned v);

static unsigned char g_data[2048];

static void fill_data(void)
{
	for (size_t i = 0; i < sizeof(g_data); i++)
		g_data[i] = (unsigned char)i;
}

/* errno values a send may fail with once an ICMP error is pending (SO_ERROR). */
static int pending_error(int e)
{
	return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH || e == EACCES ||
	       e == EMSGSIZE || e == EPROTO || e == EHOSTDOWN;
}

/*
 * Send buf to dst until an error-queue entry shows up (up to 8 tries, 1 s apart),
 * then read it with a control buffer of ctrl_buflen bytes.
 */
static void probe(int fd, const void *dst, socklen_t dlen, const void *buf, size_t len,
		  struct result *r, size_t ctrl_buflen)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)dst, dlen);

		if (n < 0) {
			if (!pending_error(errno))
				die("sendto");
			note("sendto failed with pending error %d, retrying", errno);
		}
		if (recv_err(fd, r, ctrl_buflen, 1000))
			return;
		note("no error queued after attempt %d", attempt + 1);
	}
	errno = ETIMEDOUT;
	die("no error-queue entry after 8 probes");
}

static unsigned closed_port(int family)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(family, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	CHECK(bind(fd, (struct sockaddr *)&ss, family == AF_INET ? sizeof(struct sockaddr_in)
								  : sizeof(struct sockaddr_in6)));
	CHECK(getsockname(fd, (struct sockaddr *)&ss, &sl));
	CHECK(close(fd));
	return family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
				 : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int udp4(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket(AF_INET, SOCK_DGRAM)");
	setint(fd, SOL_IP, IP_RECVERR, 1, "IP_RECVERR");
	return fd;
}

static int udp6(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket(AF_INET6, SOCK_DGRAM)");
	setint(fd, SOL_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
	return fd;
}

static void v4_companions(int fd)
{
	setint(fd, SOL_IP, IP_RECVTTL, 1, "IP_RECVTTL");
	setint(fd, SOL_IP, IP_PKTINFO, 1, "IP_PKTINFO");
	setint(fd, SOL_IP, IP_RECVTOS, 1, "IP_RECVTOS");
}

static void v6_companions(int fd)
{
	setint(fd, SOL_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
	setint(fd, SOL_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
	setint(fd, SOL_IPV6, IPV6_RECVTCLASS, 1, "IPV6_RECVTCLASS");
}

struct scen {
	const char *name;
	const char *desc;
	void (*fn)(const struct scen *s, const char *outdir);
	int variant;
};

/* --- UDP ICMP errors */

enum { V_PLAIN, V_COMP, V_TTL, V_PTB, V_LOCAL, V_UNREACH, V_PROHIB, V_CTRUNC24, V_CTRUNC48, V_CTRUNC56, V_MSGTRUNC };

static void sc_udp4(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_in dst;
	int fd = udp4();
	size_t len = 32, ctrl = 512;

	switch (s->variant) {
	case V_PLAIN:
		dst = sin4("127.0.0.1", closed_port(AF_INET));
		break;
	case V_MSGTRUNC:
		dst = sin4("127.0.0.1", closed_port(AF_INET));
		g_iov_len = 16;
		break;
	case V_COMP:
		v4_companions(fd);
		dst = sin4("127.0.0.1", closed_port(AF_INET));
		break;
	case V_CTRUNC24:
	case V_CTRUNC48:
	case V_CTRUNC56:
		setint(fd, SOL_IP, IP_RECVTTL, 1, "IP_RECVTTL");
		dst = sin4("127.0.0.1", closed_port(AF_INET));
		ctrl = s->variant == V_CTRUNC24 ? 24 : s->variant == V_CTRUNC48 ? 48 : 56;
		break;
	case V_TTL:
		v4_companions(fd);
		setint(fd, SOL_IP, IP_TTL, 1, "IP_TTL");
		dst = sin4(param("b4"), 33434);
		break;
	case V_PTB:
		setint(fd, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE, "IP_MTU_DISCOVER");
		dst = sin4(param("b4"), 33435);
		len = 1400;
		break;
	case V_UNREACH:
		dst = sin4(param("unreach4"), 33436);
		break;
	case V_PROHIB:
		dst = sin4(param("prohib4"), 33437);
		break;
	case V_LOCAL: {
		ssize_t n;

		/* connected, so the LOCAL error carries the destination port too */
		setint(fd, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO, "IP_MTU_DISCOVER");
		dst = sin4(param("r4"), 33438);
		CHECK(connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
		n = send(fd, g_data, 1600, 0);
		if (n >= 0 || errno != EMSGSIZE)
			die("send of 1600 bytes with IP_PMTUDISC_DO: expected EMSGSIZE, got %zd", n);
		if (!recv_err(fd, &r, ctrl, 1000))
			die("no LOCAL error queued");
		write_fixture(outdir, s->desc, &r, NULL);
		CHECK(close(fd));
		return;
	}
	default:
		die("bad variant");
	}
	probe(fd, &dst, sizeof(dst), g_data, len, &r, ctrl);
	write_fixture(outdir, s->desc, &r, NULL);
	CHECK(close(fd));
}

static void sc_udp6(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_in6 dst;
	int fd = udp6();
	size_t len = 32, ctrl = 512;

	switch (s->variant) {
	case V_PLAIN:
		dst = sin6("::1", closed_port(AF_INET6));
		break;
	case V_COMP:
		v6_companions(fd);
		dst = sin6("::1", closed_port(AF_INET6));
		break;
	case V_TTL:
		v6_companions(fd);
		setint(fd, SOL_IPV6, IPV6_UNICAST_HOPS, 1, "IPV6_UNICAST_HOPS");
		dst = sin6(param("b6"), 33434);
		break;
	case V_PTB:
		setint(fd, SOL_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE, "IPV6_MTU_DISCOVER");
		dst = sin6(param("b6"), 33435);
		len = 1400;
		break;
	case V_UNREACH:
		dst = sin6(param("unreach6"), 33436);
		break;
	case V_PROHIB:
		dst = sin6(param("prohib6"), 33437);
		break;
	case V_LOCAL: {
		ssize_t n;

		setint(fd, SOL_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, "IPV6_MTU_DISCOVER");
		dst = sin6(param("r6"), 33438);
		CHECK(connect(fd, (struct sockaddr *)&dst, sizeof(dst)));
		n = send(fd, g_data, 1600, 0);
		if (n >= 0 || errno != EMSGSIZE)
			die("send of 1600 bytes with IPV6_PMTUDISC_DO: expected EMSGSIZE, got %zd", n);
		if (!recv_err(fd, &r, ctrl, 1000))
			die("no LOCAL error queued");
		write_fixture(outdir, s->desc, &r, NULL);
		CHECK(close(fd));
		return;
	}
	default:
		die("bad variant");
	}
	probe(fd, &dst, sizeof(dst), g_data, len, &r, ctrl);
	write_fixture(outdir, s->desc, &r, NULL);
	CHECK(close(fd));
}

/* --- dual stack: AF_INET6 socket, v4-mapped destination */

static void sc_dual(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_in6 dst;
	char mapped[64];
	int fd = udp6();

	setint(fd, SOL_IP, IP_RECVERR, 1, "IP_RECVERR");
	if (s->variant == V_COMP)
		v4_companions(fd);
	snprintf(mapped, sizeof(mapped), "::ffff:127.0.0.1");
	dst = sin6(mapped, closed_port(AF_INET));
	probe(fd, &dst, sizeof(dst), g_data, 32, &r, 512);
	write_fixture(outdir, s->desc, &r, NULL);
	CHECK(close(fd));
}

/* --- ping sockets */

static void sc_ping4(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_in dst;
	unsigned char pkt[64];
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);

	if (fd < 0)
		die("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) (ping_group_range?)");
	setint(fd, SOL_IP, IP_RECVERR, 1, "IP_RECVERR");
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 8; /* ICMP_ECHO */
	pkt[7] = 1; /* sequence 1 */
	memcpy(pkt + 8, g_data, sizeof(pkt) - 8);
	if (s->variant == V_TTL) {
		setint(fd, SOL_IP, IP_TTL, 1, "IP_TTL");
		dst = sin4(param("b4"), 0);
	} else {
		dst = sin4(param("unreach4"), 0);
	}
	probe(fd, &dst, sizeof(dst), pkt, sizeof(pkt), &r, 512);
	write_fixture(outdir, s->desc, &r, NULL);
	CHECK(close(fd));
}

static void sc_ping6(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_in6 dst;
	unsigned char pkt[64];
	int fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);

	if (fd < 0)
		die("socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6) (ping_group_range?)");
	setint(fd, SOL_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 128; /* ICMPV6_ECHO_REQUEST */
	pkt[7] = 1;
	memcpy(pkt + 8, g_data, sizeof(pkt) - 8);
	if (s->variant == V_TTL) {
		setint(fd, SOL_IPV6, IPV6_UNICAST_HOPS, 1, "IPV6_UNICAST_HOPS");
		dst = sin6(param("b6"), 0);
	} else {
		dst = sin6(param("unreach6"), 0);
	}
	probe(fd, &dst, sizeof(dst), pkt, sizeof(pkt), &r, 512);
	write_fixture(outdir, s->desc, &r, NULL);
	CHECK(close(fd));
}

/* --- TCP in SYN_SENT: the only TCP state that queues ICMP errors */

static void sc_tcp_syn(const struct scen *s, const char *outdir)
{
	struct result r;
	int v6 = s->variant == 6;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	int fl;

	if (fd < 0)
		die("socket(SOCK_STREAM)");
	if (v6)
		setint(fd, SOL_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
	else
		setint(fd, SOL_IP, IP_RECVERR, 1, "IP_RECVERR");
	fl = fcntl(fd, F_GETFL);
	CHECK(fl);
	CHECK(fcntl(fd, F_SETFL, fl | O_NONBLOCK));
	if (v6) {
		struct sockaddr_in6 dst = sin6(param("unreach6"), 80);

		if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0 || errno != EINPROGRESS)
			die("connect: expected EINPROGRESS");
	} else {
		struct sockaddr_in dst = sin4(param("unreach4"), 80);

		if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0 || errno != EINPROGRESS)
			die("connect: expected EINPROGRESS");
	}
	/* the SYN is retransmitted by TCP itself (1 s, 2 s, ...) */
	for (int i = 0; i < 8; i++)
		if (recv_err(fd, &r, 512, 1000)) {
			write_fixture(outdir, s->desc, &r, NULL);
			CHECK(close(fd));
			return;
		}
	errno = ETIMEDOUT;
	die("no ICMP error queued on the SYN_SENT socket");
}

/* --- raw ICMP sockets: the payload is the original ICMP message */

static void sc_raw(const struct scen *s, const char *outdir)
{
	struct result r;
	unsigned char pkt[64];
	int v6 = s->variant == 6;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);

	if (fd < 0)
		die("socket(SOCK_RAW)");
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v6 ? 128 : 8; /* echo request */
	put16(pkt + 4, 0x1234); /* id */
	pkt[7] = 1;
	memcpy(pkt + 8, g_data, sizeof(pkt) - 8);
	if (v6) {
		struct sockaddr_in6 dst = sin6(param("b6"), 0);

		setint(fd, SOL_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
		setint(fd, SOL_IPV6, IPV6_UNICAST_HOPS, 1, "IPV6_UNICAST_HOPS");
		probe(fd, &dst, sizeof(dst), pkt, sizeof(pkt), &r, 512);
	} else {
		struct sockaddr_in dst = sin4(param("b4"), 0);

		setint(fd, SOL_IP, IP_RECVERR, 1, "IP_RECVERR");
		setint(fd, SOL_IP, IP_TTL, 1, "IP_TTL");
		put16(pkt + 2, inet_csum(pkt, sizeof(pkt)));
		probe(fd, &dst, sizeof(dst), pkt, sizeof(pkt), &r, 512);
	}
	write_fixture(outdir, s->desc, &r, NULL);
	CHECK(close(fd));
}

/* --- TX timestamps on UDP over loopback */

enum { T_SCHED, T_SND, T_TSONLY, T_CMSG, T_NEW, T_V6, T_V6_CMSG };

static void sc_tstamp(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_storage rxa;
	socklen_t rxl = sizeof(rxa);
	int family = s->variant == T_V6 || s->variant == T_V6_CMSG ? AF_INET6 : AF_INET;
	int rx = socket(family, SOCK_DGRAM, 0), fd = socket(family, SOCK_DGRAM, 0);
	unsigned flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
			 SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_TX_SCHED;
	int opt = SO_TIMESTAMPING_OLD;
	unsigned want = SCM_TSTAMP_SND;

	if (rx < 0 || fd < 0)
		die("socket");
	memset(&rxa, 0, sizeof(rxa));
	if (family == AF_INET) {
		struct sockaddr_in a = sin4("127.0.0.1", 0);

		memcpy(&rxa, &a, sizeof(a));
		rxl = sizeof(a);
	} else {
		struct sockaddr_in6 a = sin6("::1", 0);

		memcpy(&rxa, &a, sizeof(a));
		rxl = sizeof(a);
	}
	CHECK(bind(rx, (struct sockaddr *)&rxa, rxl));
	CHECK(getsockname(rx, (struct sockaddr *)&rxa, &rxl));

	switch (s->variant) {
	case T_SCHED:
		want = SCM_TSTAMP_SCHED;
		break;
	case T_SND:
	case T_V6:
		break;
	case T_TSONLY:
		flags |= SOF_TIMESTAMPING_OPT_TSONLY;
		break;
	case T_CMSG:
		flags |= SOF_TIMESTAMPING_OPT_CMSG;
		setint(fd, SOL_IP, IP_PKTINFO, 1, "IP_PKTINFO");
		break;
	case T_V6_CMSG:
		flags |= SOF_TIMESTAMPING_OPT_CMSG;
		setint(fd, SOL_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
		break;
	case T_NEW:
		flags |= SOF_TIMESTAMPING_OPT_TSONLY;
		opt = SO_TIMESTAMPING_NEW;
		break;
	}
	if (setsockopt(fd, SOL_SOCKET, opt, &flags, sizeof(flags)) < 0)
		die("setsockopt(SO_TIMESTAMPING %d, 0x%x)", opt, flags);
	if (sendto(fd, g_data, 64, 0, (struct sockaddr *)&rxa, rxl) != 64)
		die("sendto");
	for (int i = 0; i < 10; i++) {
		struct sock_extended_err ee;

		if (!recv_err(fd, &r, 512, 1000))
			die("timestamp entry %u not queued", want);
		if (find_ee(&r, &ee) && ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING &&
		    ee.ee_info == want) {
			write_fixture(outdir, s->desc, &r, NULL);
			CHECK(close(fd));
			CHECK(close(rx));
			return;
		}
	}
	errno = ENOENT;
	die("wanted timestamp entry not seen");
}

/* --- MSG_ZEROCOPY completion on UDP over loopback */

static void sc_zerocopy(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_in rxa = sin4("127.0.0.1", 0);
	socklen_t rxl = sizeof(rxa);
	int rx = socket(AF_INET, SOCK_DGRAM, 0), fd = socket(AF_INET, SOCK_DGRAM, 0);
	int sends = 4;
	char extra[200];
	struct sock_extended_err ee;

	if (rx < 0 || fd < 0)
		die("socket");
	CHECK(bind(rx, (struct sockaddr *)&rxa, rxl));
	CHECK(getsockname(rx, (struct sockaddr *)&rxa, &rxl));
	setint(fd, SOL_SOCKET, SO_ZEROCOPY, 1, "SO_ZEROCOPY");
	CHECK(connect(fd, (struct sockaddr *)&rxa, rxl));
	for (int i = 0; i < sends; i++)
		if (send(fd, g_data, 1000, MSG_ZEROCOPY) != 1000)
			die("send(MSG_ZEROCOPY) %d", i);
	/* let every completion be queued (and merged) before reading */
	usleep(200000);
	if (!recv_err(fd, &r, 512, 2000))
		die("no zerocopy completion");
	if (!find_ee(&r, &ee))
		die("no extended error in completion");
	snprintf(extra, sizeof(extra), "%d sends of 1000 bytes with MSG_ZEROCOPY; this entry covers %u..%u%s",
		 sends, ee.ee_info, ee.ee_data,
		 ee.ee_code & SO_EE_CODE_ZEROCOPY_COPIED ? " (kernel copied: SO_EE_CODE_ZEROCOPY_COPIED)" : "");
	write_fixture(outdir, s->desc, &r, extra);
	CHECK(close(fd));
	CHECK(close(rx));
}

/* --- TCP TX timestamps with OPT_STATS */

static void sc_tcp_stats(const struct scen *s, const char *outdir)
{
	struct result r;
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	socklen_t al = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0), fd = socket(AF_INET, SOCK_STREAM, 0), as;
	unsigned flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
			 SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_TX_ACK |
			 SOF_TIMESTAMPING_OPT_STATS | SOF_TIMESTAMPING_OPT_TSONLY;
	unsigned want = (unsigned)s->variant;

	if (ls < 0 || fd < 0)
		die("socket");
	CHECK(bind(ls, (struct sockaddr *)&a, al));
	CHECK(getsockname(ls, (struct sockaddr *)&a, &al));
	CHECK(listen(ls, 1));
	CHECK(connect(fd, (struct sockaddr *)&a, al));
	as = accept(ls, NULL, NULL);
	if (as < 0)
		die("accept");
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING_OLD, &flags, sizeof(flags)) < 0)
		die("setsockopt(SO_TIMESTAMPING)");
	if (send(fd, g_data, 100, 0) != 100)
		die("send");
	for (int i = 0; i < 10; i++) {
		struct sock_extended_err ee;

		if (!recv_err(fd, &r, 1024, 1000))
			die("timestamp entry %u not queued", want);
		if (find_ee(&r, &ee) && ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING &&
		    ee.ee_info == want) {
			write_fixture(outdir, s->desc, &r, NULL);
			CHECK(close(fd));
			CHECK(close(as));
			CHECK(close(ls));
			return;
		}
	}
	errno = ENOENT;
	die("wanted TCP timestamp entry not seen");
}

/* --- RFC 4884: the socket side (namespace A) */

enum { X_V4, X_V4_BADSUM, X_V6, X_V6_BADSUM, X_V4_PADDED, X_V6_PADDED, X_V4_NOLEN, X_HAND4, X_HAND6 };

static void sc_rfc4884(const struct scen *s, const char *outdir)
{
	struct result r;
	unsigned sport = (unsigned)atoi(param("sport")), dport = (unsigned)atoi(param("dport"));
	int v6 = s->variant == X_V6 || s->variant == X_V6_BADSUM || s->variant == X_V6_PADDED ||
		 s->variant == X_HAND6;
	int rfc4884 = s->variant != X_HAND4 && s->variant != X_HAND6;
	size_t plen = (size_t)atoi(param_or("probe_len", "200"));
	int fd;

	if (!v6) {
		struct sockaddr_in src = sin4("0.0.0.0", sport), dst = sin4(param("hole4"), dport);

		fd = udp4();
		if (rfc4884)
			setint(fd, SOL_IP, IP_RECVERR_RFC4884, 1, "IP_RECVERR_RFC4884");
		CHECK(bind(fd, (struct sockaddr *)&src, sizeof(src)));
		/* the probe goes to a blackhole route on R; R answers by hand (send-icmp4-ext) */
		for (int i = 0; i < 10; i++) {
			CHECK(sendto(fd, g_data, plen, 0, (struct sockaddr *)&dst, sizeof(dst)));
			if (recv_err(fd, &r, 512, 1000))
				goto got;
		}
	} else {
		struct sockaddr_in6 src = sin6("::", sport), dst = sin6(param("hole6"), dport);

		fd = udp6();
		if (rfc4884)
			setint(fd, SOL_IPV6, IPV6_RECVERR_RFC4884, 1, "IPV6_RECVERR_RFC4884");
		CHECK(bind(fd, (struct sockaddr *)&src, sizeof(src)));
		for (int i = 0; i < 10; i++) {
			CHECK(sendto(fd, g_data, plen, 0, (struct sockaddr *)&dst, sizeof(dst)));
			if (recv_err(fd, &r, 512, 1000))
				goto got;
		}
	}
	errno = ETIMEDOUT;
	die("no hand-built ICMP error arrived (is send-icmp*-ext running on R?)");
got:
	write_fixture(outdir, s->desc, &r, NULL);
	CHECK(close(fd));
}

/* --- RFC 4884: the router side (namespace R), builds and sends the ICMP error */

static uint16_t inet_csum(const unsigned char *p, size_t n)
{
	return (uint16_t)~csum_fold_range(p, n);
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Extension structure: MPLS label stack object + interface information object. */
static size_t build_ext(unsigned char *p, int v6, int badsum, const char *iio_addr)
{
	size_t n = 0, obj;
	uint16_t cs;

	p[n++] = 2 << 4; /* version 2 */
	p[n++] = 0;
	put16(p + n, 0); /* checksum, filled below */
	n += 2;
	/* class 1 (MPLS label stack), c-type 1: two entries */
	obj = n;
	put16(p + n, 4 + 8);
	p[n + 2] = 1;
	p[n + 3] = 1;
	n += 4;
	put32(p + n, 16001u << 12 | 0u << 9 | 0u << 8 | 1u); /* label 16001 tc 0 s 0 ttl 1 */
	n += 4;
	put32(p + n, 24005u << 12 | 5u << 9 | 1u << 8 | 1u); /* label 24005 tc 5 s 1 ttl 1 */
	n += 4;
	/* class 2 (interface information), role 0 (incoming), ifIndex|IPADDR|NAME|MTU */
	obj = n;
	p[n + 2] = 2;
	p[n + 3] = 0x0f;
	n += 4;
	put32(p + n, 7); /* ifIndex */
	n += 4;
	put16(p + n, v6 ? 2 : 1); /* AFI */
	put16(p + n + 2, 0);
	if (v6) {
		if (inet_pton(AF_INET6, iio_addr, p + n + 4) != 1)
			die("bad iio address %s", iio_addr);
		n += 20;
	} else {
		if (inet_pton(AF_INET, iio_addr, p + n + 4) != 1)
			die("bad iio address %s", iio_addr);
		n += 8;
	}
	p[n] = 8; /* name sub-object: length octet + "eth-r0" + NUL padding to 8 */
	memcpy(p + n + 1, "eth-r0\0", 7);
	n += 8;
	put32(p + n, 1500); /* MTU */
	n += 4;
	put16(p + obj, (unsigned)(n - obj));
	cs = inet_csum(p, n);
	if (badsum)
		cs ^= 0x5a5a;
	put16(p + 2, cs);
	return n;
}

static void send_icmp_ext(int v6)
{
	unsigned char pkt[1024], probe_pkt[512];
	unsigned sport = (unsigned)atoi(param("sport")), dport = (unsigned)atoi(param("dport"));
	int badsum = atoi(param_or("badsum", "0"));
	int nolen = atoi(param_or("nolen", "0"));
	int with_ext = atoi(param_or("ext", "1"));
	const char *word = param_or("word", NULL);
	int type = atoi(param_or("icmp_type", v6 ? "3" : "11"));
	int code = atoi(param_or("icmp_code", "0"));
	size_t plen = (size_t)atoi(param_or("probe_len", "200"));
	size_t hl, n, quote = 128;
	int fd;

	memset(pkt, 0, sizeof(pkt));
	memset(probe_pkt, 0, sizeof(probe_pkt));
	/* the probe as A sent it: IP header + UDP header + plen bytes of g_data */
	if (!v6) {
		struct iphdr ih;

		memset(&ih, 0, sizeof(ih));
		ih.version = 4;
		ih.ihl = 5;
		ih.tot_len = htons((uint16_t)(20 + 8 + plen));
		ih.frag_off = htons(IP_DF);
		ih.ttl = 63;
		ih.protocol = IPPROTO_UDP;
		if (inet_pton(AF_INET, param("a4"), &ih.saddr) != 1 ||
		    inet_pton(AF_INET, param("hole4"), &ih.daddr) != 1)
			die("bad address");
		memcpy(probe_pkt, &ih, sizeof(ih));
		put16(probe_pkt + 10, inet_csum(probe_pkt, 20));
		hl = 20;
	} else {
		struct ip6_hdr ih;

		memset(&ih, 0, sizeof(ih));
		ih.ip6_flow = htonl(6u << 28);
		ih.ip6_plen = htons((uint16_t)(8 + plen));
		ih.ip6_nxt = IPPROTO_UDP;
		ih.ip6_hlim = 63;
		if (inet_pton(AF_INET6, param("a6"), &ih.ip6_src) != 1 ||
		    inet_pton(AF_INET6, param("hole6"), &ih.ip6_dst) != 1)
			die("bad address");
		memcpy(probe_pkt, &ih, sizeof(ih));
		hl = 40;
	}
	put16(probe_pkt + hl, sport);
	put16(probe_pkt + hl + 2, dport);
	put16(probe_pkt + hl + 4, (unsigned)(8 + plen));
	if (plen > sizeof(probe_pkt) - hl - 8)
		die("probe_len too large");
	memcpy(probe_pkt + hl + 8, g_data, plen);

	/*
	 * ICMP time exceeded, code 0, quoting the first 128 bytes of the probe (a shorter
	 * probe is zero-padded to 128: probe_pkt is zeroed), then the extension.  With
	 * nolen=1 the RFC 4884 length field stays 0, as from a pre-RFC 4884 router that
	 * puts its MPLS extension at the fixed offset 128.
	 */
	pkt[0] = (unsigned char)type;
	pkt[1] = (unsigned char)code;
	if (word) /* bytes 4..7 given whole, e.g. a parameter-problem pointer */
		put32(pkt + 4, (uint32_t)strtoul(word, NULL, 0));
	else if (with_ext && !nolen && !v6)
		pkt[5] = (unsigned char)(quote / 4); /* RFC 4884 length, 32-bit words */
	else if (with_ext && !nolen)
		pkt[4] = (unsigned char)(quote / 8); /* RFC 4884 length, 64-bit words */
	memcpy(pkt + 8, probe_pkt, quote);
	n = 8 + quote;
	if (with_ext)
		n += build_ext(pkt + n, v6, badsum, v6 ? param("r6") : param("r4"));

	if (!v6) {
		struct sockaddr_in dst = sin4(param("a4"), 0);

		put16(pkt + 2, inet_csum(pkt, n));
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		if (fd < 0)
			die("socket(SOCK_RAW, IPPROTO_ICMP)");
		for (int i = 0; i < 5; i++) {
			if (sendto(fd, pkt, n, 0, (struct sockaddr *)&dst, sizeof(dst)) != (ssize_t)n)
				die("sendto raw icmp");
			usleep(400000);
		}
	} else {
		struct sockaddr_in6 dst = sin6(param("a6"), 0);

		/* the kernel computes the ICMPv6 checksum on raw ICMPv6 sockets */
		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
		if (fd < 0)
			die("socket(SOCK_RAW, IPPROTO_ICMPV6)");
		for (int i = 0; i < 5; i++) {
			if (sendto(fd, pkt, n, 0, (struct sockaddr *)&dst, sizeof(dst)) != (ssize_t)n)
				die("sendto raw icmpv6");
			usleep(400000);
		}
	}
	CHECK(close(fd));
}

/* -------------------------------------------------------------- the table */

static const struct scen scens[] = {
	{ "udp4_port_unreach_lo", "UDP to a closed port on 127.0.0.1, IP_RECVERR", sc_udp4, V_PLAIN },
	{ "udp6_port_unreach_lo", "UDP to a closed port on ::1, IPV6_RECVERR", sc_udp6, V_PLAIN },
	{ "udp4_port_unreach_lo_companions",
	  "UDP to a closed port on 127.0.0.1, IP_RECVERR + IP_RECVTTL + IP_PKTINFO + IP_RECVTOS", sc_udp4, V_COMP },
	{ "udp6_port_unreach_lo_companions",
	  "UDP to a closed port on ::1, IPV6_RECVERR + IPV6_RECVHOPLIMIT + IPV6_RECVPKTINFO + IPV6_RECVTCLASS",
	  sc_udp6, V_COMP },
	{ "udp4_ttl_exceeded", "UDP from A to B with IP_TTL 1: time exceeded from R; IP_RECVTTL + IP_PKTINFO + IP_RECVTOS",
	  sc_udp4, V_TTL },
	{ "udp6_hoplimit_exceeded",
	  "UDP from A to B with IPV6_UNICAST_HOPS 1: time exceeded from R; IPV6_RECVHOPLIMIT + IPV6_RECVPKTINFO + IPV6_RECVTCLASS",
	  sc_udp6, V_TTL },
	{ "udp4_frag_needed", "1400-byte UDP from A to B with IP_PMTUDISC_PROBE: frag needed from R, MTU 1280",
	  sc_udp4, V_PTB },
	{ "udp6_packet_too_big", "1400-byte UDP from A to B with IPV6_PMTUDISC_PROBE: packet too big from R, MTU 1280",
	  sc_udp6, V_PTB },
	{ "udp4_local_emsgsize", "connected UDP, IP_PMTUDISC_DO, 1600-byte send over a 1500 link: LOCAL EMSGSIZE",
	  sc_udp4, V_LOCAL },
	{ "udp6_local_emsgsize", "connected UDP, IPV6_PMTUDISC_DO, 1600-byte send over a 1500 link: LOCAL EMSGSIZE",
	  sc_udp6, V_LOCAL },
	{ "udp4_host_unreach", "UDP from A to a prefix with an unreachable route on R: host unreachable",
	  sc_udp4, V_UNREACH },
	{ "udp4_admin_prohibited", "UDP from A to a prefix with a prohibit route on R: communication administratively prohibited",
	  sc_udp4, V_PROHIB },
	{ "udp6_no_route", "UDP from A to a prefix with an unreachable route on R: ICMPv6 dest unreachable, no route",
	  sc_udp6, V_UNREACH },
	{ "udp6_admin_prohibited", "UDP from A to a prefix with a prohibit route on R: ICMPv6 dest unreachable, administratively prohibited",
	  sc_udp6, V_PROHIB },
	{ "udp4_tstamp_sched", "UDP over lo, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_SCHED: the SCHED entry",
	  sc_tstamp, T_SCHED },
	{ "udp4_tstamp_snd", "UDP over lo, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_SCHED: the SND entry",
	  sc_tstamp, T_SND },
	{ "udp4_tstamp_tsonly", "UDP over lo, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_SCHED|OPT_TSONLY: the SND entry",
	  sc_tstamp, T_TSONLY },
	{ "udp4_tstamp_cmsg", "UDP over lo, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_SCHED|OPT_CMSG + IP_PKTINFO: the SND entry",
	  sc_tstamp, T_CMSG },
	{ "udp4_tstamp_new", "UDP over lo, SO_TIMESTAMPING_NEW (65) TX_SOFTWARE|SOFTWARE|OPT_ID|TX_SCHED|OPT_TSONLY: the SND entry",
	  sc_tstamp, T_NEW },
	{ "udp6_tstamp_snd", "UDP over ::1, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_SCHED: the SND entry",
	  sc_tstamp, T_V6 },
	{ "udp6_tstamp_cmsg", "UDP over ::1, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_SCHED|OPT_CMSG + IPV6_RECVPKTINFO: the SND entry",
	  sc_tstamp, T_V6_CMSG },
	{ "tcp4_syn_host_unreach", "nonblocking TCP connect (IP_RECVERR) to an unreachable route on R: host unreachable in SYN_SENT",
	  sc_tcp_syn, 4 },
	{ "tcp6_syn_no_route", "nonblocking TCP connect (IPV6_RECVERR) to an unreachable route on R: no route in SYN_SENT",
	  sc_tcp_syn, 6 },
	{ "raw4_ttl_exceeded", "raw ICMP socket (SOCK_RAW, IPPROTO_ICMP, IP_RECVERR) echo request to B with IP_TTL 1",
	  sc_raw, 4 },
	{ "raw6_hoplimit_exceeded", "raw ICMPv6 socket (SOCK_RAW, IPPROTO_ICMPV6, IPV6_RECVERR) echo request to B with IPV6_UNICAST_HOPS 1",
	  sc_raw, 6 },
	{ "udp4_zerocopy", "UDP over lo, SO_ZEROCOPY, 4 sends with MSG_ZEROCOPY: the (merged) completion",
	  sc_zerocopy, 0 },
	{ "udp4_ctrunc_24", "port unreachable on lo with IP_RECVTTL, 24-byte control buffer",
	  sc_udp4, V_CTRUNC24 },
	{ "udp4_ctrunc_48", "port unreachable on lo with IP_RECVTTL, 48-byte control buffer",
	  sc_udp4, V_CTRUNC48 },
	{ "udp4_ctrunc_56", "port unreachable on lo with IP_RECVTTL, 56-byte control buffer",
	  sc_udp4, V_CTRUNC56 },
	{ "dual_v4mapped_port_unreach", "AF_INET6 UDP socket with IPV6_RECVERR + IP_RECVERR to ::ffff:127.0.0.1 closed port",
	  sc_dual, V_PLAIN },
	{ "dual_v4mapped_port_unreach_companions",
	  "AF_INET6 UDP socket with IPV6_RECVERR + IP_RECVERR + IP_RECVTTL + IP_PKTINFO + IP_RECVTOS to ::ffff:127.0.0.1 closed port",
	  sc_dual, V_COMP },
	{ "ping4_host_unreach", "ping socket (SOCK_DGRAM, IPPROTO_ICMP) echo to an unreachable route on R", sc_ping4, V_UNREACH },
	{ "ping4_ttl_exceeded", "ping socket (SOCK_DGRAM, IPPROTO_ICMP) echo to B with IP_TTL 1", sc_ping4, V_TTL },
	{ "ping6_no_route", "ping socket (SOCK_DGRAM, IPPROTO_ICMPV6) echo to an unreachable route on R", sc_ping6, V_UNREACH },
	{ "ping6_hoplimit_exceeded", "ping socket (SOCK_DGRAM, IPPROTO_ICMPV6) echo to B with IPV6_UNICAST_HOPS 1",
	  sc_ping6, V_TTL },
	{ "udp4_rfc4884", "IP_RECVERR_RFC4884; hand-built ICMP time exceeded from R quoting 128 bytes of a 228-byte probe, extension: MPLS label stack + interface information",
	  sc_rfc4884, X_V4 },
	{ "udp4_rfc4884_badsum", "as udp4_rfc4884 but the extension checksum is wrong", sc_rfc4884, X_V4_BADSUM },
	{ "udp6_rfc4884", "IPV6_RECVERR_RFC4884; hand-built ICMPv6 time exceeded from R quoting 128 bytes of a 248-byte probe, extension: MPLS label stack + interface information",
	  sc_rfc4884, X_V6 },
	{ "udp6_rfc4884_badsum", "as udp6_rfc4884 but the extension checksum is wrong", sc_rfc4884, X_V6_BADSUM },
	{ "udp4_rfc4884_padded", "IP_RECVERR_RFC4884; hand-built ICMP time exceeded from R quoting a 60-byte probe zero-padded to 128 bytes, then the extension",
	  sc_rfc4884, X_V4_PADDED },
	{ "udp6_rfc4884_padded", "IPV6_RECVERR_RFC4884; hand-built ICMPv6 time exceeded from R quoting an 80-byte probe zero-padded to 128 bytes, then the extension",
	  sc_rfc4884, X_V6_PADDED },
	{ "udp4_rfc4884_nolen", "IP_RECVERR_RFC4884; hand-built ICMP time exceeded from R as a pre-RFC 4884 router sends it: length field 0, extension at offset 128",
	  sc_rfc4884, X_V4_NOLEN },
	{ "udp4_time_exceeded_ext_no_rfc4884", "plain IP_RECVERR (no IP_RECVERR_RFC4884); hand-built ICMP time exceeded from R with the RFC 4884 extension of udp4_rfc4884",
	  sc_rfc4884, X_HAND4 },
	{ "udp4_param_problem", "hand-built ICMP parameter problem (12/0, pointer 8) from R quoting the probe",
	  sc_rfc4884, X_HAND4 },
	{ "udp4_net_unreach", "hand-built ICMP dest unreachable code 0 (net unreachable) from R", sc_rfc4884, X_HAND4 },
	{ "udp4_proto_unreach", "hand-built ICMP dest unreachable code 2 (protocol unreachable) from R", sc_rfc4884, X_HAND4 },
	{ "udp6_param_problem", "hand-built ICMPv6 parameter problem (4/0, pointer 7) from R quoting the probe",
	  sc_rfc4884, X_HAND6 },
	{ "udp6_unreach_policy", "hand-built ICMPv6 dest unreachable code 5 (source address failed ingress/egress policy) from R",
	  sc_rfc4884, X_HAND6 },
	{ "udp6_unreach_code7", "hand-built ICMPv6 dest unreachable code 7 (error in source routing header) from R",
	  sc_rfc4884, X_HAND6 },
	{ "udp4_msg_trunc", "UDP to a closed port on 127.0.0.1 (32-byte payload), read with a 16-byte iovec: MSG_TRUNC",
	  sc_udp4, V_MSGTRUNC },
	{ "tcp4_tstamp_ack_stats", "TCP over lo, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_ACK|OPT_STATS|OPT_TSONLY: the ACK entry",
	  sc_tcp_stats, SCM_TSTAMP_ACK },
	{ "tcp4_tstamp_snd_stats", "TCP over lo, SO_TIMESTAMPING TX_SOFTWARE|SOFTWARE|OPT_ID|TX_ACK|OPT_STATS|OPT_TSONLY: the SND entry",
	  sc_tcp_stats, SCM_TSTAMP_SND },
};

int main(int argc, char **argv)
{
	g_argc = argc;
	g_argv = argv;
	fill_data();
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < sizeof(scens) / sizeof(scens[0]); i++)
			printf("%s\n", scens[i].name);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: %s SCENARIO OUTDIR [key=value ...] | %s list\n", argv[0], argv[0]);
		return 2;
	}
	g_scenario = argv[1];
	if (!strcmp(argv[1], "send-icmp4-ext")) {
		send_icmp_ext(0);
		return 0;
	}
	if (!strcmp(argv[1], "send-icmp6-ext")) {
		send_icmp_ext(1);
		return 0;
	}
	for (size_t i = 0; i < sizeof(scens) / sizeof(scens[0]); i++)
		if (!strcmp(argv[1], scens[i].name)) {
			scens[i].fn(&scens[i], argv[2]);
			return 0;
		}
	errno = EINVAL;
	die("unknown scenario %s", argv[1]);
}
