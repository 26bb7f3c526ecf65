#!/usr/bin/env bash
# Replay throughput with and without the event log (issue 14): the demo capture N times through a script that blocks
# every frame with a reason (the worst case: every frame is an event), once without --events and once with it, with
# flows on (the default: flow-end records join the drop records) and with --no-flows; then the same with the
# SSH-banner script (3 frames of 64 blocked). One run each (ROUNDS below for more); prints ns/frame from replay
# --json.
# Usage: tools/bench/events-overhead.sh [REPEAT] [WARMUP]   (default 15625: 1,000,000 frames; WARMUP frames of JIT
# warm-up over the file before each run, default 200000 as `npflua run` has by default: a 1 M-frame replay lasts
# 0.05-0.5 s, and without a warm-up what it measures is mostly the JIT compiling the run's code in it; 0 = cold)
# NPFLUA_JAR=path runs that jar instead of ./npflua (to compare two builds: copy the first build's jar away).
# Take the bench lock: flock /tmp/npflua-bench.lock tools/bench/events-overhead.sh 156250
# ROUNDS=N runs each case N times, alternating without/with, and prints the medians (the runs are short and move
# with the JIT: take 5 for a figure).
set -euo pipefail
cd "$(dirname "$0")/../.."
repeat="${1:-15625}"
warmup="${2:-200000}"
pcap=engine/src/main/resources/io/npflua/engine/demo/demo.pcap
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/all.lua" <<'LUA'
function filter(p) return false, 'flood' end
LUA
cat >"$tmp/ssh.lua" <<'LUA'
function filter(pkt)
  local tcp, pld = pkt:tcp(), pkt:payload()
  if not (tcp and pld) or tcp.src_port ~= 22 then return true end
  local software = pld:match('^SSH%-[%d.]+%-([^\r\n ]+)')
  if software == 'OpenSSH_6.4' then return false, 'OpenSSH 6.4 is banned' end
  return true
end
LUA
npflua() {
  if [[ -n "${NPFLUA_JAR:-}" ]]; then
    java --enable-native-access=ALL-UNNAMED -jar "$NPFLUA_JAR" "$@"
  else
    ./npflua "$@"
  fi
}
rounds="${ROUNDS:-1}"
median() { tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $((repeat * 64)) frames, warm-up $warmup, $rounds round(s)"
for case in all all:--no-flows ssh; do
  script="${case%%:*}"
  extra=()
  [[ $case == *:* ]] && extra=("${case#*:}")
  declare -A runs=([without]="" [with]="")
  for ((r = 1; r <= rounds; r++)); do
    for mode in without with; do
      args=(replay "$pcap" --repeat "$repeat" -s "$tmp/$script.lua" --json --warmup "$warmup" "${extra[@]}")
      [[ $mode == with ]] && args+=(--events "$tmp/eve.json")
      rm -f "$tmp/eve.json"
      ns=$(npflua "${args[@]}" | sed -n 's/.*"ns_per_frame":\([0-9]*\).*/\1/p')
      runs[$mode]="${runs[$mode]} $ns"
      echo "$script.lua ${extra[*]} $mode --events: $ns ns/frame"
    done
    echo "  $(wc -l <"$tmp/eve.json") records written"
  done
  without=$(echo ${runs[without]} | median)
  with=$(echo ${runs[with]} | median)
  echo "$script.lua ${extra[*]} median of $rounds: without $without, with $with ns/frame = $(awk -v a="$with" -v b="$without" 'BEGIN {printf "%+.0f %%", (a / b - 1) * 100}')"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
