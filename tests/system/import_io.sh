#!/usr/bin/env bash
# Block files in and out of ethc (issue 10): gzip export and import (told by the
# magic bytes, from a file or stdin, several gzip members), plain stdin, geth's
# positional export range, the import's progress line, and Ctrl-C: SIGINT (or
# SIGTERM) stops an import between blocks, even while it waits on a pipe, with
# "stopped at #N" and exit status 130 (143), and a rerun resumes to the head.
# usage: import_io.sh ETHC CHAIN_DIR   (the ethtest chain: genesis.json, chain.rlp, headblock.json)
set -u
ETHC=$1
CHAIN=$2
WORK=$(mktemp -d "$PWD/ethc-import-io-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {
  local what=$1
  shift
  if "$@"; then ok; else bad "$what"; fi
}

G="$CHAIN/genesis.json"
C="$CHAIN/chain.rlp"
want=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['hash'])" "$CHAIN/headblock.json")
want_number=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['number'],16))" "$CHAIN/headblock.json")
size=$(stat -c %s "$C")
# has_head FILE: FILE (an import's stdout) names the chain's head block
has_head() { grep -q "head #$want_number $want" "$1"; }

"$ETHC" import --datadir "$WORK/db" --genesis "$G" "$C" >"$WORK/out" 2>"$WORK/err"
check "the reference import failed: $(cat "$WORK/err")" has_head "$WORK/out"
check "a quick import printed progress lines: $(cat "$WORK/err")" [ ! -s "$WORK/err" ]

# ---- gzip export, import into a fresh database ----
"$ETHC" export --datadir "$WORK/db" "$WORK/chain.rlp.gz" 2>"$WORK/err"
rc=$?
check "export to .gz failed: $(cat "$WORK/err")" [ $rc = 0 ]
check "the .gz export is not gzip of the chain" cmp -s <(gzip -dc "$WORK/chain.rlp.gz") "$C"
"$ETHC" import --datadir "$WORK/db-gz" --genesis "$G" "$WORK/chain.rlp.gz" >"$WORK/out" 2>"$WORK/err"
check "import of the .gz export: $(cat "$WORK/err")" has_head "$WORK/out"
# gzip is told by its first bytes, not by the name
cp "$WORK/chain.rlp.gz" "$WORK/chain.bin"
"$ETHC" import --datadir "$WORK/db-bin" --genesis "$G" "$WORK/chain.bin" >"$WORK/out" 2>"$WORK/err"
check "import of gzip data named .bin: $(cat "$WORK/err")" has_head "$WORK/out"
# several gzip members one after another (gzip -c a >f; gzip -c b >>f)
{ head -c 100000 "$C" | gzip -c; tail -c +100001 "$C" | gzip -c; } >"$WORK/two.gz"
"$ETHC" import --datadir "$WORK/db-two" --genesis "$G" "$WORK/two.gz" >"$WORK/out" 2>"$WORK/err"
check "import of two gzip members: $(cat "$WORK/err")" has_head "$WORK/out"
# truncated gzip data: the blocks before the cut are kept, the end is an error
head -c 100000 "$WORK/chain.rlp.gz" >"$WORK/cut.gz"
"$ETHC" import --datadir "$WORK/db-cut" --genesis "$G" "$WORK/cut.gz" >"$WORK/out" 2>"$WORK/err"
rc=$?
check "import of truncated gzip data: exit $rc, expected 1" [ $rc = 1 ]
check "truncated gzip data: no clear message: $(cat "$WORK/err")" grep -q "cut.gz: gzip data: unexpected end of file" "$WORK/err"

# ---- stdin, plain and gzip ----
cat "$C" | "$ETHC" import --datadir "$WORK/db-stdin" --genesis "$G" - >"$WORK/out" 2>"$WORK/err"
check "cat chain.rlp | ethc import -: $(cat "$WORK/err")" has_head "$WORK/out"
gzip -c "$C" | "$ETHC" import --datadir "$WORK/db-stdin-gz" --genesis "$G" - >"$WORK/out" 2>"$WORK/err"
check "gzip -c chain.rlp | ethc import -: $(cat "$WORK/err")" has_head "$WORK/out"

# ---- geth's positional range ----
"$ETHC" export --datadir "$WORK/db" "$WORK/opt.rlp" --first 3 --last 7 2>/dev/null
"$ETHC" export --datadir "$WORK/db" "$WORK/pos.rlp" 3 7 2>"$WORK/err"
rc=$?
check "export FILE 3 7: $(cat "$WORK/err")" [ $rc = 0 ]
check "export FILE 3 7 differs from --first 3 --last 7" cmp -s "$WORK/opt.rlp" "$WORK/pos.rlp"
check "export FILE 3 7 wrote nothing" [ -s "$WORK/pos.rlp" ]
"$ETHC" export --datadir "$WORK/db" "$WORK/pos.rlp" 598 2>/dev/null
"$ETHC" export --datadir "$WORK/db" "$WORK/opt.rlp" --first 598 2>/dev/null
check "export FILE 598 differs from --first 598" cmp -s "$WORK/opt.rlp" "$WORK/pos.rlp"
"$ETHC" export --datadir "$WORK/db" "$WORK/both.rlp" 3 --last 7 2>"$WORK/err"
rc=$?
check "a range given twice: exit $rc, expected 2" [ $rc = 2 ]
check "a range given twice: no clear message: $(cat "$WORK/err")" grep -q "the block range is given twice" "$WORK/err"
check "a range given twice created the file" [ ! -e "$WORK/both.rlp" ]
"$ETHC" export --datadir "$WORK/db" "$WORK/x.rlp" 3 x 2>"$WORK/err"
rc=$?
check "a bad LAST: exit $rc, expected 2" [ $rc = 2 ]
check "a bad LAST: no clear message: $(cat "$WORK/err")" grep -q "LAST: expected a whole number, got 'x'" "$WORK/err"

# ---- progress: a line after 5 s, even from a pipe (no share of the file then) ----
half=$((size / 2))
{ head -c "$half" "$C"; sleep 6; tail -c +$((half + 1)) "$C"; } |
  "$ETHC" import --datadir "$WORK/db-slow" --genesis "$G" - >"$WORK/out" 2>"$WORK/err"
check "the slow import: $(cat "$WORK/err")" has_head "$WORK/out"
check "no progress line after a 6 s pause: $(cat "$WORK/err")" \
  grep -qE "^ethc import: block #[0-9]+, [0-9]+ imported, [0-9]+ txs, [0-9.]+ Mgas/s$" "$WORK/err"

# in_range N: 0 < N < the head's number
in_range() { [ -n "$1" ] && [ "$1" -gt 0 ] && [ "$1" -lt "$want_number" ]; }

# ---- Ctrl-C: stop while the import waits on its pipe, then resume ----
# stop_test SIGNAL STATUS: feeds part of the chain, pauses, sends SIGNAL to ethc while
# it waits for more, and expects exit STATUS, the message, and a resumable database.
stop_test() {
  local sig=$1 status=$2 db="$WORK/db-$1"
  { head -c "$half" "$C"; sleep 6; tail -c +$((half + 1)) "$C"; } |
    "$ETHC" import --datadir "$db" --genesis "$G" - >"$WORK/out" 2>"$WORK/err" &
  local pid=$! # the last command of the pipeline: ethc itself
  sleep 2
  kill -s "$sig" "$pid"
  wait "$pid"
  local rc=$?
  check "$sig: exit $rc, expected $status ($(cat "$WORK/err"))" [ "$rc" = "$status" ]
  check "$sig: no 'stopped at #N; run again to resume': $(cat "$WORK/err")" \
    grep -qE "stopped at #[0-9]+; run again to resume" "$WORK/err"
  local at
  at=$(sed -n 's/.*stopped at #\([0-9]*\);.*/\1/p' "$WORK/err")
  check "$sig: stopped at #$at, expected a block before the head" in_range "$at"
  check "$sig: the summary's head is not #$at: $(cat "$WORK/out")" grep -q "head #$at " "$WORK/out"
  "$ETHC" import --datadir "$db" "$C" >"$WORK/out" 2>"$WORK/err"
  check "$sig: the rerun did not resume to the head: $(cat "$WORK/out" "$WORK/err")" has_head "$WORK/out"
  check "$sig: the rerun imported the first blocks again" grep -q "($at already known)" "$WORK/out"
}
stop_test INT 130
stop_test TERM 143

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
