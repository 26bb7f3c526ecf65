#!/usr/bin/env bash
# Replay throughput with and without the event log (issue 14): the demo capture N times through a script that blocks
# every frame with a reason (the worst case: every frame is an event), once without --events and once with it, with
# flows on (the default: flow-end records join the drop records) and with --no-flows; then the same with the
# SSH-banner script (3 frames of 64 blocked). One run each; prints ns/frame from replay --json.
# Usage: tools/bench/events-overhead.sh [REPEAT]   (default 15625: 1,000,000 frames)
# NPFLUA_JAR=path runs that jar instead of ./npflua (to compare two builds: copy the first build's jar away).
# Take the bench lock: flock /tmp/npflua-bench.lock tools/bench/events-overhead.sh 156250
set -euo pipefail
cd "$(dirname "$0")/../.."
repeat="${1:-15625}"
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
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for case in all all:--no-flows ssh; do
  script="${case%%:*}"
  extra=()
  [[ $case == *:* ]] && extra=("${case#*:}")
  for mode in without with; do
    args=(replay "$pcap" --repeat "$repeat" -s "$tmp/$script.lua" --json "${extra[@]}")
    [[ $mode == with ]] && args+=(--events "$tmp/eve.json")
    rm -f "$tmp/eve.json"
    ns=$(npflua "${args[@]}" | sed -n 's/.*"ns_per_frame":\([0-9]*\).*/\1/p')
    echo "$script.lua ${extra[*]} $mode --events: $ns ns/frame"
  done
  echo "  $(wc -l <"$tmp/eve.json") records written"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
