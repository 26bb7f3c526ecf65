#!/usr/bin/env bash
# Profiles JMH benchmarks with async-profiler (CPU samples, inlined frames included) and prints where the time goes:
# the flat top of the profile and the time per call path below the Lua interpreter (LuaClosure.execute), which is
# how the hot spots of the seed scripts were found (docs/benchmarks.md, "Profiles").
#   tools/bench/profile-jmh.sh REGEX [extra JMH options, e.g. -p payload=banner]
# async-profiler comes from Maven Central (tools.profiler:async-profiler, linux-x64 build), fetched into ~/.m2 by
# Maven on first use and unpacked under tools/target/async-profiler. Output: the collapsed stacks under
# tools/target/profiles/<benchmark>/ and a summary on stdout. Needs perf events (root, or kernel.perf_event_paranoid
# <= 1); without them async-profiler falls back to a timer (itimer) and says so.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/jmh-jdk.sh"

AP_VERSION=4.2
AP_DIR="$ROOT/tools/target/async-profiler"
AP_LIB="$AP_DIR/linux-x64/libasyncProfiler.so"
if [[ ! -f "$AP_LIB" ]]; then
  AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION-linux-x64.jar"
  [[ -f "$AP_JAR" ]] || mvn -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION:jar:linux-x64" >&2
  mkdir -p "$AP_DIR"
  (cd "$AP_DIR" && "$JDK/bin/jar" xf "$AP_JAR" linux-x64/libasyncProfiler.so)
fi

REGEX="${1:?usage: tools/bench/profile-jmh.sh REGEX [JMH options]}"
shift
DIR="$ROOT/tools/target/profiles"
rm -rf "$DIR"
"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" "$REGEX" -f 1 -wi 3 -w 1 -i 3 -r 2 \
  -jvm "$JAVA" -jvmArgsAppend --enable-native-access=ALL-UNNAMED \
  -prof "async:libPath=$AP_LIB;output=collapsed;dir=$DIR" "$@" | grep -E '^Benchmark|avgt' >&2

for f in $(find "$DIR" -name 'collapsed-cpu.csv' | sort); do
  echo "== ${f#"$DIR"/}"
  /usr/bin/python3 - "$f" <<'PY'
import collections, sys
below, flat, total = collections.Counter(), collections.Counter(), 0
for line in open(sys.argv[1]):
    stack, n = line.rsplit(" ", 1)
    n = int(n)
    total += n
    frames = [f.split("/")[-1] for f in stack.split(";")]
    flat[frames[-1]] += n
    lua = [i for i, f in enumerate(frames) if f.startswith("LuaClosure.execute")]
    if lua:
        below[";".join(frames[lua[-1] + 1:lua[-1] + 4]) or "(the interpreter loop itself)"] += n
    else:
        below["(outside the interpreter) " + ";".join(frames[-3:])] += n
print("top frames (self time):")
for k, v in flat.most_common(15):
    print(f"  {100 * v / total:5.1f}%  {k}")
print("by call path below LuaClosure.execute (3 frames):")
for k, v in below.most_common(20):
    print(f"  {100 * v / total:5.1f}%  {k}")
PY
done
