# Sourced by run-jmh.sh and profile-jmh.sh: finds a JDK 25 (like ./npflua does) and builds the benchmarks jar when it
# is missing or older than the sources. Sets ROOT, JAR, OUT, JDK, JAVA.
NEED=25
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
JAR="$ROOT/tools/target/npflua-benchmarks.jar"
OUT="$ROOT/tools/bench/results"

java_major() { # the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -1
}

find_jdk() {
  local cand=() c v
  [[ -n "${JAVA_HOME:-}" ]] && cand+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    c="$(readlink -f "$(command -v java)")"; cand+=("${c%/bin/java}")
  fi
  for c in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [[ -d "$c" ]] && cand+=("$c")
  done
  for c in "${cand[@]}"; do
    [[ -x "$c/bin/java" && -x "$c/bin/javac" ]] || continue
    v="$(java_major "$c/bin/java")"
    if [[ -n "$v" && "$v" -ge "$NEED" ]]; then echo "$c"; return 0; fi
  done
  return 1
}

if ! JDK="$(find_jdk)"; then
  echo "${0##*/}: needs a JDK $NEED or newer; looked at JAVA_HOME (${JAVA_HOME:-unset}), java on PATH and" \
       "/usr/lib/jvm/*. Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$JDK"
JAVA="$JDK/bin/java"

stale() {
  [[ ! -f "$JAR" ]] && return 0
  [[ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -newer "$JAR" -print -quit 2>/dev/null)" ]]
}
if stale; then
  echo "${0##*/}: building $JAR with $JDK..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package -pl tools -am) >&2
fi

