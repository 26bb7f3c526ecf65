#!/bin/sh
# Regenerates the VM corpus's golden outputs (run from anywhere; needs lua5.2 and lua5.4 on PATH).
#   big.lua        <- gen-big.lua (generated cases)
#   X.out          <- lua5.2 run-cases.lua X.lua   (every corpus file but semantics.lua)
#   semantics.out  <- lua5.4 run-cases.lua semantics.lua   (the answers the project follows)
#   lua54.txt      <- the cases of the lua5.2-golden files whose lua5.4 output differs (for information only;
#                     many differences are Lua 5.4 printing integral floats as 3.0, or lacking bit32)
set -eu
cd "$(dirname "$0")"
lua5.2 gen-big.lua > big.lua
: > lua54.txt
for f in *.lua; do
  case "$f" in run-cases.lua|gen-big.lua|diff-outputs.lua) continue ;; esac
  base=${f%.lua}
  if [ "$base" = semantics ]; then
    lua5.4 run-cases.lua "$f" > "$base.out"
  else
    lua5.2 run-cases.lua "$f" > "$base.out"
    lua5.4 run-cases.lua "$f" > "/tmp/vm-corpus-$base.54" 2>&1 || true
    lua5.4 diff-outputs.lua "$base.out" "/tmp/vm-corpus-$base.54" >> lua54.txt
    rm -f "/tmp/vm-corpus-$base.54"
  fi
done
