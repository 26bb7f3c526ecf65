#!/usr/bin/env bash
# End-to-end figures for docs/benchmarks.md, on a veth lab built here (see ../shared/LAB.md rules: namespaces with
# names unique to this run, only 198.18.0.0/15 and 02:... MACs, bounded traffic, everything deleted on exit).
# Run by hand as root from anywhere (not in CI):
#   sudo tools/bench/e2e.sh [--rounds N] [--frames N] [--sections capture,inline,offline] [--repeat N] [--ab-warmup]
#                           [--flows] [--flows-only] [--inline-offloads default|off]
# Output: tools/bench/results/e2e-<UTC date-time>.json; then /usr/bin/python3 tools/bench/report.py docs.
# Prerequisites (Debian): iproute2, ethtool, netsniff-ng (trafgen, netsniff-ng), tcpdump, iperf3, lua5.4, python3;
# a JDK 25 (./npflua finds it and builds the jar on first use).
#
# Sections (each contender is run once per round, rounds alternate the contenders A/B/A/B so drift cancels):
#   capture  trafgen (one process pinned to CPU 0, no rate limit: the sending core's top rate) sends --frames TCP
#            frames carrying an SSH banner from namespace TX; in namespace RX the capturer listens on the peer veth:
#            tcpdump -w /dev/null, netsniff-ng --out /dev/null, npflua run (1 and 2 workers) without a script and
#            with examples/ssh-version.lua (npflua with its default JIT warm-up; --ab-warmup adds the two script
#            runs with --warmup 0). Each run sends --frames twice: a "cold" phase from the ready line on (the
#            figure as first defined: CPU seconds, utime+stime of the capturing process from /proc, from "listening"
#            to "traffic done" plus 1 s, per million frames sent) and, after a pause, a "steady" phase (CPU between
#            two /proc samples of the warm process). Frames captured and kernel drops per phase (npflua: its control
#            socket; tcpdump: SIGUSR1; netsniff-ng: totals at exit only), and per-thread CPU of each phase grouped as
#            worker / jit (C1, C2) / gc_vm / other, and how long the capturing threads waited for a CPU while
#            runnable (schedstat: other load on the machine shows up there, and explains drops).
#   inline   iperf3 TCP (-t 5) from namespace A to namespace B through namespace BR, which forwards with a Linux
#            bridge, with npflua run --bridge, or with npflua run --bridge -s examples/ssh-version.lua (--ab-warmup:
#            also with --warmup 0). Offloads stay at the kernel's defaults on every interface (TSO/GSO on: the
#            hosts send 64 KiB super-frames, as since issue 15; npflua forwards them whole with vnet headers);
#            --inline-offloads off turns TSO, GSO, GRO and TX checksumming off on all four veth ends first, as
#            every run before issue 15 did (then every frame is MTU-sized).
#   --flows  adds the flow-tracking contenders: capture without a script with --no-flows (flows are tracked by
#            default: the pair gives the cost of tracking), and inline with the seed SSH script and
#            --inspect-bytes 4096 (npflua+ssh-inspect), and with examples/ssh-version-flow.lua and --inspect-bytes 4096
#            (npflua+sshflow-inspect).
#   --flows-only  the capture section runs only the pair that --flows adds (npflua, 1 worker, no script, flows on
#            and --no-flows), alternating per round: more rounds of the tracking cost in the same time. With
#            E2E_NPFLUA_B=/path/to/other/npflua (another checkout's launcher) the same pair of that build runs too
#            (tool "npflua-b"), interleaved, for a before/after in one run (without --flows-only: that build with 1
#            worker without and with the SSH script, after this build's runs of each round); the inline section
#            then also runs that build's bridge without and with the SSH script (paths "npflua-b", "npflua-b+ssh")
#            after each of this build's.
#   offline  npflua replay --warmup 200000 --repeat N --json -s examples/ssh-version.lua FILE.pcap (its ns_per_frame,
#            wall clock after the JIT warm-up, and the JVM's CPU seconds per frame, start-up and warm-up included),
#            the same with --warmup 0, vs
#            lua5.4 tools/reference/run.lua examples/ssh-version.lua FILE.pcap N, over a pcap of 3,000 frames
#            (the three payloads of the JMH SSH benchmark, 1,000 each) written by this script.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
OUT="$ROOT/tools/bench/results"
NPFLUA="$ROOT/npflua"
SSH_SCRIPT="${E2E_SCRIPT:-$ROOT/examples/ssh-version.lua}" # E2E_SCRIPT: another script for the capture and inline runs
ROUNDS=3
FRAMES=5000000
REPEAT=500
REPLAY_WARMUP=200000
SECTIONS="capture,inline,offline"
AB_WARMUP=0
FLOWS=0
FLOWS_ONLY=0
NPFLUA_B="${E2E_NPFLUA_B:-}"
INLINE_OFFLOADS=default

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --frames) FRAMES="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --sections) SECTIONS="$2"; shift 2 ;;
    --ab-warmup) AB_WARMUP=1; shift ;;
    --flows) FLOWS=1; shift ;;
    --flows-only) FLOWS=1; FLOWS_ONLY=1; shift ;;
    --inline-offloads) INLINE_OFFLOADS="$2"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "e2e: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ $EUID -ne 0 ]]; then
  echo "e2e: needs root (network namespaces, veth, AF_PACKET); run: sudo $0" >&2
  exit 3
fi
for tool in ip ethtool trafgen netsniff-ng tcpdump iperf3 lua5.4 taskset; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing (Debian: iproute2 ethtool netsniff-ng tcpdump" \
    "iperf3 lua5.4 util-linux)" >&2; exit 1; }
done
has() { [[ ",$SECTIONS," == *",$1,"* ]]; }

# Names unique to this run (interface names stay within 15 characters).
ID="nb$(printf '%04x' $((RANDOM)))"
NS_TX="${ID}tx" NS_RX="${ID}rx" NS_A="${ID}a" NS_B="${ID}b" NS_BR="${ID}br"
TMP="$(mktemp -d /tmp/npflua-e2e.XXXXXX)"
ROWS="$TMP/rows.jsonl"
: > "$ROWS"
PIDS=()

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for ns in "$NS_TX" "$NS_RX" "$NS_A" "$NS_B" "$NS_BR"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

HZ="$(getconf CLK_TCK)"
cpu_ticks() { # utime + stime of process $1 (all its threads), in clock ticks
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
row() { echo "$1" >> "$ROWS"; }

# (never background in_ns: the pid would be a subshell's; background "ip netns exec" itself, which execs)
in_ns() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

quiet_ns() { # a namespace with lo up and no IPv6 chatter (router solicitations would add frames)
  ip netns add "$1"
  in_ns "$1" ip link set lo up
  in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

offloads_off() { in_ns "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null 2>&1 || true; }

# Waits until the capturer $1 (a pid) prints its ready line or dies; returns 1 when it died.
wait_ready() {
  local pid="$1" log="$2" pattern="$3" i
  for i in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || return 1
    grep -q -- "$pattern" "$log" 2>/dev/null && { sleep 0.5; return 0; }
    sleep 0.1
  done
  return 1
}

stop() { # SIGINT (tcpdump, netsniff-ng) or SIGTERM (npflua) then wait
  kill "-$2" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------------------------
# capture
# ---------------------------------------------------------------------------------------------------------------
capture_lab() {
  quiet_ns "$NS_TX"; quiet_ns "$NS_RX"
  ip link add "${ID}t" netns "$NS_TX" address 02:00:00:00:01:01 type veth \
     peer name "${ID}r" netns "$NS_RX" address 02:00:00:00:01:02
  in_ns "$NS_TX" ip link set "${ID}t" up
  in_ns "$NS_RX" ip link set "${ID}r" up promisc on
  offloads_off "$NS_TX" "${ID}t"; offloads_off "$NS_RX" "${ID}r"
  # TCP 198.18.0.1:39936..40191 (256 flows, so that fanout hash spreads them) -> 198.18.0.2:22 carrying a
  # banner the SSH filter parses (and passes), addressed to a MAC
  # nobody owns: the receiving stack drops it as PACKET_OTHERHOST after the taps, so no reply traffic.
  cat > "$TMP/ssh.trafgen" <<'CFG'
{
  0x02, 0x00, 0x00, 0x00, 0x01, 0x99,  0x02, 0x00, 0x00, 0x00, 0x01, 0x01,  c16(0x0800),
  0x45, 0x00, c16(80), c16(1), 0x40, 0x00, 64, 6, csumip(14, 33),
  198, 18, 0, 1,  198, 18, 0, 2,
  0x9c, dinc(0, 255), c16(22), c32(1), c32(0), 0x50, 0x18, c16(65535), c16(0), c16(0),
  "SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13", 0x0d, 0x0a
}
CFG
}

# Per-thread CPU ticks of process $1 and the ns its threads waited for a CPU while runnable (schedstat field 2),
# one "comm<TAB>ticks<TAB>wait_ns" line per thread (comm may contain spaces).
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" \
      "$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$t/stat" 2>/dev/null)" \
      "$(awk '{ print $2 }' "$t/schedstat" 2>/dev/null)"
  done
}

send_frames() { # trafgen at the sending core's top rate; prints the send rate in frames/s
  local t0 t1
  t0="$(date +%s.%N)"
  in_ns "$NS_TX" taskset -c 0 trafgen --dev "${ID}t" --conf "$TMP/ssh.trafgen" -n "$FRAMES" -P 1 --no-sock-mem --notouch-irq -C \
      >"$TMP/trafgen.log" 2>&1 || { echo "e2e: trafgen failed:" >&2; tail -5 "$TMP/trafgen.log" >&2; return 1; }
  t1="$(date +%s.%N)"
  /usr/bin/python3 -c "print($FRAMES / ($t1 - $t0))"
}

# npflua's counters through its control socket (newline-delimited JSON, docs/control-protocol.md), as
# "frames kernel_drops"; cheap (no JVM) so that the capturing process is not disturbed.
npflua_counts() {
  /usr/bin/python3 - "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b'{"cmd":"stats"}\n')
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
d = json.loads(buf)
d = d.get("stats", d)
print(d["frames"], d["kernel_drops"])
PY
}

# One capture measurement: $1 tool, $2 workers, $3 script ("" for none), $4 round, $5 npflua --warmup frames.
# Two phases of --frames each, at the sender's top rate:
#   cold    from "listening" on: the figure as the issue defines it (start-up after the ready line, JIT included);
#   steady  after the cold phase and a pause, the same traffic again: CPU between two /proc samples of a warm process.
# Frames and drops are split by phase where the tool can say so mid-run (npflua: control socket; tcpdump: SIGUSR1);
# netsniff-ng only reports totals at exit (its cold/steady split is null).
capture_once() {
  local tool="$1" workers="$2" script="$3" round="$4" warmup="${5:-}" flows="${6:-on}" log="$TMP/cap.log" out="$TMP/cap.out"
  local pid ready sig ctl="$TMP/ctl.sock" json s0 s1 s2 s3 pps_cold pps_steady mid=""
  : > "$log"; : > "$out"; rm -f "$ctl"
  case "$tool" in
    tcpdump)
      ip netns exec "$NS_RX" tcpdump -n -i "${ID}r" -w /dev/null >"$out" 2>"$log" & pid=$!
      ready="listening on"; sig=INT ;;
    netsniff-ng)
      # netsniff-ng prints its banner and "Running!" once the ring is set up.
      ip netns exec "$NS_RX" netsniff-ng --in "${ID}r" --out /dev/null --silent >"$log" 2>&1 & pid=$!
      ready="Running"; sig=INT ;;
    npflua|npflua-b)
      local bin="$NPFLUA"
      [[ "$tool" == npflua-b ]] && bin="$NPFLUA_B"
      # --duration only bounds a run that SIGTERM failed to stop (not -c: its shared count would be measured too)
      local args=(run -i "${ID}r" --json --control "$ctl" --workers "$workers" --duration 900)
      [[ -n "$script" ]] && args+=(-s "$script")
      [[ -n "$warmup" ]] && args+=(--warmup "$warmup")
      [[ "$flows" == off ]] && args+=(--no-flows)
      ip netns exec "$NS_RX" "$bin" "${args[@]}" >"$out" 2>"$log" & pid=$!
      ready="listening on"; sig=TERM ;;
  esac
  PIDS+=("$pid")
  local name="$tool" sname=""
  [[ -n "$script" ]] && sname="$(basename "$script")"
  local sjson=null
  [[ -n "$sname" ]] && sjson="\"$sname\""
  local base="\"section\":\"capture\",\"tool\":\"$name\",\"workers\":$workers,\"script\":$sjson,\"warmup\":${warmup:-null},\"flows\":\"$flows\",\"round\":$round"
  if ! wait_ready "$pid" "$log" "$ready"; then
    stop "$pid" KILL
    local why; why="$(grep -v '^WARNING' "$log" | tail -1 | tr -d '"\\' )"
    row "{$base,\"error\":\"did not start: ${why:-no output}\"}"
    echo "e2e: capture $name: did not start: ${why:-no output}" >&2
    return 0
  fi
  thread_ticks "$pid" > "$TMP/t0"
  pps_cold="$(send_frames)" || { stop "$pid" KILL; exit 1; }
  sleep 1
  thread_ticks "$pid" > "$TMP/t1"
  case "$tool" in
    npflua|npflua-b) mid="$(npflua_counts "$ctl" 2>/dev/null || true)" ;;
    tcpdump) kill -USR1 "$pid" 2>/dev/null || true ;;
  esac
  sleep 0.5
  thread_ticks "$pid" > "$TMP/t2"
  pps_steady="$(send_frames)" || { stop "$pid" KILL; exit 1; }
  sleep 1
  thread_ticks "$pid" > "$TMP/t3"
  stop "$pid" "$sig"
  local captured drops
  case "$tool" in
    tcpdump)
      # SIGUSR1 line: "tcpdump: N packets captured, M packets received by filter, D packets dropped by kernel"
      mid="$(sed -n 's/^tcpdump: [0-9]* packets\? captured, \([0-9]*\) packets\? received by filter, \([0-9]*\) packets\? dropped by kernel.*/\1 \2/p' "$log" | head -1 | awk '{ print $1 - $2, $2 }')"
      captured="$(sed -n 's/^\([0-9]*\) packets\? captured.*/\1/p' "$log" | tail -1)"
      drops="$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel.*/\1/p' "$log" | tail -1)" ;;
    netsniff-ng)
      # exit report: "N packets incoming (M unread on exit)", "N packets passed filter",
      # "N packets failed filter (out of space)"
      captured="$(tr '\r' '\n' < "$log" | sed -n 's/^ *\([0-9]*\) *packets passed filter.*/\1/p' | tail -1)"
      drops="$(tr '\r' '\n' < "$log" | sed -n 's/^ *\([0-9]*\) *packets failed filter.*/\1/p' | tail -1)" ;;
    npflua|npflua-b)
      json="$(grep '^{' "$out" | tail -1)"
      captured="$(printf '%s' "$json" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["frames"])' 2>/dev/null || true)"
      drops="$(printf '%s' "$json" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["kernel_drops"])' 2>/dev/null || true)" ;;
  esac
  if [[ -z "$captured" ]]; then
    row "{$base,\"error\":\"no counters in its output\"}"
    echo "e2e: capture $name: no counters in its output ($log)" >&2
    return 0
  fi
  /usr/bin/python3 - "$base" "$FRAMES" "$captured" "${drops:-0}" "$mid" "$HZ" "$pps_cold" "$pps_steady" \
      "$TMP/t0" "$TMP/t1" "$TMP/t2" "$TMP/t3" >> "$ROWS" <<'PY'
import json, sys
base, sent, captured, drops, mid, hz, pps_cold, pps_steady = sys.argv[1:9]
t0, t1, t2, t3 = sys.argv[9:13]
sent, captured, drops, hz = int(sent), int(captured), int(drops), int(hz)

def ticks(path, field=1):
    out = {}
    for line in open(path):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3 and parts[field]:
            out[parts[0]] = out.get(parts[0], 0) + int(parts[field])
    return out

def waited(a, b):
    # seconds the capturing threads (npflua: its workers; others: all threads) spent runnable but not running
    workers = [c for c in b if c.startswith("npflua-worker")]
    keys = workers or list(b)
    return round(sum(b.get(c, 0) - a.get(c, 0) for c in keys) / 1e9, 3)

def kind(comm):
    if comm.startswith("npflua-worker"):
        return "worker"
    if comm.startswith(("C1 ", "C2 ")):
        return "jit"
    if comm.startswith(("GC ", "G1 ")) or comm in ("VM Thread", "VM Periodic Tas"):
        return "gc_vm"
    return "other"

def split(a, b):
    # threads that started or ended between the samples count from/to zero
    res = {}
    for comm in set(a) | set(b):
        d = b.get(comm, 0) - a.get(comm, 0)
        if d > 0:
            res[kind(comm)] = round(res.get(kind(comm), 0) + d / hz, 3)
    return res

a0, a1, a2, a3 = (ticks(p) for p in (t0, t1, t2, t3))
w0, w1, w2, w3 = (ticks(p, 2) for p in (t0, t1, t2, t3))
cpu_cold = (sum(a1.values()) - sum(a0.values())) / hz
cpu_steady = (sum(a3.values()) - sum(a2.values())) / hz
row = json.loads("{" + base + "}")
cold_captured = cold_drops = steady_captured = steady_drops = None
if mid.strip():
    c, d = (int(x) for x in mid.split())
    cold_captured, cold_drops = c, d
    steady_captured, steady_drops = captured - c, drops - d
row.update({
    # cold phase: the figure as defined so far (from the ready line, start-up and JIT included)
    "sent": sent, "captured": cold_captured, "drops": cold_drops,
    "captured_ratio": None if cold_captured is None else cold_captured / sent,
    "cpu_s": cpu_cold, "cpu_s_per_mframe": cpu_cold / (sent / 1e6), "send_pps": float(pps_cold),
    "cpu_threads": split(a0, a1), "runq_wait_s": waited(w0, w1),
    # steady phase: the same traffic again, CPU between two samples of the warm process
    "captured_steady": steady_captured, "drops_steady": steady_drops,
    "cpu_s_steady": cpu_steady, "cpu_s_per_mframe_steady": cpu_steady / (sent / 1e6),
    "send_pps_steady": float(pps_steady), "cpu_threads_steady": split(a2, a3),
    "runq_wait_s_steady": waited(w2, w3),
    # both phases, from the tool's exit report
    "sent_total": 2 * sent, "captured_total": captured, "drops_total": drops,
})
print(json.dumps(row))
PY
  tail -1 "$ROWS" >&2
}

run_capture() {
  capture_lab
  local r
  for r in $(seq 1 "$ROUNDS"); do
    if [[ $FLOWS_ONLY -eq 1 ]]; then
      capture_once npflua 1 "" "$r"
      capture_once npflua 1 "" "$r" "" off
      if [[ -n "$NPFLUA_B" ]]; then
        capture_once npflua-b 1 "" "$r"
        capture_once npflua-b 1 "" "$r" "" off
      fi
      continue
    fi
    capture_once tcpdump 1 "" "$r"
    capture_once npflua 1 "" "$r"
    capture_once netsniff-ng 1 "" "$r"
    capture_once npflua 2 "" "$r"
    capture_once npflua 1 "$SSH_SCRIPT" "$r"
    capture_once npflua 2 "$SSH_SCRIPT" "$r"
    if [[ -n "$NPFLUA_B" ]]; then
      capture_once npflua-b 1 "" "$r"
      capture_once npflua-b 1 "$SSH_SCRIPT" "$r"
    fi
    if [[ $FLOWS -eq 1 ]]; then
      capture_once npflua 1 "" "$r" "" off
    fi
    if [[ $AB_WARMUP -eq 1 ]]; then
      # the same runs without the JIT warm-up (npflua run --warmup 0), for the A/B of that feature
      capture_once npflua 1 "$SSH_SCRIPT" "$r" 0
      capture_once npflua 2 "$SSH_SCRIPT" "$r" 0
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
# inline
# ---------------------------------------------------------------------------------------------------------------
inline_lab() {
  quiet_ns "$NS_A"; quiet_ns "$NS_B"; quiet_ns "$NS_BR"
  ip link add "${ID}a0" netns "$NS_A" address 02:00:00:00:02:01 type veth \
     peer name "${ID}a1" netns "$NS_BR" address 02:00:00:00:02:11
  ip link add "${ID}b0" netns "$NS_B" address 02:00:00:00:02:02 type veth \
     peer name "${ID}b1" netns "$NS_BR" address 02:00:00:00:02:12
  in_ns "$NS_A" ip addr add 198.18.1.1/24 dev "${ID}a0"
  in_ns "$NS_B" ip addr add 198.18.1.2/24 dev "${ID}b0"
  local i
  for i in a0 b0; do
    local ns="$NS_A"; [[ $i == b0 ]] && ns="$NS_B"
    in_ns "$ns" ip link set "${ID}$i" up
    [[ "$INLINE_OFFLOADS" == off ]] && offloads_off "$ns" "${ID}$i"
  done
  for i in a1 b1; do
    in_ns "$NS_BR" ip link set "${ID}$i" up promisc on
    [[ "$INLINE_OFFLOADS" == off ]] && offloads_off "$NS_BR" "${ID}$i"
  done
  return 0
}

# One inline measurement: $1 path (kernel-bridge | npflua | npflua+ssh), $2 round.
inline_once() {
  local path="$1" round="$2" pid="" log="$TMP/br.log" srv json
  : > "$log"
  case "$path" in
    kernel-bridge)
      in_ns "$NS_BR" ip link add "${ID}br" type bridge
      in_ns "$NS_BR" ip link set "${ID}a1" master "${ID}br"
      in_ns "$NS_BR" ip link set "${ID}b1" master "${ID}br"
      in_ns "$NS_BR" ip link set "${ID}br" up ;;
    npflua|npflua+ssh|npflua+ssh-nowarmup|npflua+ssh-inspect|npflua+sshflow-inspect|npflua-b|npflua-b+ssh)
      local args=(run --bridge "${ID}a1,${ID}b1" --no-control) bin="$NPFLUA"
      [[ "$path" == npflua-b* ]] && bin="$NPFLUA_B"
      [[ "$path" == npflua+ssh || "$path" == npflua+ssh-* || "$path" == npflua-b+ssh ]] && args+=(-s "$SSH_SCRIPT")
      [[ "$path" == npflua+sshflow* ]] && args+=(-s "$ROOT/examples/ssh-version-flow.lua")
      [[ "$path" == *-inspect ]] && args+=(--inspect-bytes 4096)
      [[ "$path" == *-nowarmup ]] && args+=(--warmup 0)
      ip netns exec "$NS_BR" "$bin" "${args[@]}" >/dev/null 2>"$log" & pid=$!
      PIDS+=("$pid")
      if ! wait_ready "$pid" "$log" "listening on\|bridging"; then
        stop "$pid" KILL
        local why; why="$(grep -v '^WARNING' "$log" | tail -1 | tr -d '"\\')"
        row "{\"section\":\"inline\",\"path\":\"$path\",\"round\":$round,\"error\":\"did not start: ${why:-no output}\"}"
        echo "e2e: inline $path: did not start: ${why:-no output}" >&2
        return 0
      fi ;;
  esac
  # Learning/ARP settle, then a bounded run; the server serves one client and exits.
  ip netns exec "$NS_B" timeout 30 iperf3 -s -1 -B 198.18.1.2 >/dev/null 2>&1 & srv=$!
  PIDS+=("$srv")
  sleep 0.5
  in_ns "$NS_A" ping -c 1 -W 2 198.18.1.2 >/dev/null 2>&1 || true
  local c0=0 c1=0
  [[ -n "$pid" ]] && c0="$(cpu_ticks "$pid" 2>/dev/null || echo 0)"
  json="$(in_ns "$NS_A" timeout 30 iperf3 -c 198.18.1.2 -t 5 -J 2>/dev/null || true)"
  [[ -n "$pid" ]] && c1="$(cpu_ticks "$pid" 2>/dev/null || echo 0)"
  wait "$srv" 2>/dev/null || true
  if [[ -n "$pid" ]]; then stop "$pid" TERM; fi
  if [[ "$path" == kernel-bridge ]]; then in_ns "$NS_BR" ip link del "${ID}br"; fi
  /usr/bin/python3 - "$path" "$round" "$c0" "$c1" "$HZ" >> "$ROWS" <<PY || row "{\"section\":\"inline\",\"path\":\"$path\",\"round\":$round,\"error\":\"iperf3 gave no result\"}"
import json, sys
r = json.loads('''$json''')
mbps = r["end"]["sum_received"]["bits_per_second"] / 1e6
# CPU seconds of the bridging process during the iperf3 run (null for the kernel bridge: softirq, no process)
cpu = (int(sys.argv[4]) - int(sys.argv[3])) / int(sys.argv[5]) if sys.argv[1] != "kernel-bridge" else None
print(json.dumps({"section": "inline", "path": sys.argv[1], "round": int(sys.argv[2]), "mbps": mbps,
                  "retransmits": r["end"]["sum_sent"].get("retransmits"), "bridge_cpu_s": cpu,
                  "offloads": "$INLINE_OFFLOADS"}))
PY
  tail -1 "$ROWS" >&2
}

run_inline() {
  inline_lab
  local r
  for r in $(seq 1 "$ROUNDS"); do
    inline_once kernel-bridge "$r"
    inline_once npflua "$r"
    if [[ -n "$NPFLUA_B" ]]; then inline_once npflua-b "$r"; fi
    inline_once npflua+ssh "$r"
    if [[ -n "$NPFLUA_B" ]]; then inline_once npflua-b+ssh "$r"; fi
    if [[ $AB_WARMUP -eq 1 ]]; then inline_once npflua+ssh-nowarmup "$r"; fi
    if [[ $FLOWS -eq 1 ]]; then
      inline_once npflua+ssh-inspect "$r"
      inline_once npflua+sshflow-inspect "$r"
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
# offline
# ---------------------------------------------------------------------------------------------------------------
write_pcap() { # the three payloads of the JMH SSH benchmark, 1,000 frames each, interleaved
  /usr/bin/python3 - "$1" <<'PY'
import struct, sys
payloads = [b"SSH-2.0-OpenSSH_6.4\r\n", b"SSH-2.0-OpenSSH_9.6p1 Debian-3ubuntu13\r\n",
            (b"GET /index.html HTTP/1.1\r\n" * 60)[:1400]]
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(3000):
        p = payloads[i % 3]
        tcp = struct.pack("!HHIIBBHHH", 40000 + i % 500, 22, 1, 0, 0x50, 0x18, 65535, 0, 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(p), i & 0xffff, 0x4000, 64, 6, 0,
                         bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frame = bytes.fromhex("020000000102020000000101") + b"\x08\x00" + ip + tcp + p
        f.write(struct.pack("<IIII", 1700000000 + i // 1000, i % 1000 * 1000, len(frame), len(frame)))
        f.write(frame)
PY
}

run_offline() {
  local pcap="$TMP/ssh-mix.pcap" r out ns tool warm
  write_pcap "$pcap"
  for r in $(seq 1 "$ROUNDS"); do
    # "npflua replay" warms the JIT up first (--warmup, as `run` does by default; its wall-clock figure starts after
    # the warm-up); "npflua replay --warmup 0" times the cold JVM. Both report CPU seconds of the whole JVM too
    # (start-up, warm-up, JIT and GC threads included): lua5.4's figure is CPU time, and on a loaded machine wall
    # time also counts the waits for a core.
    for warm in "$REPLAY_WARMUP" 0; do
      tool="npflua replay"
      [[ "$warm" == 0 ]] && tool="npflua replay --warmup 0"
      cpu="$(/usr/bin/python3 - "$TMP/replay.out" "$TMP/replay.err" "$NPFLUA" replay --warmup "$warm" \
          --repeat "$REPEAT" --json -s "$SSH_SCRIPT" "$pcap" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[3:], stdout=open(sys.argv[1], "w"), stderr=open(sys.argv[2], "w"))
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime)
PY
)"
      ns="$(grep '^{' "$TMP/replay.out" | tail -1 | /usr/bin/python3 -c \
        'import json,sys; d=json.load(sys.stdin); print(d.get("ns_per_frame") or d["elapsed_ns"] / d["frames"])' \
        2>/dev/null || true)"
      if [[ -n "$ns" ]]; then
        row "{\"section\":\"offline\",\"tool\":\"$tool\",\"round\":$r,\"repeat\":$REPEAT,\"warmup\":$warm,\"frames\":3000,\"ns_per_frame\":$ns,\"cpu_ns_per_frame\":$(/usr/bin/python3 -c "print(round($cpu * 1e9 / (3000 * $REPEAT)))")}"
      else
        row "{\"section\":\"offline\",\"tool\":\"$tool\",\"round\":$r,\"error\":\"$(tail -1 "$TMP/replay.err" | tr -d '"\\')\"}"
      fi
      tail -1 "$ROWS" >&2
    done
    (cd "$ROOT" && lua5.4 tools/reference/run.lua "$SSH_SCRIPT" "$pcap" "$REPEAT" >/dev/null 2>"$TMP/lua.err") || true
    ns="$(sed -n 's/.*, \([0-9.]*\) ns\/frame.*/\1/p' "$TMP/lua.err" | tail -1)"
    if [[ -n "$ns" ]]; then
      row "{\"section\":\"offline\",\"tool\":\"lua5.4\",\"round\":$r,\"repeat\":$REPEAT,\"frames\":3000,\"ns_per_frame\":$ns,\"cpu_ns_per_frame\":$ns}"
    else
      row "{\"section\":\"offline\",\"tool\":\"lua5.4\",\"round\":$r,\"error\":\"$(tail -1 "$TMP/lua.err" | tr -d '"\\')\"}"
    fi
    tail -1 "$ROWS" >&2
  done
}

# ---------------------------------------------------------------------------------------------------------------
STAMP="$(date -u +%Y%m%d-%H%M)"
STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# Build the jar before anything is timed (./npflua builds on first use).
"$NPFLUA" --version >/dev/null
echo "e2e: lab $ID, $ROUNDS rounds, $FRAMES frames per capture phase (cold, then steady), sections $SECTIONS" >&2
has capture && run_capture
has inline && run_inline
has offline && run_offline

mkdir -p "$OUT"
RESULT="$OUT/e2e-$STAMP.json"
/usr/bin/python3 - "$ROWS" "$RESULT" <<PY
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out = {"meta": {"started": "$STARTED", "finished": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
                "load_before": "$LOAD_BEFORE", "load_after": "$(cut -d' ' -f1-3 /proc/loadavg)",
                "nproc": $(nproc), "cpu_model": "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)",
                "kernel": "$(uname -r)", "rounds": $ROUNDS, "frames_per_capture_run": $FRAMES,
                "capture_phases": "cold (from the ready line) then steady (warm process), frames_per_capture_run each",
                "replay_repeat": $REPEAT, "trafgen": "$(trafgen -v 2>&1 | head -1)",
                "tcpdump": "$(tcpdump --version 2>&1 | head -1)", "iperf3": "$(iperf3 --version 2>&1 | head -1)",
                "commit": "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+changes')",
                "commit_b": "$([[ -n "$NPFLUA_B" ]] && git -C "$(dirname "$(readlink -f "$NPFLUA_B")")" rev-parse --short HEAD 2>/dev/null)",
                "command": "tools/bench/e2e.sh --rounds $ROUNDS --frames $FRAMES --repeat $REPEAT --sections $SECTIONS$([[ $AB_WARMUP -eq 1 ]] && echo ' --ab-warmup')$([[ $FLOWS_ONLY -eq 1 ]] && echo ' --flows-only' || { [[ $FLOWS -eq 1 ]] && echo ' --flows'; })$([[ -n "$NPFLUA_B" ]] && echo " (E2E_NPFLUA_B=$NPFLUA_B)") --inline-offloads $INLINE_OFFLOADS"}}
for sec in ("capture", "inline", "offline"):
    out[sec] = [r for r in rows if r["section"] == sec]
json.dump(out, open(sys.argv[2], "w"), indent=1)
PY
echo "e2e: results in $RESULT" >&2
