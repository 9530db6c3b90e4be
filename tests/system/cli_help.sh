#!/usr/bin/env bash
# The command line's conventions (issue 10): `ethc help`, `ethc --help`,
# `ethc COMMAND --help` and `ethc help COMMAND` print to stdout and exit 0 with every
# option of the command; `--opt=value` works wherever `--opt value` does; unknown
# options and commands suggest the nearest known one (exit 2).
# usage: cli_help.sh ETHC
set -u
ETHC=$1
WORK=$(mktemp -d "$PWD/ethc-cli-help-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# help ARGS... -> must exit 0, print on stdout (nothing on stderr), and mention every WORD after --
help_has() {
  local args=() words=()
  while [ "$1" != "--" ]; do args+=("$1"); shift; done
  shift
  words=("$@")
  "$ETHC" "${args[@]}" >"$WORK/out" 2>"$WORK/err"
  local rc=$?
  [ "$rc" = 0 ] || { bad "ethc ${args[*]}: exit $rc"; return; }
  [ -s "$WORK/err" ] && { bad "ethc ${args[*]}: wrote to stderr: $(head -n1 "$WORK/err")"; return; }
  for w in "${words[@]}"; do
    grep -qF -- "$w" "$WORK/out" || { bad "ethc ${args[*]}: no '$w' in the help"; return; }
  done
  ok
}

help_has help -- import export run test bench ethash
help_has --help -- import export run test bench ethash
help_has -h -- import export run test
for form in "import --help" "help import" "import -h"; do
  # shellcheck disable=SC2086
  help_has $form -- "--datadir DIR" "--genesis FILE" --fakepow --sync "default: ~/.ethc"
done
help_has export --help -- --datadir --first --last "default: 1"
help_has run --help -- --code --codefile --input --gas --fork --create --sender --value --prestate --dump --bench --trace Frontier Osaka "default: Cancun" "default: 10000000000"
help_has test --help -- --json --fork --run --index --dump --trace --verbose -v --skip-file rlp precompile
help_has help test -- --json --skip-file
help_has bench --help -- evm precompile
help_has help bench evm -- --json --time --fork --runs
help_has bench evm --help -- --json --time --fork --runs
help_has bench precompile --help -- --json --time
help_has ethash --help -- verify
help_has ethash verify --help -- BLOCK_NUMBER MIX_HASH DIFFICULTY
help_has statetest --help -- --fork
help_has init --help -- --datadir GENESIS.json "default: ~/.ethc"
help_has version --help -- version

# --opt=value is --opt value
a=$("$ETHC" run --code 6001600101 --gas 100 2>&1)
b=$("$ETHC" run --code=6001600101 --gas=100 2>&1)
if [ "$a" = "$b" ] && grep -q "gas used: 9" <<<"$b"; then ok; else bad "--opt=value differs: '$a' vs '$b'"; fi
"$ETHC" run --code=00 --fork=Frontiers >/dev/null 2>"$WORK/err"
if [ $? = 2 ] && grep -q "unknown fork 'Frontiers'" "$WORK/err"; then ok; else bad "--fork=Frontiers: $(cat "$WORK/err")"; fi

# expect_err STATUS TEXT ARGS...: exit STATUS and TEXT on stderr
expect_err() {
  local want=$1 text=$2
  shift 2
  "$ETHC" "$@" >/dev/null 2>"$WORK/err" </dev/null
  local rc=$?
  if [ "$rc" = "$want" ] && grep -qF -- "$text" "$WORK/err"; then ok; else bad "ethc $*: exit $rc, stderr: $(head -c 300 "$WORK/err")"; fi
}
expect_err 2 "unknown option '--datdir' (did you mean --datadir?)" import --datdir x y.rlp
expect_err 2 "unknown option '--gensis' (did you mean --genesis?)" import --gensis=x y.rlp
expect_err 2 "unknown option '--frist' (did you mean --first?)" export --frist 1 x.rlp
expect_err 2 "(did you mean --fork?)" bench evm --frok Cancun x
expect_err 2 "(did you mean --codefile?)" run --code-file x
expect_err 2 "unknown command 'imprt' (did you mean 'import'?)" imprt
expect_err 2 "unknown command 'evn' (did you mean 'evm'?)" bench evn
expect_err 2 "unknown suite 'stat' (did you mean state?)" test stat x
expect_err 2 "option '--bench' takes no value" run --code 00 --bench=yes
expect_err 2 "option '--gas' needs a value (N)" run --code 00 --gas
expect_err 2 "unknown option '--zzzzzz'" run --zzzzzz
if grep -q "did you mean" "$WORK/err"; then bad "a suggestion for an unrelated option"; else ok; fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
