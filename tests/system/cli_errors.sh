#!/usr/bin/env bash
# Hostile input to every ethc command (README "Commands"): missing or unknown options,
# missing values, bad numbers and hex, unknown forks, empty, truncated, malformed or
# missing files, directories for files, a data directory that is a file or read-only.
# Each must exit with the documented status (2 for usage errors), name the bad
# argument, file or field on the first line of stderr, never crash or hang, and leave
# the chain database as it was.
# usage: cli_errors.sh ETHC CHAIN_DIR   (the rpc-compat chain: genesis.json, chain.rlp)
set -u
ETHC=$1
CHAIN=$2
WORK=$(mktemp -d "$PWD/ethc-cli-errors-XXXXXX")
cleanup() {
  command -v chattr >/dev/null 2>&1 && chattr -R -i "$WORK" 2>/dev/null
  chmod -R u+w "$WORK" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
passed=0
failed=0
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# expect STATUS PATTERN ARGS...: runs ethc ARGS (stdin empty, 60 s at most) and checks
# the exit status, that the first stderr line contains PATTERN (the first stdout line
# for a PATTERN "stdout:TEXT": the vector runners report failed cases there), and
# no crash.
expect() {
  local want=$1 pat=$2
  shift 2
  local rc
  timeout 60 "$ETHC" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
  rc=$?
  local first
  first=$(head -n 1 "$WORK/err")
  case "$pat" in stdout:*) pat=${pat#stdout:}; first=$(head -n 1 "$WORK/out") ;; esac
  if [ "$rc" = 124 ]; then bad "ethc $* hung"; return; fi
  if grep -qE "AddressSanitizer|runtime error|LeakSanitizer" "$WORK/err"; then
    bad "ethc $*: sanitizer report: $(grep -m1 -E 'AddressSanitizer|runtime error|LeakSanitizer' "$WORK/err")"
    return
  fi
  if [ "$rc" != "$want" ]; then bad "ethc $*: exit $rc, expected $want ($first)"; return; fi
  case "$first" in
    *"$pat"*) passed=$((passed + 1)) ;;
    *) bad "ethc $*: first stderr line '$first' does not name '$pat'" ;;
  esac
}

G="$CHAIN/genesis.json"
C="$CHAIN/chain.rlp"
W=$WORK
: >"$W/empty"
mkdir -p "$W/dir" "$W/emptydir"
touch "$W/afile"
printf '{"config": ' >"$W/trunc.json"
echo '[{}]' >"$W/array.json"
echo '{"b": {"pre": [], "transaction": {}, "env": {}, "post": {"Cancun": []}}}' >"$W/prearray.json"
echo '[{"Input": "0xzz", "Name": "x"}]' >"$W/bn256Add.json"
cp "$W/empty" "$W/ecRecover.json"
H32=$(printf 'ab%.0s' {1..32})
N8=0102030405060708

# ---- the program ----
expect 2 "usage: ethc COMMAND"
expect 2 "unknown command 'frobnicate'" frobnicate

# ---- run ----
expect 0 "" run --code 00
expect 2 "'--code' needs a value" run --code
expect 2 "--code: odd number of hex digits" run --code 600
expect 2 "--code: bad hex digit 'z'" run --code 0x60zz
expect 2 "already given" run --code 00 --codefile "$W/empty"
expect 2 "no code" run
expect 2 "--codefile: cannot read $W/missing" run --codefile "$W/missing"
expect 2 "Is a directory" run --codefile "$W/dir"
expect 2 "$W/empty: the file holds no code" run --codefile "$W/empty"
expect 2 "--codefile: $W/trunc.json: bad hex digit" run --codefile "$W/trunc.json"
for g in abc -1 "" " 5" +5 18446744073709551616 9223372036854775808 1e3; do
  expect 2 "--gas" run --code 00 --gas "$g"
done
expect 0 "" run --code 00 --gas 0x10
expect 2 "'--gas' needs a value" run --code 00 --gas
expect 2 "unknown fork 'Frontiers'" run --code 00 --fork Frontiers
expect 2 "--input: odd number of hex digits" run --code 00 --input 0x1
expect 2 "unknown option '--bogus'" run --code 00 --bogus
expect 2 "stdin: the file holds no code" run --codefile -
expect 2 "no code" run --create
for v in abc -1 0x 1.5 115792089237316195423570985008687907853269984665640564039457584007913129639936; do
  expect 2 "--value: expected a whole number below 2^256" run --code 00 --value "$v"
done
for s in 0x12 xyz 0x10000000000000000000000000000000000000011; do
  expect 2 "--sender: expected an address" run --code 00 --sender "$s"
done
expect 2 "--prestate: cannot read $W/missing" run --code 00 --prestate "$W/missing"
expect 2 "--prestate: $W/empty: malformed JSON" run --code 00 --prestate "$W/empty"
expect 2 "--prestate: $W/trunc.json: malformed JSON" run --code 00 --prestate "$W/trunc.json"
expect 2 "--prestate: $W/array.json: bad field alloc" run --code 00 --prestate "$W/array.json"
echo '{"0x20": {}}' >"$W/badaddr.json"
expect 2 "bad field alloc.0x20" run --code 00 --prestate "$W/badaddr.json"
echo '{"alloc": {"0x2000000000000000000000000000000000000002": {"balance": "x"}}}' >"$W/badbal.json"
expect 2 "bad field alloc.0x2000000000000000000000000000000000000002.balance" run --code 00 --prestate "$W/badbal.json"
for f in number timestamp difficulty baseFeePerGas coinbase mixHash; do
  echo "{\"alloc\": {}, \"$f\": \"0xzz\"}" >"$W/bad-$f.json"
  expect 2 "bad field $f" run --code 00 --prestate "$W/bad-$f.json"
done
echo '{"0x2000000000000000000000000000000000000002": {"balance": "1"}}' >"$W/nocode.json"
expect 2 "no code" run --prestate "$W/nocode.json"

# ---- test / statetest (argument handling; file contents are failed cases) ----
expect 2 "no SUITE given" test
expect 2 "unknown suite 'nosuite'" test nosuite x
expect 2 "unknown option '--bogus'" test rlp --bogus x
expect 2 "no PATH given" test rlp
expect 2 "skip file $W/missing" test rlp --skip-file "$W/missing" "$W/empty"
expect 1 "stdout:FAIL $W/empty (file): malformed JSON" test rlp "$W/empty"
expect 1 "stdout:FAIL $W/trunc.json (file): malformed JSON" test state "$W/trunc.json"
expect 1 "stdout:FAIL $W/missing (file): cannot open" test tx "$W/missing"
for s in vm pow difficulty state block tx rlp trie; do
  expect 1 "stdout:FAIL $W/array.json (file): the top level is not a JSON object" test "$s" "$W/array.json"
done
echo '{"t": {"post": [1]}}' >"$W/postarray.json"
expect 1 "stdout:FAIL $W/postarray.json t: malformed test: post" test state "$W/postarray.json"
echo '{"t": {"post": {"Cancun": [{}]}}}' >"$W/onefork.json"
expect 1 "no state case of fork 'Bogus'" test state --fork Bogus "$W/onefork.json"
expect 2 "skip file $W/dir is not a regular file" test rlp --skip-file "$W/dir" "$W/empty"
printf 'rlp\tonly-two-fields\n' >"$W/badskip"
expect 2 "$W/badskip:1: expected SUITE<tab>PATTERN<tab>REASON" test rlp --skip-file "$W/badskip" "$W/empty"
expect 2 "no PATH given" statetest
expect 2 "--index does not apply to the rlp suite (only to state)" test rlp --index 1 "$W/empty"
expect 2 "--dump does not apply to the vm suite (only to state)" test vm --dump "$W/empty"
expect 2 "--fork does not apply to the trie suite" test trie --fork Cancun "$W/empty"
expect 2 "--trace does not apply to the tx suite" test tx --trace "$W/empty"
expect 2 "--run: bad regular expression '('" test state --run '(' "$W/empty"
for i in abc -1 1x 99999999999; do expect 2 "--index" test state --index "$i" "$W/empty"; done
expect 2 "'--run' needs a value" statetest --run
expect 1 "no state case matching --run 'nothing'" test state --run nothing "$W/onefork.json"
expect 1 "no state case with index 5" statetest --index 5 "$W/onefork.json"
expect 1 "stdout:FAIL $W/trunc.json (file)" statetest "$W/trunc.json"

# ---- bench ----
expect 2 "which command" bench
expect 2 "unknown command 'foo'" bench foo
expect 2 "no PATH" bench evm
expect 2 "'--time' needs a value" bench evm --time
for t in abc -1 nan inf 1e300 ""; do expect 2 "--time" bench evm --time "$t" "$W/array.json"; done
expect 2 "unknown fork 'Foo'" bench evm --fork Foo "$W/array.json"
expect 2 "unknown option '--bogus'" bench evm --bogus "$W/array.json"
for n in 0 x -1; do expect 2 "--runs" bench evm --runs "$n" "$W/array.json"; done
expect 1 "cannot open $W/missing" bench evm "$W/missing"
expect 1 "$W/empty: malformed JSON" bench evm "$W/empty"
expect 1 "$W/trunc.json: malformed JSON" bench evm "$W/trunc.json"
expect 1 "$W/array.json: expected a JSON object" bench evm "$W/array.json"
expect 1 "'pre'" bench evm --time 0 "$W/prearray.json"
expect 1 "$W/emptydir: no .json files" bench evm "$W/emptydir"
expect 2 "no FILE" bench precompile
for t in 0 -1 nan inf abc; do expect 2 "--time" bench precompile --time "$t" "$W/bn256Add.json"; done
expect 2 "unknown option '--bogus'" bench precompile --bogus "$W/bn256Add.json"
expect 1 "$W/bn256Add.json: vector 0: malformed Input" bench precompile --time 0.001 "$W/bn256Add.json"
expect 1 "$W/ecRecover.json: malformed JSON" bench precompile "$W/ecRecover.json"
expect 1 "$W/array.json: not a benchmarkable" bench precompile "$W/array.json"
expect 1 "cannot read $W/missing/modexp.json" bench precompile "$W/missing/modexp.json"

# ---- ethash verify ----
expect 2 "which command" ethash
expect 2 "expected 4 or 5 arguments, got 0" ethash verify
expect 2 "unknown command 'check'" ethash check 1 "$H32" "$N8" "$H32"
expect 2 "expected 4 or 5 arguments" ethash verify 1 "$H32"
for n in abc -1 "" 99999999999999999999 61440000; do
  expect 2 "BLOCK_NUMBER" ethash verify "$n" "$H32" "$N8" "$H32"
done
expect 2 "HEADER_HASH" ethash verify 1 "${H32}0" "$N8" "$H32"
expect 2 "HEADER_HASH" ethash verify 1 "${H32:2}" "$N8" "$H32"
expect 2 "NONCE" ethash verify 1 "$H32" 010203040506070z "$H32"
expect 2 "MIX_HASH" ethash verify 1 "$H32" "$N8" 0x12
expect 2 "DIFFICULTY" ethash verify 1 "$H32" "$N8" "$H32" 0
expect 2 "DIFFICULTY" ethash verify 1 "$H32" "$N8" "$H32" -5

# ---- import ----
DB=$W/db
mkdir -p "$W/nodb"
expect 1 "no chain database in $W/nodb" import --datadir "$W/nodb" "$C"
[ -z "$(ls -A "$W/nodb")" ] && passed=$((passed + 1)) || bad "import without --genesis created files in an empty directory"
expect 2 "'--datadir' needs a value" import --datadir
expect 2 "'--genesis' needs a value" import --datadir "$DB" --genesis
expect 2 "unknown option '--bogus'" import --bogus "$C"
expect 2 "no FILE.rlp" import --datadir "$DB"
expect 2 "--datadir $W/afile: not a directory" import --datadir "$W/afile" --genesis "$G" "$C"
expect 2 "--genesis $W/missing" import --datadir "$DB" --genesis "$W/missing" "$C"
expect 2 "--genesis $W/dir" import --datadir "$DB" --genesis "$W/dir" "$C"
expect 1 "genesis $W/empty:1:1: malformed JSON" import --datadir "$DB" --genesis "$W/empty" "$C"
expect 1 "genesis $W/trunc.json:1:12: malformed JSON" import --datadir "$DB" --genesis "$W/trunc.json" "$C"
expect 1 "expected an object" import --datadir "$DB" --genesis "$W/array.json" "$C"
[ ! -e "$DB" ] || bad "a data directory was created for a bad genesis"
# a good import, then bad files against it
"$ETHC" import --fakepow --datadir "$DB" --genesis "$G" "$C" >/dev/null 2>&1 || bad "the reference import failed"
expect 2 "cannot open $W/missing" import --datadir "$DB" "$C" "$W/missing"
expect 2 "cannot open $W/dir: Is a directory" import --datadir "$DB" "$W/dir"
expect 2 "cannot open $W/missing" import --datadir "$W/db-new" --genesis "$G" "$W/missing"
[ ! -e "$W/db-new" ] || bad "a data directory was created for a missing chain file"
head -c 100 "$C" >"$W/trunc.rlp"
expect 1 "$W/trunc.rlp: malformed RLP at byte offset 0" import --datadir "$DB" "$W/trunc.rlp"
head -c 100000 /dev/urandom >"$W/random.rlp"
printf '\xc0' | cat - "$W/random.rlp" >"$W/junk.rlp"
expect 1 "$W/junk.rlp: undecodable block at byte offset 0" import --datadir "$DB" "$W/junk.rlp"
# an item announcing 512 MiB (sparse file): refused without reading it all
printf '\xbb\x20\x00\x00\x00' >"$W/huge.rlp"
truncate -s 300M "$W/huge.rlp"
expect 1 "larger than 256 MiB" import --datadir "$DB" "$W/huge.rlp"
rm -f "$W/huge.rlp"
# a read-only data directory (chattr +i as root, chmod otherwise)
cp -r "$DB" "$W/rodb"
ro=0
if [ "$(id -u)" = 0 ]; then command -v chattr >/dev/null 2>&1 && chattr -R +i "$W/rodb" 2>/dev/null && ro=1
else chmod -R a-w "$W/rodb" && ro=1; fi
if [ "$ro" = 1 ]; then
  expect 1 "$W/rodb" import --datadir "$W/rodb" "$C"
  mkdir -p "$W/rodir"
  if [ "$(id -u)" = 0 ]; then chattr +i "$W/rodir"; else chmod a-w "$W/rodir"; fi
  expect 1 "cannot create the directory $W/rodir/db" import --datadir "$W/rodir/db" --genesis "$G" "$C"
else
  echo "(read-only data directory cases skipped: cannot make a directory read-only here)"
fi

# ---- export ----
expect 2 "'--first' needs a value" export --datadir "$DB" --first
for n in -1 "" " 5" 0x5 18446744073709551616; do
  expect 2 "--first" export --datadir "$DB" --first "$n" "$W/x.rlp"
  expect 2 "--last" export --datadir "$DB" --last "$n" "$W/x.rlp"
done
expect 2 "--first 10 is after --last 5" export --datadir "$DB" --first 10 --last 5 "$W/x.rlp"
expect 2 "--first 100 is past the head block #54" export --datadir "$DB" --first 100 "$W/x.rlp"
expect 2 "--last 1000 is past the head block #54" export --datadir "$DB" --last 1000 "$W/x.rlp"
[ ! -e "$W/x.rlp" ] || bad "a bad export range created the output file"
expect 2 "more than one output file" export --datadir "$DB" "$W/a.rlp" "$W/b.rlp"
expect 2 "no output FILE.rlp" export --datadir "$DB"
expect 2 "--datadir $W/afile: not a directory" export --datadir "$W/afile" "$W/x.rlp"
expect 1 "no chain database" export --datadir "$W/missing" "$W/x.rlp"
expect 1 "cannot create $W/dir" export --datadir "$DB" "$W/dir"
expect 2 "unknown option '--bogus'" export --bogus "$W/x.rlp"

# ---- nothing stored was damaged: the database still exports the whole chain ----
if "$ETHC" export --datadir "$DB" "$W/all.rlp" >/dev/null 2>&1 && cmp -s "$W/all.rlp" "$C"; then
  passed=$((passed + 1))
else
  bad "the database no longer exports the imported chain"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
