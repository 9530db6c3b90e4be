#!/usr/bin/env bash
# `ethc version` names the project version, a commit (short hash, maybe -dirty, or
# "unknown" outside a git checkout) and the compiler.
# usage: version.sh ETHC VERSION
set -u
out=$("$1" version) || { echo "FAIL: ethc version exited $?"; exit 1; }
echo "$out"
fail() { echo "FAIL: $*"; exit 1; }
grep -qx "ethc $2" <<<"$out" || fail "no line 'ethc $2'"
grep -Eqx "commit: ([0-9a-f]{7,}(-dirty)?|unknown)" <<<"$out" || fail "no commit line"
grep -Eqx "compiler: (GNU|Clang) [0-9.]+" <<<"$out" || fail "no compiler line"
grep -Eq "^c flags: " <<<"$out" || fail "no c flags line"
echo "ok"
