#!/usr/bin/env bash
# Cost of opening a chain database with a large head state (issue 11).
# usage: bench/open_bench.sh ETHC N [K]
#   ETHC  the ethc binary (e.g. build/ethc)
#   N     accounts in the generated genesis (bench/gen_genesis.py; K storage slots,
#         default 4, on every 1000th account)
# Generates the genesis into a temporary directory (removed on exit), then times
#   ethc init   --datadir D genesis.json   (builds and stores the genesis state)
#   ethc export --datadir D out.rlp        (opens the database, which loads the head
#                                           state; the chain is only block 0, so
#                                           nothing is written)
# with /usr/bin/time (wall seconds, max RSS) and prints one table row per step.
#
# "Before" figures of issue 11 (Release build, gcc, 2 shared cores, 24 GB, K=4,
# 2026-12-03, commit f6a3527; two runs each, within about 5% of each other):
#   N          genesis.json  database  init               export (open)
#   10,000       0.8 MB        3 MB     0.24 s    31 MB    0.13 s    27 MB
#   100,000      8.4 MB       29 MB     1.6 s    265 MB    1.9 s    217 MB
#   1,000,000   83.5 MB      278 MB    27 s     2249 MB   19-20 s  1764 MB
# (gen_genesis.py itself: 1.7 s and 18 MB for 1,000,000 accounts.)
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 ETHC N [K]" >&2
  exit 2
fi
ETHC=$(realpath "$1")
N=$2
K=${3:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/ethc-open-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

# step NAME CMD...: run CMD under /usr/bin/time, print a row, exit on failure
step() {
  local name=$1
  shift
  if ! /usr/bin/time -o "$T/time" -f '%e s %M KB' "$@" >"$T/out" 2>&1; then
    echo "$name failed:" >&2
    cat "$T/out" "$T/time" >&2
    exit 1
  fi
  local s kb
  read -r s _ kb _ <"$T/time"
  printf '%-8s %10s s %10.1f MB\n' "$name" "$s" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
}

printf 'N = %s accounts, K = %s storage slots per 1000th account\n' "$N" "$K"
printf '%-8s %12s %13s\n' step wall 'max RSS'
step gen python3 "$HERE/gen_genesis.py" "$N" "$T/genesis.json" --storage "$K"
step init "$ETHC" init --datadir "$T/db" "$T/genesis.json"
step export "$ETHC" export --datadir "$T/db" "$T/out.rlp"
printf 'genesis.json %.1f MB, database %s MB\n' \
  "$(awk -v b="$(stat -c %s "$T/genesis.json")" 'BEGIN { print b / 1048576 }')" "$(du -sm "$T/db" | cut -f1)"
