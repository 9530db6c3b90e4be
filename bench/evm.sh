#!/usr/bin/env bash
# EVM speed against evmone's baseline interpreter (issue 3): builds ethc with gcc and
# with clang, then times the benchmarks of ../shared/benchmarks/evm that the issue
# names (median per execution, `ethc bench evm` / `ethc run --bench`), one JSON line
# per benchmark and compiler. usage: bench/evm.sh [SECONDS_PER_BENCHMARK]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-1}
B=../shared/benchmarks/evm
for cc in gcc clang; do
  cmake -S . -B "build-bench-$cc" -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=$cc -DETHC_VECTORS=OFF >/dev/null
  cmake --build "build-bench-$cc" -j"$(nproc)" --target ethc >/dev/null
  E="build-bench-$cc/ethc"
  echo "== $cc"
  # snailtracer at Istanbul gas, the rules of the README's 234.9M-gas figure
  "$E" bench evm --json --time "$SECS" --fork Istanbul "$B/main/snailtracer.json"
  for f in blake2b_huff sha1_divs weierstrudel structarray_alloc swap_math; do
    "$E" bench evm --json --time "$SECS" "$B/main/$f.json"
  done
  for l in loopA loopB; do
    printf '{"name": "%s", ' "$l"
    "$E" run --codefile "$B/loops/$l.hex" --bench | sed -n 's/.*median \([0-9.]*\) us.*/"median_us": \1}/p'
  done
done
