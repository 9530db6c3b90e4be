#!/usr/bin/env bash
# `ethc node` serving a state of N accounts (default 1,000,000; issue 12's
# "1M-account figures"): the genesis from bench/gen_genesis.py, stored by
# `ethc init`, then served. Prints:
#   - init: wall time and peak RSS;
#   - start: wall time from launching `ethc node` to its first answer, and RSS;
#   - wrk rows (requests/s, p50/p99 ms, errors) of eth_getBalance and
#     eth_getProof on accounts drawn at random from all N (RANDOM_ACCOUNTS of
#     them, default 20,000, so a run reads mostly accounts not read before:
#     the first eth_getBalance run is the cold one), with -t2 -c32 and -t1 -c1;
#   - the node's RSS after the load, split into anonymous memory and LevelDB's
#     memory-mapped table files.
# RANDOM_ACCOUNTS=1000000 reads every account in random order (the wrk script
# loads all the bodies: about 120 MB per wrk thread). Bodies are drawn with
# equal weights by bench/rpc_mix.lua.
# Before the load, 20 balances are read back and compared with the genesis.
# usage: bench/rpc_1m.sh [BUILD_DIR] [N] [DURATION]   (needs wrk; python3)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
N=${2:-1000000}
DUR=${3:-5s}
RANDOM_ACCOUNTS=${RANDOM_ACCOUNTS:-20000}
command -v wrk >/dev/null || { echo "rpc_1m.sh: wrk not installed (apt-get install wrk)" >&2; exit 1; }
T=$(mktemp -d "$BUILD/rpc-1m.XXXXXX")
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT
# RSS in MB: total (anonymous + file-backed; the file-backed part is LevelDB's
# memory-mapped tables, pages the kernel may drop)
rss_mb() { awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { printf "%.1f (anonymous %.1f, files %.1f)", (a + f) / 1024, a / 1024, f / 1024 }' "/proc/$1/status"; }

python3 "$ROOT/bench/gen_genesis.py" "$N" "$T/genesis.json"
/usr/bin/time -o "$T/time" -f '%e %M' "$BUILD/ethc" init --datadir "$T/db" "$T/genesis.json" >"$T/init.log" 2>&1
read -r s kb <"$T/time"
printf 'N = %s accounts; genesis.json %.1f MB; database %s MB\n' "$N" \
  "$(awk -v b="$(stat -c %s "$T/genesis.json")" 'BEGIN { print b / 1048576 }')" "$(du -sm "$T/db" | cut -f1)"
printf 'init: %s s, %.1f MB max RSS\n' "$s" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"

# bodies: RANDOM_ACCOUNTS accounts drawn from all N, and 20 with their balances
python3 - "$N" "$RANDOM_ACCOUNTS" "$T" <<'PY'
import hashlib, random, sys
n, k, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def acct(i):
    h = hashlib.sha256((0).to_bytes(8, "big", signed=True) + i.to_bytes(8, "big")).digest()
    return "0x" + h[:20].hex(), int.from_bytes(h[20:30], "big") | 1
rng = random.Random(12345)
picks = [rng.randrange(n) for _ in range(k)]
with open(out + "/balance.txt", "w") as f, open(out + "/proof.txt", "w") as g:
    for i, p in enumerate(picks):
        a, _ = acct(p)
        f.write('1 {"jsonrpc":"2.0","id":%d,"method":"eth_getBalance","params":["%s","latest"]}\n' % (i, a))
        g.write('1 {"jsonrpc":"2.0","id":%d,"method":"eth_getProof","params":["%s",[],"latest"]}\n' % (i, a))
with open(out + "/expect.txt", "w") as f:
    for p in picks[:20]:
        a, b = acct(p)
        f.write("%s %s\n" % (a, hex(b)))
PY

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT/
t0=$(date +%s.%N)
"$BUILD/ethc" node --datadir "$T/db" --http.port "$PORT" --verbosity 2 >"$T/node.log" 2>&1 &
PID=$!
up=
for _ in $(seq 3000); do
  if curl -s -m 2 -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}' "$URL" 2>/dev/null |
    grep -q result; then up=1; break; fi
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.01
done
[ -n "$up" ] || { echo "rpc_1m.sh: ethc node did not start:" >&2; tail -20 "$T/node.log" >&2; exit 1; }
printf 'start: first answer after %.2f s, RSS %s MB\n' "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$(rss_mb "$PID")"

bad=0
while read -r a want; do
  got=$(curl -s -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBalance\",\"params\":[\"$a\",\"latest\"]}" "$URL" |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("result"))')
  [ "$got" = "$want" ] || { echo "rpc_1m.sh: balance of $a: $got, genesis has $want" >&2; bad=$((bad + 1)); }
done <"$T/expect.txt"
[ "$bad" = 0 ] || exit 1
echo "20 balances read back equal the genesis"

run() { # LABEL FILE WRK_ARGS...
  local label=$1 file=$2
  shift 2
  local r
  r=$(RPC_MIX=$file wrk "$@" -d "$DUR" -s "$ROOT/bench/rpc_mix.lua" "$URL" | awk '/^RESULT/ { print $2, $3, $4, $5 }')
  read -r rps p50 p99 err <<<"$r"
  printf '| %s | %s | %s | %s / %s | %s |\n' "$label" "$*" "$rps" "$p50" "$p99" "$err"
}
echo
echo "| method | wrk | requests/s | p50 / p99 ms | errors |"
echo "|---|---|---:|---:|---:|"
run "eth_getBalance (cold)" "$T/balance.txt" -t2 -c32
run "eth_getBalance" "$T/balance.txt" -t2 -c32
run "eth_getBalance" "$T/balance.txt" -t1 -c1
run "eth_getProof" "$T/proof.txt" -t2 -c32
run "eth_getProof" "$T/proof.txt" -t1 -c1
echo
printf 'RSS after the load: %s MB\n' "$(rss_mb "$PID")"
