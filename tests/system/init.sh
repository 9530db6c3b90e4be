#!/usr/bin/env bash
# `ethc init` (issue 11): writes the genesis block and its state into a new data
# directory (parents created); import and export then need no --genesis; init again
# with the same genesis changes nothing, another genesis is refused (exit 1) and the
# directory keeps its chain.
# usage: init.sh ETHC SHARED_DIR
set -u
ETHC=$1
SHARED=$2
WORK=$(mktemp -d "$PWD/ethc-init-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
# check MESSAGE CONDITION: the condition reads rc, the status saved after each command
check() { if eval "$2"; then passed=$((passed + 1)); else echo "FAIL: $1"; failed=$((failed + 1)); fi; }
G=$SHARED/rpc-compat/genesis.json
DB=$WORK/a/b/db

"$ETHC" init --datadir "$DB" "$G" >"$WORK/out" 2>&1
rc=$?
check "init creates DIR with its parents: $(cat "$WORK/out")" '[ $rc = 0 ] && [ -d "$DB" ] && grep -q "head #0 0x" "$WORK/out"'
genesis_hash=$(sed -n 's/.*head #0 \(0x[0-9a-f]*\).*/\1/p' "$WORK/out")
"$ETHC" init --datadir="$DB" "$G" >"$WORK/again" 2>&1
rc=$?
check "init again with the same genesis is a no-op" '[ $rc = 0 ] && cmp -s "$WORK/out" "$WORK/again"'
"$ETHC" init --datadir "$DB" "$SHARED/chains/ethtest/genesis.json" >"$WORK/other" 2>&1
rc=$?
check "another genesis is refused naming both hashes: $(cat "$WORK/other")" '[ $rc = 1 ] && grep -q "$genesis_hash" "$WORK/other"'
"$ETHC" import --fakepow --datadir "$DB" "$SHARED/rpc-compat/chain.rlp" >"$WORK/import" 2>&1
rc=$?
check "import without --genesis after init: $(tail -n 2 "$WORK/import")" '[ $rc = 0 ] && grep -q "imported 54 blocks" "$WORK/import"'
"$ETHC" export --datadir "$DB" "$WORK/all.rlp" >/dev/null 2>&1
rc=$?
check "the chain exports as imported" 'cmp -s "$WORK/all.rlp" "$SHARED/rpc-compat/chain.rlp"'
"$ETHC" init --datadir "$WORK/x" >/dev/null 2>"$WORK/err"
rc=$?
check "no genesis is a usage error" '[ $rc = 2 ] && grep -q "no GENESIS.json" "$WORK/err"'
"$ETHC" init --datadir "$WORK/y" "$WORK/missing.json" >/dev/null 2>"$WORK/err"
rc=$?
check "a missing genesis file fails and creates nothing: $(cat "$WORK/err")" '[ $rc != 0 ] && [ ! -e "$WORK/y" ]'
echo '{"config": {"chainId": 1}, "alloc": {' >"$WORK/bad.json"
"$ETHC" init --datadir "$WORK/z" "$WORK/bad.json" >/dev/null 2>"$WORK/err"
rc=$?
check "a malformed genesis names file, line and column: $(cat "$WORK/err")" '[ $rc != 0 ] && grep -q "bad.json:[0-9]*:[0-9]*" "$WORK/err" && [ ! -e "$WORK/z" ]'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
