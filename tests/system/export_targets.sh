#!/usr/bin/env bash
# Where `ethc export` writes (issue 10): it never removes what it did not create.
# A device (/dev/full semantics) and a FIFO whose reader leaves early are written in
# place, the error (ENOSPC, EPIPE) is reported with exit 1 and the node stays; a
# symbolic link stays a link and the file it names gets the export; an existing
# regular file whose export fails midway keeps its old content, and no temporary
# file is left behind.
# usage: export_targets.sh ETHC CHAIN_DIR   (the ethtest chain: genesis.json, chain.rlp)
set -u
ETHC=$1
CHAIN=$2
WORK=$(mktemp -d "$PWD/ethc-export-targets-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
# check DESCRIPTION COMMAND...: one assertion
check() {
  local what=$1
  shift
  if "$@"; then ok; else bad "$what"; fi
}
no_temp_files() { [ -z "$(find "$WORK" -name '.*.tmp-*' -print -quit)" ]; }

C="$CHAIN/chain.rlp"
DB="$WORK/db"
"$ETHC" import --datadir "$DB" --genesis "$CHAIN/genesis.json" "$C" >/dev/null 2>&1 || { echo "FAIL: the reference import failed"; exit 1; }
# an empty import opens the database for writing once more: LevelDB turns its log
# into a table then, so that export's read-only snapshot (which recovers any log
# into a private table) writes nothing big under the file-size limits below
"$ETHC" import --datadir "$DB" - </dev/null >/dev/null 2>&1
"$ETHC" export --datadir "$DB" "$WORK/ref.rlp" >/dev/null 2>&1
check "a plain export writes the whole chain" cmp -s "$WORK/ref.rlp" "$C"

# run ARGS...: ethc under a timeout; status in $rc, stderr in $WORK/err
run() {
  timeout 60 "$ETHC" "$@" >"$WORK/out" 2>"$WORK/err"
  rc=$?
}

# ---- 1. a character device with /dev/full semantics ----
if mknod "$WORK/full" c 1 7 2>/dev/null; then
  run export --datadir "$DB" "$WORK/full"
  check "export to a full device: exit $rc, expected 1" [ "$rc" = 1 ]
  check "export to a full device: no ENOSPC message: $(cat "$WORK/err")" grep -q "No space left on device" "$WORK/err"
  check "export to a full device removed the device node" [ -c "$WORK/full" ]
else
  echo "SKIP: mknod is not permitted here: no device case"
fi

# ---- 2. symbolic links ----
echo "old content" >"$WORK/real.rlp"
ln -s real.rlp "$WORK/link.rlp"
ln -s link.rlp "$WORK/link2.rlp" # a link to a link
run export --datadir "$DB" "$WORK/link2.rlp"
check "export into a symlink: exit $rc ($(cat "$WORK/err"))" [ "$rc" = 0 ]
check "the symlink is no longer a symlink" [ -L "$WORK/link2.rlp" ]
check "the symlink's target changed" [ "$(readlink "$WORK/link2.rlp")" = link.rlp ]
check "the inner symlink is no longer a symlink" [ -L "$WORK/link.rlp" ]
check "the file the links name does not hold the export" cmp -s "$WORK/real.rlp" "$C"
mkdir "$WORK/sub"
ln -s sub/new.rlp "$WORK/dangling.rlp" # names a file that does not exist yet
run export --datadir "$DB" "$WORK/dangling.rlp"
check "export into a dangling symlink: exit $rc ($(cat "$WORK/err"))" [ "$rc" = 0 ]
check "the dangling symlink was replaced" [ -L "$WORK/dangling.rlp" ]
check "the dangling symlink's target was not created with the export" cmp -s "$WORK/sub/new.rlp" "$C"

# ---- 3. a FIFO whose reader exits early ----
mkfifo "$WORK/fifo"
head -c 100 <"$WORK/fifo" >"$WORK/head.out" &
reader=$!
run export --datadir "$DB" "$WORK/fifo"
wait "$reader"
check "export to a FIFO whose reader left: exit $rc, expected 1" [ "$rc" = 1 ]
check "export to a FIFO: no EPIPE message: $(cat "$WORK/err")" grep -q "Broken pipe" "$WORK/err"
check "export to a FIFO removed the FIFO" [ -p "$WORK/fifo" ]
check "the FIFO's reader did not get the first 100 bytes" cmp -s "$WORK/head.out" <(head -c 100 "$C")

# ---- 4. stdout into a pipe closed early ----
set -o pipefail
timeout 60 "$ETHC" export --datadir "$DB" - 2>"$WORK/err" | head -c 100 >/dev/null
rc=$?
set +o pipefail
check "export to a closed pipe: exit $rc, expected 1" [ "$rc" = 1 ]
check "export to a closed pipe: no EPIPE message: $(cat "$WORK/err")" grep -q "Broken pipe" "$WORK/err"

# ---- 5. an existing regular file whose export fails midway ----
# A file-size limit (100 KiB, the chain is about 450 KiB) fails the write with EFBIG
# part-way through; the old file must come through untouched.
echo "old content" >"$WORK/keep.rlp"
chmod 640 "$WORK/keep.rlp"
(ulimit -f 100 && exec timeout 60 "$ETHC" export --datadir "$DB" "$WORK/keep.rlp") >"$WORK/out" 2>"$WORK/err"
rc=$?
check "a failing export into an existing file: exit $rc, expected 1" [ "$rc" = 1 ]
check "a failing export: no 'File too large' naming the file: $(cat "$WORK/err")" grep -q "keep.rlp: write error: File too large" "$WORK/err"
check "a failing export changed the existing file" [ "$(cat "$WORK/keep.rlp")" = "old content" ]
check "a failing export left a temporary file" no_temp_files
(ulimit -f 100 && exec timeout 60 "$ETHC" export --datadir "$DB" "$WORK/new.rlp") >"$WORK/out" 2>"$WORK/err"
rc=$?
check "a failing export into a new file: exit $rc, expected 1" [ "$rc" = 1 ]
check "a failing export left a partial new file" [ ! -e "$WORK/new.rlp" ]
# the same file, exported successfully: replaced whole, its mode kept
run export --datadir "$DB" "$WORK/keep.rlp"
check "export over an existing file: exit $rc" [ "$rc" = 0 ]
check "export over an existing file: content differs" cmp -s "$WORK/keep.rlp" "$C"
check "export over an existing file did not keep its mode 640" [ "$(stat -c %a "$WORK/keep.rlp")" = 640 ]
check "a successful export left a temporary file" no_temp_files

# a stale temporary file of the same name (a killed export whose PID this run reuses)
# is neither reused nor removed
rm -f "$WORK/stale.rlp"
sh -c 'echo stale >"$1/.stale.rlp.tmp-$$" && exec "$2" export --datadir "$3" "$1/stale.rlp"' sh "$WORK" "$ETHC" "$DB" 2>"$WORK/err"
rc=$?
check "export beside a stale temporary file: exit $rc ($(cat "$WORK/err"))" [ "$rc" = 0 ]
check "export beside a stale temporary file: content differs" cmp -s "$WORK/stale.rlp" "$C"
check "the stale temporary file was touched" [ "$(cat "$WORK"/.stale.rlp.tmp-*)" = stale ]
rm -f "$WORK"/.stale.rlp.tmp-*

# ---- 6. a directory is refused, and stays ----
mkdir "$WORK/adir"
run export --datadir "$DB" "$WORK/adir"
check "export to a directory: exit $rc, expected 1" [ "$rc" = 1 ]
check "export to a directory: no clear message: $(cat "$WORK/err")" grep -q "cannot create $WORK/adir: Is a directory" "$WORK/err"
check "export to a directory removed it" [ -d "$WORK/adir" ]

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
