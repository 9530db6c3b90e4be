#!/usr/bin/env bash
# Runs import_kill.sh RUNS times (default 200), each with CREATION_KILLS kills at
# random 0-90 ms during the creation of a new database (default 5) besides its
# resumption kills; prints one line per failed run and the totals. Not a ctest
# (it takes about half an hour): run it after touching chain_open or datadir.c.
# usage: import_kill_loop.sh ETHC CHAIN_DIR [RUNS] [CREATION_KILLS]
set -u
ETHC=$1
CHAIN=$2
RUNS=${3:-200}
CREATION_KILLS=${4:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 none=0 usable=0
for i in $(seq 1 "$RUNS"); do
  if out=$(bash "$HERE/import_kill.sh" "$ETHC" "$CHAIN" "$CREATION_KILLS" 2>&1); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "run $i: $(grep -m1 FAIL <<<"$out")"
  fi
  n=$(sed -n 's/^creation kills: \([0-9]*\) left no database, \([0-9]*\) a usable one$/\1 \2/p' <<<"$out")
  if [ -n "$n" ]; then
    none=$((none + ${n% *}))
    usable=$((usable + ${n#* }))
  fi
done
echo "creation kills: $none left no database, $usable a usable one (none damaged)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
