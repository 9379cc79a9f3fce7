#!/usr/bin/env bash
# Instructions per message of each decode variant, counted by callgrind (load does not
# change them, unlike times). Prints a markdown table: one row per capture.
#
#   bash tests/benches/callgrind_decode.sh            # the six messages, 2000 decodes each
#   ERRQ_DECODE_LOOP=500 bash tests/benches/callgrind_decode.sh udp4_rfc4884
#
# Each count is every instruction executed inside the variant's loop function
# (`decode::loop_<variant>`, collected with `--toggle-collect`) divided by the number of
# decodes: the decode itself and what every variant pays around it (the call, initialising
# and returning the bench's result struct). The last two columns leave out libc's memcpy,
# which copies that 296-byte result out (128 instructions a decode in every variant): the
# decode's own ratio. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${ERRQ_DECODE_LOOP:-2000}
bin=$(cargo bench -p errq-tests --bench decode --no-run --message-format=json 2>/dev/null |
  python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "decode" and m.get("executable"):
        print(m["executable"])')
messages=("$@")
if [ ${#messages[@]} -eq 0 ]; then
  messages=(udp4_port_unreach_lo udp6_packet_too_big udp4_ttl_exceeded udp4_tstamp_snd udp4_zerocopy udp4_rfc4884)
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| message | errq | sketch | baseline | nix | errq / baseline | errq / nix | errq / baseline, copies out | errq / nix, copies out |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for m in "${messages[@]}"; do
  row="| \`$m\` |"
  declare -A ir=() cp=()
  for v in errq sketch baseline nix; do
    c=$(cd tests && ERRQ_DECODE_ONLY=$m ERRQ_DECODE_LOOP=$n \
      valgrind --tool=callgrind --callgrind-out-file="$out/$m.$v" \
      "--toggle-collect=decode::loop_$v" "$bin" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    ir[$v]=$c
    # libc's memcpy: the bench copying its 296-byte result out (twice a decode, the same
    # in every variant).
    cp[$v]=$(callgrind_annotate "$out/$m.$v" 2>/dev/null |
      awk '/memcpy|memmove/ && !/=>/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
    if [ "${c:-0}" -gt 0 ]; then row+=" $((c / n)) |"; else row+=" n/a |"; fi
  done
  for copies in with without; do
    for d in baseline nix; do
      if [ "${ir[$d]:-0}" -gt 0 ]; then
        if [ $copies = with ]; then
          a=${ir[errq]} b=${ir[$d]}
        else
          a=$((ir[errq] - cp[errq])) b=$((ir[$d] - cp[$d]))
        fi
        row+=" $(python3 -c "print(f'{$a / $b:.2f}x')") |"
      else
        row+=" n/a |"
      fi
    done
  done
  echo "$row"
done
