#!/usr/bin/env bash
# JSON-RPC throughput and latency of `ethc node` with wrk: imports the rpc-compat
# chain into a temporary data directory, starts the node on a free port, and runs
# each method's body for DURATION with `-t2 -c32` and `-t1 -c1`, printing
# requests/s, p50 and p99 (ms) and the error count (socket and HTTP errors and
# JSON-RPC error responses, counted by bench/rpc_post.lua).
# With ANVIL=/path/to/anvil (npm @foundry-rs/anvil), the same load of the two
# methods that need no chain data, eth_blockNumber and eth_getBlockByNumber(latest,
# false), also goes to anvil on its own dev chain, for comparison.
# METHODS="m1 m2" runs only those of the bodies below.
# usage: [ANVIL=PATH] [METHODS=...] bench/rpc.sh [BUILD_DIR] [DURATION]   (needs wrk; ../shared/rpc-compat)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
DUR=${2:-5s}
SUITE=$ROOT/../shared/rpc-compat
command -v wrk >/dev/null || { echo "rpc.sh: wrk not installed (apt-get install wrk)" >&2; exit 1; }
TMP=$(mktemp -d "$BUILD/rpc-bench.XXXXXX")
PID=
APID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  [ -n "$APID" ] && kill "$APID" 2>/dev/null && wait "$APID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
"$BUILD/ethc" import --fakepow --genesis "$SUITE/genesis.json" --datadir "$TMP/data" "$SUITE/chain.rlp" >/dev/null 2>&1
"$BUILD/ethc" node --datadir "$TMP/data" --http.port 0 --verbosity 2 >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 100); do grep -q http:// "$TMP/out" && break; sleep 0.1; done
URL=$(grep -o 'http://[^ ]*' "$TMP/out")

declare -A BODIES=(
  [eth_blockNumber]='{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}'
  [getBlockByNumber_latest_false]='{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",false]}'
  [getBlockByNumber_latest_true]='{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",true]}'
  [getTransactionReceipt]='{"jsonrpc":"2.0","id":1,"method":"eth_getTransactionReceipt","params":["0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864"]}'
  [getBalance_latest]='{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["0x7dcd17433742f4c0ca53122ab541d0ba67fc27df","latest"]}'
  [call_callenv]='{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{"from":"0x0000000000000000000000000000000000000000","to":"0x9344b07175800259691961298ca11c824e65032d"},"latest"]}'
  [getLogs_whole_chain]='{"jsonrpc":"2.0","id":1,"method":"eth_getLogs","params":[{"fromBlock":"0x0","toBlock":"latest","topics":[null,"0x95b7276947f6331672b0c63eca28c1d39f25286d5e2793d6a487837ff1475ba0"]}]}'
)
run() { # SERVER URL METHOD
  local tc r rps p50 p99 errs
  for tc in "2 32" "1 1"; do
    set -- "$1" "$2" "$3" $tc
    r=$(RPC_BODY=${BODIES[$3]} wrk -t"$4" -c"$5" -d"$DUR" -s "$ROOT/bench/rpc_post.lua" "$2" | grep '^RESULT' | tail -1)
    read -r _ rps p50 p99 errs <<<"$r"
    printf "%-6s %-30s %-8s %10s %9s %9s %7s\n" "$1" "$3" "-t$4 -c$5" "$rps" "$p50" "$p99" "$errs"
  done
}
printf "%-6s %-30s %-8s %10s %9s %9s %7s\n" server method conns rps p50_ms p99_ms errors
for m in ${METHODS:-eth_blockNumber getBlockByNumber_latest_false getBlockByNumber_latest_true getTransactionReceipt getBalance_latest call_callenv getLogs_whole_chain}; do
  run ethc "$URL" "$m"
done
if [ -n "${ANVIL:-}" ]; then
  APORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$ANVIL" --port "$APORT" --silent >"$TMP/anvil.log" 2>&1 &
  APID=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$APORT" && break; sleep 0.1; done
  for m in eth_blockNumber getBlockByNumber_latest_false; do run anvil "http://127.0.0.1:$APORT" "$m"; done
fi
kill -TERM "$PID"
wait "$PID" && PID= || { echo "rpc.sh: ethc node did not exit 0" >&2; PID=; exit 1; }
