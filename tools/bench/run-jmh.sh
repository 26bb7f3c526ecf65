#!/usr/bin/env bash
# Runs the whole JMH suite (or the benchmarks matching REGEX) with settings that fit a 2-core machine in under
# 15 minutes, writes JSON results and prints a summary table.
#   tools/bench/run-jmh.sh [REGEX] [extra JMH options...]
# Output: tools/bench/results/jmh-<UTC date-time>.json (JMH's own JSON) and .meta.json next to it (machine, JDK,
# load average before and after, the exact command). Regenerate docs/benchmarks.md with tools/bench/report.py.
# Prerequisites: a JDK 25 (found like ./npflua finds it), Maven (only to build the jar when it is missing or stale),
# /usr/bin/python3 for the summary.
set -euo pipefail

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/jmh-jdk.sh"

REGEX="${1:-io.npflua.tools.bench}"
[[ $# -gt 0 ]] && shift
mkdir -p "$OUT"
STAMP="$(date -u +%Y%m%d-%H%M)"
RESULT="$OUT/jmh-$STAMP.json"
META="$OUT/jmh-$STAMP.meta.json"
LOG="$OUT/jmh-$STAMP.log"

# -f 1 -wi 3 -w 1 -i 3 -r 1: about 8 s per benchmark and parameter set (7 s measured + fork start-up), ~70 sets.
# Each of these defaults is left out when the extra options give it (JMH refuses an option given twice), e.g.
# tools/bench/run-jmh.sh REGEX -wi 5 -i 40 -r 100ms for the minima docs/benchmarks.md quotes.
# -jvm: the forks must run the same JDK 25 as this launcher, whatever java is first on PATH.
DEFAULTS=()
for opt in "-f 1" "-wi 3" "-w 1" "-i 3" "-r 1"; do
  given=0
  for a in "$@"; do [[ "$a" == "${opt%% *}" ]] && given=1; done
  ((given)) || DEFAULTS+=(${opt})
done
CMD=("$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" "$REGEX"
     "${DEFAULTS[@]}" -prof gc
     -jvm "$JAVA" -jvmArgsAppend --enable-native-access=ALL-UNNAMED
     -rf json -rff "$RESULT" "$@")

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
STARTED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "run-jmh: ${CMD[*]}" >&2
echo "run-jmh: load average before: $LOAD_BEFORE (numbers under load are indicative)" >&2
"${CMD[@]}" | tee "$LOG" | grep --line-buffered -E '^# Run progress|^Benchmark|^[A-Z][A-Za-z0-9]*\.[A-Za-z0-9]+' >&2 || true
[[ -s "$RESULT" ]] || { echo "run-jmh: JMH wrote no results; see $LOG" >&2; exit 1; }
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

JDK_VERSION="$("$JAVA" -version 2>&1 | head -1)"
MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
/usr/bin/python3 - "$META" <<PY
import json, sys
json.dump({"started": "$STARTED", "finished": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
           "load_before": "$LOAD_BEFORE", "load_after": "$LOAD_AFTER",
           "nproc": $(nproc), "cpu_model": """$MODEL""", "kernel": "$(uname -r)",
           "jdk": """$JDK_VERSION""", "command": """${CMD[*]}""".replace("$ROOT/", "")},
          open(sys.argv[1], "w"), indent=1)
PY
# The same SSH filter under the stock interpreters, for the per-payload comparison (docs/img/ssh-filter-cost.png).
LUA_RESULT="$OUT/lua-$STAMP.json"
{
  echo "{"
  sep=""
  for interp in lua5.4 luajit; do
    if command -v "$interp" >/dev/null 2>&1; then
      printf '%s"%s": ' "$sep" "$interp"
      (cd "$ROOT" && "$interp" tools/bench/lua/ssh_bench.lua "${LUA_ITERATIONS:-1000000}")
      sep=","
    else
      echo "run-jmh: $interp not found (Debian package lua5.4 / luajit); skipped" >&2
    fi
  done
  echo "}"
} > "$LUA_RESULT"

echo "run-jmh: results in $RESULT (log $LOG); load average after: $LOAD_AFTER" >&2
/usr/bin/python3 "$ROOT/tools/bench/report.py" summary "$RESULT"
