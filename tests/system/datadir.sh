#!/usr/bin/env bash
# The data directory (issue 10): created with its parents; locked against a second
# process with a clear message; opened read-only by export (which works on a
# directory nobody may write and writes nothing there); a genesis compared by its
# block hash; clear messages for a malformed genesis, an unknown parent, a zero
# seal without --fakepow and undecodable input.
# usage: datadir.sh ETHC SHARED_DIR   (SHARED_DIR has rpc-compat/ and chains/ethtest/)
set -u
ETHC=$1
SHARED=$2
R=$SHARED/rpc-compat
G=$R/genesis.json
C=$R/chain.rlp
W=$(mktemp -d "$PWD/ethc-datadir-XXXXXX")
export TMPDIR=$W/tmp # where export's snapshots go: checked below
mkdir -p "$TMPDIR"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  command -v chattr >/dev/null 2>&1 && chattr -R -i "$W" 2>/dev/null
  chmod -R u+w "$W" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT
passed=0
failed=0
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
ok() { passed=$((passed + 1)); }

# run STATUS PATTERN ARGS...: ethc ARGS exits STATUS and its stderr contains PATTERN.
run() {
  local want=$1 pat=$2
  shift 2
  timeout 60 "$ETHC" "$@" </dev/null >"$W/out" 2>"$W/err"
  local rc=$?
  if [ "$rc" != "$want" ]; then bad "ethc $*: exit $rc, expected $want: $(head -n 2 "$W/err")"; return 1; fi
  if [ -n "$pat" ] && ! grep -qF -- "$pat" "$W/err"; then bad "ethc $*: stderr does not say '$pat': $(head -n 2 "$W/err")"; return 1; fi
  ok
}
# a listing of a directory with sizes, modes, times and checksums of its files
fingerprint() {
  (cd "$1" && find . -printf '%p %y %s %m %T@ %n\n' | sort && find . -type f -exec md5sum {} + | sort)
}
genesis_hash() { "$ETHC" import --datadir "$W/gh" --genesis "$1" /dev/null 2>/dev/null | sed -n 's/.* head #0 \(0x[0-9a-f]*\)$/\1/p'; rm -rf "$W/gh"; }

# ---- 2. a new database's directory is made with its parents ----
DB=$W/a/b/c/db
run 0 "" import --fakepow --datadir "$DB" --genesis "$G" "$C"
[ -f "$DB/CURRENT" ] && [ -f "$DB/ethc.lock" ] && [ ! -e "$DB/.ethc-new" ] && ok || bad "mkdir -p: $(ls -A "$DB" 2>&1)"
# a failed creation takes back the directories it made
printf '{"config": {"chainId": "x"}}' >"$W/badcfg.json"
run 1 "config.chainId" import --datadir "$W/x/y/db" --genesis "$W/badcfg.json" "$C"
[ ! -e "$W/x" ] && ok || bad "a failed creation left $W/x behind"
# an existing empty directory (as mkdir leaves it) becomes the database
mkdir "$W/empty-db"
run 0 "" import --fakepow --datadir "$W/empty-db" --genesis "$G" /dev/null
[ -f "$W/empty-db/CURRENT" ] && ok || bad "no database created in an existing empty directory"

# ---- 3. the lock ----
# a real import that holds the database: it reads its blocks from a FIFO nobody writes
mkfifo "$W/fifo"
"$ETHC" import --datadir "$DB" - <"$W/fifo" >/dev/null 2>&1 &
holder=$!
pids+=("$holder")
exec 3>"$W/fifo" # opens the FIFO: the import starts, and waits for blocks
for _ in $(seq 100); do [ "$(cat "$DB/ethc.lock" 2>/dev/null)" = "$holder" ] && break; sleep 0.1; done
[ "$(cat "$DB/ethc.lock" 2>/dev/null)" = "$holder" ] && ok || bad "the import did not write its pid in $DB/ethc.lock"
run 1 "ethc export: $DB is in use by another ethc process (pid $holder)" export --datadir "$DB" "$W/x.rlp"
[ ! -e "$W/x.rlp" ] && ok || bad "a refused export created its output file"
run 1 "ethc import: $DB is in use by another ethc process (pid $holder)" import --datadir "$DB" "$C"
[ "$(wc -l <"$W/err")" = 1 ] && ok || bad "more than the one line: $(cat "$W/err")"
kill "$holder"
exec 3>&-
wait "$holder" 2>/dev/null
run 0 "" export --datadir "$DB" "$W/x.rlp"
# readers share the lock: an export runs beside another reader; a writer does not
python3 - "$DB/ethc.lock" "$W/held" <<'PY' &
import fcntl, os, sys, time
f = open(sys.argv[1], 'rb')
fcntl.lockf(f, fcntl.LOCK_SH)
open(sys.argv[2], 'w').write(str(os.getpid()))
time.sleep(60)
PY
reader=$!
pids+=("$reader")
for _ in $(seq 100); do [ -s "$W/held" ] && break; sleep 0.1; done
run 0 "" export --datadir "$DB" "$W/x.rlp"
run 1 "$DB is in use by another ethc process (pid $reader)" import --datadir "$DB" "$C"
kill "$reader"
wait "$reader" 2>/dev/null

# ---- 4. export opens the database read-only ----
before=$(fingerprint "$DB")
run 0 "" export --datadir "$DB" "$W/all.rlp"
cmp -s "$W/all.rlp" "$C" && ok || bad "export differs from the imported chain"
[ "$before" = "$(fingerprint "$DB")" ] && ok || bad "export changed $DB: $(diff <(echo "$before") <(fingerprint "$DB"))"
[ -z "$(ls -A "$TMPDIR")" ] && ok || bad "export left its snapshot: $(ls -A "$TMPDIR")"
# a snapshot left by a killed export is removed by the next one
mkdir "$TMPDIR/ethc-snapshot-999999999-abcdef" && touch "$TMPDIR/ethc-snapshot-999999999-abcdef/CURRENT"
run 0 "" export --datadir "$DB" "$W/x.rlp"
[ -z "$(ls -A "$TMPDIR")" ] && ok || bad "a stale snapshot was not removed: $(ls -A "$TMPDIR")"
# a directory nobody may write: read-only file system (a bind mount in a user and
# mount namespace) if possible, else immutable files (root) or no write permission
cp -r "$DB" "$W/rodb"
before=$(fingerprint "$W/rodb")
if [ "$(id -u)" != 0 ]; then
  chmod -R a-w "$W/rodb"
  run 0 "" export --datadir "$W/rodb" "$W/ro.rlp" && cmp -s "$W/ro.rlp" "$C" && ok || bad "export from a read-only directory"
  chmod -R u+w "$W/rodb"
elif unshare -rm true 2>/dev/null; then
  unshare -rm bash -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && ! touch "$1/x" 2>/dev/null &&
    "$2" export --datadir "$1" "$3" && ! "$2" import --datadir "$1" "$4" 2>"$5"' _ \
    "$W/rodb" "$ETHC" "$W/ro.rlp" "$C" "$W/ro.err" >/dev/null 2>&1 && cmp -s "$W/ro.rlp" "$C" && ok ||
    bad "export from a read-only bind mount failed (or import into it succeeded)"
  grep -qF "cannot write in $W/rodb: Read-only file system" "$W/ro.err" && ok || bad "import into a read-only mount: $(cat "$W/ro.err")"
elif command -v chattr >/dev/null 2>&1 && chattr -R +i "$W/rodb" 2>/dev/null; then
  run 0 "" export --datadir "$W/rodb" "$W/ro.rlp" && cmp -s "$W/ro.rlp" "$C" && ok || bad "export from an immutable directory"
  chattr -R -i "$W/rodb"
else
  echo "(read-only directory case skipped: cannot make a directory read-only here)"
fi
[ "$before" = "$(fingerprint "$W/rodb")" ] && ok || bad "export changed the read-only database"
# export creates nothing: a directory without a database stays as it was
mkdir "$W/nodb"
run 1 "no chain database in $W/nodb" export --datadir "$W/nodb" "$W/x.rlp"
[ -z "$(ls -A "$W/nodb")" ] && ok || bad "export wrote into $W/nodb"

# ---- 5. the genesis is compared by its block hash ----
python3 - "$G" "$W/reformatted.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
json.dump(dict(reversed(list(g.items()))), open(sys.argv[2], 'w'), indent=7)
PY
cmp -s "$G" "$W/reformatted.json" && bad "the reformatted genesis is the same file"
run 0 "" import --datadir "$DB" --genesis "$W/reformatted.json" "$C"
E=$SHARED/chains/ethtest/genesis.json
have=$(genesis_hash "$G")
other=$(genesis_hash "$E")
[ -n "$have" ] && [ -n "$other" ] && [ "$have" != "$other" ] && ok || bad "genesis hashes '$have' '$other'"
run 1 "$DB holds the chain of genesis block $have, not $E's genesis block $other" import --datadir "$DB" --genesis "$E" "$C"
# the same genesis block with another fork schedule is refused too
python3 - "$G" "$W/otherconfig.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
g['config']['chainId'] = 4242
json.dump(g, open(sys.argv[2], 'w'))
PY
run 1 "a different chain configuration" import --datadir "$DB" --genesis "$W/otherconfig.json" "$C"

# ---- 6. messages ----
printf '{\n  "config": {},\n  "alloc": {\n    "0x01": {"balance": 1,}\n  }\n}\n' >"$W/malformed.json"
run 1 "genesis $W/malformed.json:4:" import --datadir "$W/db-m" --genesis "$W/malformed.json" "$C"
grep -qE "malformed.json:4:[0-9]+: malformed JSON" "$W/err" && ok || bad "no line and column: $(cat "$W/err")"
[ ! -e "$W/db-m" ] && ok || bad "a malformed genesis created $W/db-m"
run 1 "block #1's parent 0x" import --datadir "$DB" "$SHARED/chains/ethtest/chain.rlp"
grep -qF "is not in $DB: wrong --datadir or --genesis?" "$W/err" && ok || bad "unknown parent: $(cat "$W/err")"
run 1 "invalid proof of work" import --datadir "$W/db-pow" --genesis "$G" "$C"
grep -qF "try --fakepow" "$W/err" && ok || bad "no --fakepow hint for a zero seal: $(cat "$W/err")"
# a non-zero seal that is wrong gets no such hint
python3 - "$C" "$W/badseal.rlp" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
# the first block: its header's 15th field is the nonce (zero here): make it non-zero
i = 0
def item(i):
    b = data[i]
    if b < 0x80: return i, i + 1, i + 1
    if b < 0xb8: return i, i + 1, i + 1 + b - 0x80
    if b < 0xc0: n = b - 0xb7; l = int.from_bytes(data[i+1:i+1+n], 'big'); return i, i + 1 + n, i + 1 + n + l
    if b < 0xf8: return i, i + 1, i + 1 + b - 0xc0
    n = b - 0xf7; l = int.from_bytes(data[i+1:i+1+n], 'big'); return i, i + 1 + n, i + 1 + n + l
_, blk_payload, blk_end = item(0)
_, hdr_payload, hdr_end = item(blk_payload)
p = hdr_payload
for _ in range(15):
    _, _, p = item(p)
data[p - 1] ^= 1
open(sys.argv[2], 'wb').write(data[:blk_end])
PY
run 1 "invalid proof of work" import --datadir "$W/db-seal" --genesis "$G" "$W/badseal.rlp"
grep -qF "fakepow" "$W/err" && bad "a --fakepow hint for a non-zero seal: $(cat "$W/err")" || ok
# undecodable input: where it is (file and byte offset), no made-up block number
first=$(python3 -c "
import sys; d=open(sys.argv[1],'rb').read(); n=d[0]-0xf7; print(1+n+int.from_bytes(d[1:1+n],'big'))" "$C")
{ head -c "$first" "$C"; printf '\xc2\x01\x02'; } >"$W/junk.rlp"
run 1 "$W/junk.rlp: undecodable block at byte offset $first" import --fakepow --datadir "$W/db-junk" --genesis "$G" "$W/junk.rlp"
grep -q "#0 " "$W/err" && bad "a block number for undecodable input: $(cat "$W/err")" || ok

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
