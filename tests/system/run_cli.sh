#!/usr/bin/env bash
# The command line as go-ethereum's `evm run` and evmone-statetest users expect it
# (issue 10): every `ethc run` option with concrete values (--create, --value and
# --dump, --prestate as a genesis.json and as a bare alloc, --sender, --codefile -,
# the default gas, --bench, --trace), and `ethc test state` --run, --index, --dump,
# -v and the progress line on real GeneralStateTests files.
# usage: run_cli.sh ETHC STATE_TESTS_DIR   (GeneralStateTests)
set -u
ETHC=$1
GST=$2
WORK=$(mktemp -d "$PWD/ethc-run-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# run WANT_RC ARGS...: runs ethc (stdin from $WORK/in, empty unless written), output
# in $WORK/out and $WORK/err; checks the exit status.
run() {
  local want=$1
  shift
  [ -f "$WORK/in" ] || : >"$WORK/in"
  timeout 120 "$ETHC" "$@" <"$WORK/in" >"$WORK/out" 2>"$WORK/err"
  local rc=$?
  rm -f "$WORK/in"
  if [ "$rc" != "$want" ]; then
    bad "ethc $*: exit $rc, expected $want: $(head -n 1 "$WORK/err")"
    return 1
  fi
  return 0
}
# has FILE TEXT WHAT: FILE contains the line TEXT (exactly)
has() {
  if grep -qxF -- "$2" "$1"; then ok; else bad "$3: no line '$2' in: $(head -c 600 "$1")"; fi
}
# json_has FILE TEXT WHAT: the JSON in FILE contains TEXT once whitespace is removed
json_has() {
  if tr -d ' \t\n' <"$1" | grep -qF -- "$2"; then ok; else bad "$3: no '$2' in: $(tr -d ' \t\n' <"$1" | head -c 800)"; fi
}

SENDER=0x1000000000000000000000000000000000000001
RECEIVER=0x2000000000000000000000000000000000000002

# ---- ethc run ----
# --create: init code that returns the 10-byte runtime 602a60005260206000f3
# (PUSH10 runtime, PUSH1 0, MSTORE, PUSH1 10, PUSH1 22, RETURN): 18 gas of
# execution + 200 per deployed byte; the address is keccak(rlp([sender, 0]))[12:].
RT=602a60005260206000f3
if run 0 run --create --code "69${RT}600052600a6016f3" --dump; then
  has "$WORK/out" "output: 0x$RT" "--create output"
  has "$WORK/out" "contract address: 0x5dddfce53ee040d9eb21afbc0ae1bb4dbb0ba643" "--create address"
  has "$WORK/out" "gas used: 2018" "--create gas"
  sed -n '/^{/,$p' "$WORK/out" >"$WORK/dump"
  json_has "$WORK/dump" "\"0x5dddfce53ee040d9eb21afbc0ae1bb4dbb0ba643\":{\"balance\":\"0\",\"nonce\":1," "--create dump"
  json_has "$WORK/dump" "\"code\":\"0x$RT\"" "--create dump code"
  json_has "$WORK/dump" "\"$SENDER\":{\"balance\":\"18446744073709551615\",\"nonce\":1," "--create sender nonce"
fi
# the deployed code runs: the runtime returns 42 as a word
if run 0 run --code "$RT"; then
  has "$WORK/out" "output: 0x000000000000000000000000000000000000000000000000000000000000002a" "runtime"
fi
# --create with --input: the input follows the init code (constructor arguments),
# so CODESIZE counts it: this init code deploys its CODESIZE as a one-byte runtime
# (CODESIZE, PUSH1 0, MSTORE8, PUSH1 1, PUSH1 0, RETURN: 9 bytes)
if run 0 run --create --code 3860005360016000f3; then has "$WORK/out" "output: 0x09" "--create CODESIZE"; fi
if run 0 run --create --code 3860005360016000f3 --input 0xaabb; then
  has "$WORK/out" "output: 0x0b" "--create --input"
fi
# --value moves wei from the sender to the receiver, seen in --dump
if run 0 run --code 00 --value 0x100 --dump; then
  sed -n '/^{/,$p' "$WORK/out" >"$WORK/dump"
  json_has "$WORK/dump" "\"$SENDER\":{\"balance\":\"18446744073709551359\"" "--value sender"
  json_has "$WORK/dump" "\"$RECEIVER\":{\"balance\":\"256\"" "--value receiver"
fi
# --value in decimal, with a --create: the new contract holds it
if run 0 run --create --code "69${RT}600052600a6016f3" --value 1000 --dump; then
  sed -n '/^{/,$p' "$WORK/out" >"$WORK/dump"
  json_has "$WORK/dump" "\"0x5dddfce53ee040d9eb21afbc0ae1bb4dbb0ba643\":{\"balance\":\"1000\"" "--create --value"
fi
# --prestate: the receiver's code SLOADs slot 1 (0x2a in the prestate) and returns it
SLOAD=60015460005260206000f3
cat >"$WORK/alloc.json" <<JSON
{"$RECEIVER": {"balance": "0x10", "code": "0x$SLOAD", "storage": {"0x01": "0x2a"}},
 "0x3000000000000000000000000000000000000003": {"balance": "1000", "nonce": "0x5"}}
JSON
printf '{"config": {"chainId": 1}, "gasLimit": "0x1000000", "alloc": %s}\n' "$(cat "$WORK/alloc.json")" >"$WORK/genesis.json"
for f in alloc genesis; do
  if run 0 run --prestate "$WORK/$f.json" --dump; then
    has "$WORK/out" "output: 0x000000000000000000000000000000000000000000000000000000000000002a" "--prestate $f SLOAD"
    has "$WORK/out" "gas used: 2118" "--prestate $f gas (cold SLOAD)"
    sed -n '/^{/,$p' "$WORK/out" >"$WORK/dump"
    json_has "$WORK/dump" "\"0x3000000000000000000000000000000000000003\":{\"balance\":\"1000\",\"nonce\":5," "--prestate $f untouched account"
    json_has "$WORK/dump" "\"storage\":{\"0x0000000000000000000000000000000000000000000000000000000000000001\":\"0x000000000000000000000000000000000000000000000000000000000000002a\"}" "--prestate $f storage"
  fi
done
# a whole genesis.json also sets the block: NUMBER, TIMESTAMP, COINBASE, BASEFEE,
# CHAINID and PREVRANDAO (mixHash, from Paris) returned as six words
cat >"$WORK/block.json" <<JSON
{"config": {"chainId": 5}, "number": "0x10", "timestamp": 1234, "baseFeePerGas": "0x7",
 "coinbase": "0x00000000000000000000000000000000000000cb",
 "mixHash": "0x00000000000000000000000000000000000000000000000000000000000000aa", "alloc": {}}
JSON
w() { printf '%064x' "$1"; }
if run 0 run --prestate "$WORK/block.json" --code 43600052426020524160405248606052466080524460a05260c06000f3; then
  has "$WORK/out" "output: 0x$(w 16)$(w 1234)$(w 203)$(w 7)$(w 5)$(w 170)" "--prestate genesis block fields"
fi
# --code replaces the prestate's code but keeps its storage
if run 0 run --prestate "$WORK/alloc.json" --code "$SLOAD"; then
  has "$WORK/out" "output: 0x000000000000000000000000000000000000000000000000000000000000002a" "--prestate + --code"
fi
# --sender from the prestate: its balance is the prestate's (1000 wei)
S3=0x3000000000000000000000000000000000000003
if run 0 run --prestate "$WORK/alloc.json" --sender $S3 --value 999 --dump; then
  sed -n '/^{/,$p' "$WORK/out" >"$WORK/dump"
  json_has "$WORK/dump" "\"$S3\":{\"balance\":\"1\",\"nonce\":5," "--sender balance"
  json_has "$WORK/dump" "\"$RECEIVER\":{\"balance\":\"1015\"" "--sender receiver"
fi
if run 1 run --prestate "$WORK/alloc.json" --sender $S3 --value 1001; then
  has "$WORK/out" "status: insufficient balance" "--sender poor"
fi
# CALLER is the --sender
if run 0 run --sender $S3 --code 3360005260206000f3; then
  has "$WORK/out" "output: 0x0000000000000000000000003000000000000000000000000000000000000003" "--sender CALLER"
fi
# --codefile - reads the code from stdin (whitespace ignored): 1 + 2 = 3
printf '6001 6002 01\n60005260206000f3\n' >"$WORK/in"
if run 0 run --codefile -; then
  has "$WORK/out" "output: 0x0000000000000000000000000000000000000000000000000000000000000003" "--codefile -"
fi
# the default gas is go-ethereum's 10^10: GAS after itself sees 10^10 - 2, and an
# out-of-gas execution uses all of it, both in an endless loop and in one MSTORE
# far beyond any memory the gas pays for (the loop only with a time limit: the
# sanitizer build runs these tests too, and there it takes minutes)
if run 0 run --code 5a60005260206000f3; then
  has "$WORK/out" "output: 0x$(printf '%064x' 9999999998)" "default gas: GAS"
fi
if run 1 run --code 600063ffffffff52; then
  has "$WORK/out" "gas used: 10000000000" "default gas: memory"
  has "$WORK/out" "status: out of gas" "default gas status"
fi
timeout 30 "$ETHC" run --code 5b600056 >"$WORK/out" 2>"$WORK/err"
case $? in
  1) has "$WORK/out" "gas used: 10000000000" "default gas: endless loop" ;;
  124) echo "note: the endless loop took over 30 s (a sanitizer build?): not checked" ;;
  *) bad "endless loop: $(cat "$WORK/out" "$WORK/err")" ;;
esac
# --bench and --trace still work on the new host (the trace has a line per
# instruction: PUSH1, PUSH1, ADD and the STOP past the end of the code)
if run 0 run --code 6001600101 --bench; then
  grep -q "^bench: [0-9]* runs, median" "$WORK/out" && ok || bad "--bench: $(cat "$WORK/out")"
fi
if run 0 run --code 6001600101 --trace; then
  [ "$(grep -c '"op":' "$WORK/err")" = 4 ] && ok || bad "--trace: $(cat "$WORK/err")"
fi

# ---- ethc test state --run / --index / --dump / progress ----
EX="$GST/Istanbul-to-Cancun/stExample"
if [ -d "$EX" ]; then
  # 11 files; add11 and add11_yml have 1 case in each of 5 forks, labelsExample 4
  # and rangesExample 24 (5 forks each), accessListExample 2 in 13 forks
  if run 0 test state "$EX"; then has "$WORK/out" "210 passed, 0 failed, 0 skipped" "stExample"; fi
  if run 0 test state --run '^add11$' "$EX"; then has "$WORK/out" "5 passed, 0 failed, 0 skipped" "--run ^add11$"; fi
  if run 0 test state --run add11 "$EX"; then has "$WORK/out" "10 passed, 0 failed, 0 skipped" "--run add11"; fi
  if run 0 test state --index 2 "$EX"; then has "$WORK/out" "10 passed, 0 failed, 0 skipped" "--index 2"; fi
  if run 0 test state --index 1 --run 'access|labels' "$EX"; then
    has "$WORK/out" "18 passed, 0 failed, 0 skipped" "--index 1 --run"
  fi
  if run 0 statetest --run '^rangesExample$' --index 23 --fork Cancun "$EX"; then
    has "$WORK/out" "1 passed, 0 failed, 0 skipped" "statetest --run --index --fork"
  fi
  if run 1 test state --index 24 --run '^rangesExample$' "$EX"; then
    has "$WORK/out" "0 passed, 0 failed, 0 skipped" "--index 24"
    grep -q "no state case matching --run '^rangesExample\$' and with index 24" "$WORK/err" && ok ||
      bad "--index 24: $(cat "$WORK/err")"
  fi
  # --dump: a copy of add11 whose Cancun post root is wrong fails; its post state
  # is printed on stderr, with the root the FAIL line names
  sed 's/"hash" : "0x[0-9a-f]*"/"hash" : "0x1111111111111111111111111111111111111111111111111111111111111111"/' \
    "$EX/add11.json" >"$WORK/add11.json"
  if run 1 test state --dump --fork Cancun "$WORK/add11.json"; then
    has "$WORK/out" "0 passed, 1 failed, 0 skipped" "--dump count"
    root=$(sed -n 's/.*state root \(0x[0-9a-f]*\), expected.*/\1/p' "$WORK/out")
    json_has "$WORK/err" "\"name\":\"add11#0\",\"fork\":\"Cancun\",\"root\":\"$root\",\"accounts\":{" "--dump header"
    json_has "$WORK/err" "\"code\":\"0x600160010160005500\",\"storage\":{\"0x0000000000000000000000000000000000000000000000000000000000000000\":\"0x0000000000000000000000000000000000000000000000000000000000000002\"}" "--dump storage"
  fi
  if run 0 test state --dump "$EX/add11.json"; then
    [ -s "$WORK/err" ] && bad "--dump of passing cases wrote: $(head -c 200 "$WORK/err")" || ok
  fi
  # --json output is unchanged by --dump (the dump is on stderr)
  if run 1 test state --json --dump --fork Cancun "$WORK/add11.json"; then
    [ "$(wc -l <"$WORK/out")" = 1 ] && grep -q '^{"file":.*"pass":false' "$WORK/out" && ok ||
      bad "--json --dump stdout: $(cat "$WORK/out")"
  fi
  # progress: nothing on stderr in a pipe; the status line when forced or on a terminal
  if run 0 test state --run add11 "$EX"; then
    [ -s "$WORK/err" ] && bad "progress in a pipe: $(head -c 200 "$WORK/err")" || ok
  fi
  if ETHC_TEST_PROGRESS=1 run 0 test state --run add11 "$EX"; then
    grep -qF "[11/11] " "$WORK/err" && ok || bad "ETHC_TEST_PROGRESS=1: $(head -c 300 "$WORK/err")"
    has "$WORK/out" "10 passed, 0 failed, 0 skipped" "closing line with progress"
  fi
  if command -v script >/dev/null 2>&1; then
    script -qc "'$ETHC' test state --run '^add11\$' '$EX'" /dev/null >"$WORK/tty" 2>&1 </dev/null
    grep -qF "[2/11] " "$WORK/tty" && grep -qF "5 passed, 0 failed, 0 skipped" "$WORK/tty" && ok ||
      bad "progress on a terminal: $(head -c 300 "$WORK/tty")"
  fi
  # -v / --verbose: one line per passed case, on stderr
  if run 0 test state -v --run '^add11$' "$EX"; then
    [ "$(grep -c '^PASS .*add11.json add11#0 ' "$WORK/err")" = 5 ] && ok || bad "-v: $(cat "$WORK/err")"
  fi
  if run 0 test state --verbose --index 3 --run labels "$EX"; then
    [ "$(grep -c '^PASS .*labelsExample#3 ' "$WORK/err")" = 5 ] && ok || bad "--verbose: $(cat "$WORK/err")"
  fi
else
  echo "no $EX: state test checks not run"
fi

echo "run_cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
