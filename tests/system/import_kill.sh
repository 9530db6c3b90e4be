#!/usr/bin/env bash
# Crash safety of `ethc import` (issue 5): import a long chain, SIGKILL the import
# at a random moment several times, check after each kill that the database opens
# and its head is a fully imported block (its state loads; `ethc export` of the
# canonical chain re-imports cleanly elsewhere), then let the import finish and
# compare the head with the chain's known head.
# usage: import_kill.sh ETHC CHAIN_DIR   (CHAIN_DIR has genesis.json, chain.rlp, headblock.json)
set -u
ETHC=$1
CHAIN=$2
WORK=$(mktemp -d /tmp/ethc-kill-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

want=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['hash'])" "$CHAIN/headblock.json")
want_number=$(python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['number'],16))" "$CHAIN/headblock.json")

# The import resumes from the database after each kill, so successive kills land
# further into the chain (the whole import takes about half a second here).
kills=0
for delay in 0.05 0.1 0.1 0.15 0.15 0.2 0.3; do
  "$ETHC" import --datadir "$WORK/db" --genesis "$CHAIN/genesis.json" "$CHAIN/chain.rlp" >"$WORK/out" 2>&1 &
  pid=$!
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null
  # The database must open, its head must be a complete block whose state loads,
  # and the canonical chain up to it must export and re-import elsewhere.
  rm -f "$WORK/part.rlp"
  if ! "$ETHC" export --datadir "$WORK/db" "$WORK/part.rlp" >"$WORK/export.out" 2>&1; then
    # killed before the genesis was written: no database yet, or one created but
    # without its genesis batch, is consistent too
    grep -qE "no chain database|holds no chain yet" "$WORK/export.out" && [ "$kills" -le 1 ] && continue
    fail "after kill $kills: export failed: $(cat "$WORK/export.out")"
  fi
  rm -rf "$WORK/check"
  "$ETHC" import --datadir "$WORK/check" --genesis "$CHAIN/genesis.json" "$WORK/part.rlp" >"$WORK/check.out" 2>&1 ||
    fail "after kill $kills: the exported canonical chain does not re-import: $(cat "$WORK/check.out")"
  echo "after kill $kills (at ${delay}s): $(tail -n 1 "$WORK/check.out")"
done

"$ETHC" import --datadir "$WORK/db" --genesis "$CHAIN/genesis.json" "$CHAIN/chain.rlp" >"$WORK/out" 2>&1 ||
  fail "final import failed: $(cat "$WORK/out")"
last=$(tail -n 1 "$WORK/out")
echo "final: $last"
case "$last" in
  *"head #$want_number $want"*) ;;
  *) fail "head differs: expected #$want_number $want" ;;
esac
[ "$kills" -ge 3 ] || fail "only $kills kills landed during the import: the chain is too short for this test"
echo "1 passed, 0 failed"
