#!/usr/bin/env bash
# Bad input to `ethc import` / `ethc export` (issue 5): a truncated file, a corrupted
# block, a genesis with an unknown fork and a missing data directory each get a clear
# error, and leave the database as it was; the import then completes from there.
# usage: import_errors.sh ETHC CHAIN_DIR   (the rpc-compat chain: genesis.json, chain.rlp)
set -u
ETHC=$1
CHAIN=$2
WORK=$(mktemp -d "$PWD/ethc-errors-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
fail() { echo "FAIL: $*"; echo "$passed passed, 1 failed"; exit 1; }
ok() { passed=$((passed + 1)); }
head_of() { "$ETHC" import --datadir "$1" /dev/null 2>/dev/null | sed -n 's/.*head #\([0-9]*\).*/\1/p'; }

G="$CHAIN/genesis.json"
size=$(stat -c %s "$CHAIN/chain.rlp")

# 1. A truncated file: the complete blocks before the cut are imported, the rest is
#    reported as malformed, and a rerun with the whole file completes.
head -c $((size / 2)) "$CHAIN/chain.rlp" >"$WORK/truncated.rlp"
out=$("$ETHC" import --fakepow --datadir "$WORK/db" --genesis "$G" "$WORK/truncated.rlp" 2>&1) && fail "truncated file accepted"
case "$out" in *"malformed RLP"*) ok ;; *) fail "no clear error for a truncated file: $out" ;; esac
h1=$(head_of "$WORK/db")
[ -n "$h1" ] && [ "$h1" -gt 0 ] || fail "nothing imported before the cut (head '$h1')"
ok
"$ETHC" import --fakepow --datadir "$WORK/db" --genesis "$G" "$CHAIN/chain.rlp" >/dev/null 2>&1 || fail "rerun after truncation failed"
[ "$(head_of "$WORK/db")" = 54 ] || fail "rerun did not reach block 54"
ok

# 2. A corrupted block (one byte flipped in the middle of the file): rejected with
#    its number and reason; the head stays at the block before it.
python3 - "$CHAIN/chain.rlp" "$WORK/corrupt.rlp" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
data[len(data) // 2] ^= 0xff
open(sys.argv[2], 'wb').write(data)
PY
out=$("$ETHC" import --fakepow --datadir "$WORK/db2" --genesis "$G" "$WORK/corrupt.rlp" 2>&1) && fail "corrupted file accepted"
case "$out" in *"invalid block #"*|*"malformed RLP"*) ok ;; *) fail "no clear error for a corrupted block: $out" ;; esac
h2=$(head_of "$WORK/db2")
[ -n "$h2" ] && [ "$h2" -lt 54 ] || fail "corrupted import reached head '$h2'"
ok

# 3. A genesis naming an unknown fork: refused before anything is written.
python3 - "$G" "$WORK/badgenesis.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
g['config']['futureForkTime'] = 1000
json.dump(g, open(sys.argv[2], 'w'))
PY
out=$("$ETHC" import --datadir "$WORK/db3" --genesis "$WORK/badgenesis.json" "$CHAIN/chain.rlp" 2>&1) && fail "unknown fork accepted"
case "$out" in *"futureForkTime: unknown fork"*) ok ;; *) fail "no clear error for an unknown fork: $out" ;; esac
[ ! -e "$WORK/db3" ] || fail "a data directory was created for a bad genesis"
ok

# 4. A missing data directory: export and import without --genesis say so and create nothing.
out=$("$ETHC" export --datadir "$WORK/missing" "$WORK/x.rlp" 2>&1) && fail "export from a missing datadir succeeded"
case "$out" in *"no chain database"*) ok ;; *) fail "no clear error for a missing datadir: $out" ;; esac
[ ! -e "$WORK/missing" ] || fail "export created the missing data directory"
ok

# 5. The damaged runs left the first database untouched: it still exports the whole chain.
"$ETHC" export --datadir "$WORK/db" "$WORK/all.rlp" >/dev/null 2>&1 || fail "export after the error runs failed"
cmp -s "$WORK/all.rlp" "$CHAIN/chain.rlp" || fail "exported chain differs from the imported one"
ok
echo "$passed passed, 0 failed"
