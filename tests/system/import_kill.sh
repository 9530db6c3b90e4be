#!/usr/bin/env bash
# Crash safety of `ethc import` (issues 5 and 10): SIGKILL the import at random
# moments and check, after every kill, the strict property: the data directory
# holds either no database (export says exactly "no chain database in DIR") or a
# usable one (it opens, its head is a fully imported block whose state loads, and
# `ethc export` of its canonical chain re-imports cleanly elsewhere); and a rerun
# goes on from there.
#   1. creation: CREATION_KILLS imports into a new directory (every other one an
#      existing empty directory, as mkdir leaves it), each killed at a random
#      0-90 ms, when LevelDB and the genesis are being written;
#   2. resumption: one directory, killed at growing delays, the import resuming
#      each time; then the import finishes and its head is the chain's head.
# usage: import_kill.sh ETHC CHAIN_DIR [CREATION_KILLS]
#   (CHAIN_DIR has genesis.json, chain.rlp, headblock.json; CREATION_KILLS: 10)
set -u
ETHC=$1
CHAIN=$2
CREATION_KILLS=${3:-10}
G=$CHAIN/genesis.json
WORK=$(mktemp -d "$PWD/ethc-kill-XXXXXX")
pid=
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

want=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['hash'])" "$CHAIN/headblock.json")
want_number=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['number'],16))" "$CHAIN/headblock.json")

# import_killed DB DELAY: starts an import into DB and SIGKILLs it after DELAY
# seconds; 0 when the kill landed (the import was still running).
import_killed() {
  "$ETHC" import --datadir "$1" --genesis "$G" "$CHAIN/chain.rlp" >"$WORK/out" 2>&1 &
  pid=$!
  sleep "$2"
  local landed=1
  kill -KILL "$pid" 2>/dev/null && landed=0
  wait "$pid" 2>/dev/null
  pid=
  return $landed
}

# check DB WHAT: the strict property. Prints "usable" or "none".
check() {
  rm -f "$WORK/part.rlp"
  if "$ETHC" export --datadir "$1" "$WORK/part.rlp" >"$WORK/export.out" 2>&1; then
    rm -rf "$WORK/check"
    "$ETHC" import --datadir "$WORK/check" --genesis "$G" "$WORK/part.rlp" >"$WORK/check.out" 2>&1 ||
      fail "$2: the exported canonical chain does not re-import: $(cat "$WORK/check.out")"
    echo usable
  elif [ "$(cat "$WORK/export.out")" = "ethc export: no chain database in $1" ]; then
    echo none
  else
    fail "$2: neither no database nor a usable one: $(cat "$WORK/export.out")"
  fi
}

# 1. kills during creation
none=0 usable=0
for i in $(seq 1 "$CREATION_KILLS"); do
  db=$WORK/new$i/db
  [ $((i % 2)) = 0 ] && mkdir -p "$db"
  ms=$((RANDOM % 91))
  import_killed "$db" "$(printf '0.%03d' "$ms")" || continue
  r=$(check "$db" "creation kill $i at $ms ms") || { echo "$r"; exit 1; }
  case "$r" in none) none=$((none + 1)) ;; *) usable=$((usable + 1)) ;; esac
  # a rerun creates the database (or opens it) whatever the kill left
  "$ETHC" import --datadir "$db" --genesis "$G" /dev/null >"$WORK/rerun.out" 2>&1 ||
    fail "creation kill $i at $ms ms ($r): the rerun failed: $(cat "$WORK/rerun.out")"
  [ "$(check "$db" "rerun after creation kill $i")" = usable ] || fail "rerun after creation kill $i: no database"
  [ ! -e "$db/.ethc-new" ] || fail "rerun after creation kill $i left $db/.ethc-new"
  rm -rf "$WORK/new$i"
done
echo "creation kills: $none left no database, $usable a usable one"

# 2. kills while importing; the import resumes from the database after each kill,
# so successive kills land further into the chain (the whole import takes about
# half a second here)
kills=0
for delay in 0.05 0.1 0.1 0.15 0.15 0.2 0.3; do
  import_killed "$WORK/db" "$delay" && kills=$((kills + 1))
  r=$(check "$WORK/db" "kill $kills") || { echo "$r"; exit 1; }
  [ "$r" = usable ] && echo "after kill $kills (at ${delay}s): $(tail -n 1 "$WORK/check.out")"
done

"$ETHC" import --datadir "$WORK/db" --genesis "$G" "$CHAIN/chain.rlp" >"$WORK/out" 2>&1 ||
  fail "final import failed: $(cat "$WORK/out")"
last=$(tail -n 1 "$WORK/out")
echo "final: $last"
case "$last" in
  *"head #$want_number $want"*) ;;
  *) fail "head differs: expected #$want_number $want" ;;
esac
[ "$kills" -ge 3 ] || fail "only $kills kills landed during the import: the chain is too short for this test"
echo "1 passed, 0 failed"
