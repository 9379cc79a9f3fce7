#!/bin/bash
# Regenerate the live error-queue fixtures in errq-codec/tests/captures/.
#
# Builds tests/capture/capture.c twice (64-bit and gcc -m32), sets up three network
# namespaces A - R - B joined by veth pairs, runs every scenario with both binaries
# and replaces the fixture files. Needs root (ip netns), gcc and gcc-multilib.
#
#   A (198.18.1.1, 2001:db8:1::1) --- (198.18.1.2, 2001:db8:1::2) R
#   R (198.18.2.1, 2001:db8:2::1) --- MTU 1280 --- (198.18.2.2, 2001:db8:2::2) B
#   on R: unreachable 198.18.50.0/24 2001:db8:50::/64, prohibit 198.18.51.0/24
#         2001:db8:51::/64, blackhole 198.18.52.0/24 2001:db8:52::/64
#
# Usage: tests/capture/capture.sh [SCENARIO ...]   (default: all scenarios)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DEST="$ROOT/errq-codec/tests/captures"

[ "$(id -u)" = 0 ] || { echo "capture.sh: needs root (ip netns)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/errq-capture.XXXXXX)
A=errqA$$
R=errqR$$
B=errqB$$

cleanup() {
	for ns in "$A" "$R" "$B"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

log() { echo "capture.sh: $*" >&2; }

# ---- build
CFLAGS="-O1 -Wall -Wextra -Werror"
gcc $CFLAGS -o "$TMP/capture.x86_64" "$HERE/capture.c"
gcc -m32 $CFLAGS -o "$TMP/capture.i686" "$HERE/capture.c"

# ---- topology
for ns in "$A" "$R" "$B"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
		net.ipv4.ping_group_range="0 2147483647"
done
ip -n "$A" link add vA type veth peer name vRA netns "$R"
ip -n "$R" link add vRB type veth peer name vB netns "$B"
ip -n "$R" link set dev vRB mtu 1280
ip -n "$B" link set dev vB mtu 1280

ip -n "$A" addr add 198.18.1.1/24 dev vA
ip -n "$A" addr add 2001:db8:1::1/64 dev vA nodad
ip -n "$R" addr add 198.18.1.2/24 dev vRA
ip -n "$R" addr add 2001:db8:1::2/64 dev vRA nodad
ip -n "$R" addr add 198.18.2.1/24 dev vRB
ip -n "$R" addr add 2001:db8:2::1/64 dev vRB nodad
ip -n "$B" addr add 198.18.2.2/24 dev vB
ip -n "$B" addr add 2001:db8:2::2/64 dev vB nodad
ip -n "$A" link set dev vA up
ip -n "$R" link set dev vRA up
ip -n "$R" link set dev vRB up
ip -n "$B" link set dev vB up

ip -n "$A" route add default via 198.18.1.2
ip -n "$A" -6 route add default via 2001:db8:1::2
ip -n "$B" route add default via 198.18.2.1
ip -n "$B" -6 route add default via 2001:db8:2::1
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip -n "$R" route add unreachable 198.18.50.0/24
ip -n "$R" route add prohibit 198.18.51.0/24
ip -n "$R" route add blackhole 198.18.52.0/24
ip -n "$R" -6 route add unreachable 2001:db8:50::/64
ip -n "$R" -6 route add prohibit 2001:db8:51::/64
ip -n "$R" -6 route add blackhole 2001:db8:52::/64

# (no warm-up: a probe lost to ARP/ND is simply resent by capture.c after 1 s)

PARAMS="a4=198.18.1.1 a6=2001:db8:1::1 r4=198.18.1.2 r6=2001:db8:1::2
 b4=198.18.2.2 b6=2001:db8:2::2 unreach4=198.18.50.1 unreach6=2001:db8:50::1
 prohib4=198.18.51.1 prohib6=2001:db8:51::1 hole4=198.18.52.1 hole6=2001:db8:52::1
 dport=33999"
OUT="$TMP/out"
mkdir -p "$OUT"

if [ $# -gt 0 ]; then
	SCENARIOS="$*"
else
	SCENARIOS=$("$TMP/capture.x86_64" list)
fi

sport=40000
run() { # abi scenario
	local abi=$1 scen=$2 bin="$TMP/capture.$1"
	sport=$((sport + 1))
	case $scen in
	udp4_rfc4884* | udp6_rfc4884* | udp4_time_exceeded_ext_no_rfc4884 | *_param_problem | \
		udp4_net_unreach | udp4_proto_unreach | udp6_unreach_*)
		# hand-built ICMP(v6) errors: A sends the probe to R's blackhole, R answers
		local fam=4
		case $scen in udp6_*) fam=6 ;; esac
		local extra="badsum=0"
		case $scen in
		*_badsum) extra="badsum=1" ;;
		*_padded) extra="probe_len=32" ;;
		*_nolen) extra="nolen=1" ;;
		udp4_param_problem) extra="ext=0 icmp_type=12 icmp_code=0 word=0x08000000" ;;
		udp6_param_problem) extra="ext=0 icmp_type=4 icmp_code=0 word=7" ;;
		udp4_net_unreach) extra="ext=0 icmp_type=3 icmp_code=0" ;;
		udp4_proto_unreach) extra="ext=0 icmp_type=3 icmp_code=2" ;;
		udp6_unreach_policy) extra="ext=0 icmp_type=1 icmp_code=5" ;;
		udp6_unreach_code7) extra="ext=0 icmp_type=1 icmp_code=7" ;;
		esac
		# shellcheck disable=SC2086
		timeout 30 ip netns exec "$A" "$bin" "$scen" "$OUT" $PARAMS sport=$sport $extra &
		local pid=$!
		sleep 0.5
		# shellcheck disable=SC2086
		timeout 30 ip netns exec "$R" "$TMP/capture.x86_64" "send-icmp$fam-ext" - \
			$PARAMS sport=$sport $extra
		wait "$pid"
		;;
	*)
		# shellcheck disable=SC2086
		timeout 30 ip netns exec "$A" "$bin" "$scen" "$OUT" $PARAMS sport=$sport
		;;
	esac
}

for scen in $SCENARIOS; do
	for abi in x86_64 i686; do
		run "$abi" "$scen"
	done
done

# ---- replace the fixtures only once every scenario succeeded
mkdir -p "$DEST"
if [ $# -eq 0 ]; then
	rm -f "$DEST"/*.x86_64.txt "$DEST"/*.i686.txt
fi
cp "$OUT"/*.txt "$DEST"/
log "wrote $(ls "$OUT" | wc -l) fixtures to $DEST"
