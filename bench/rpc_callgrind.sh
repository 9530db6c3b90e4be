#!/usr/bin/env bash
# Instructions per request of the whole server (every thread, libmicrohttpd
# included; the kernel not), the figure that stays put on a busy machine where
# requests/s do not: `ethc node` on the rpc-compat chain and bench/bare_rpc.c
# each run under valgrind --tool=callgrind, and for each of bench/rpc.sh's
# bodies a keep-alive client sends N requests between a zeroing and a dump of
# the counters (callgrind_control). Prints one table: instructions per request.
# usage: [METHODS=...] bench/rpc_callgrind.sh [BUILD_DIR] [N]   (needs valgrind; ../shared/rpc-compat)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
N=${2:-2000}
SUITE=$ROOT/../shared/rpc-compat
METHODS=${METHODS:-eth_blockNumber eth_getBalance eth_call eth_getBlockByNumber eth_getTransactionReceipt eth_getLogs}
command -v valgrind >/dev/null || { echo "rpc_callgrind.sh: valgrind not installed" >&2; exit 1; }
TMP=$(mktemp -d "$BUILD/rpc-callgrind.XXXXXX")
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

"$BUILD/ethc" import --fakepow --genesis "$SUITE/genesis.json" --datadir "$TMP/data" "$SUITE/chain.rlp" >/dev/null 2>&1
valgrind --tool=callgrind --callgrind-out-file="$TMP/ethc.cg" "$BUILD/ethc" node --datadir "$TMP/data" --http.port 0 \
  --verbosity 2 >"$TMP/ethc.out" 2>"$TMP/ethc.log" &
PIDS+=($!)
ETHC_PID=$!
valgrind --tool=callgrind --callgrind-out-file="$TMP/bare.cg" "$BUILD/bare_rpc" 0 >"$TMP/bare.out" 2>"$TMP/bare.log" &
PIDS+=($!)
BARE_PID=$!
for _ in $(seq 600); do grep -q http:// "$TMP/ethc.out" && grep -q http:// "$TMP/bare.out" && break; sleep 0.1; done
ETHC_URL=$(grep -o 'http://[^ ]*' "$TMP/ethc.out")
BARE_URL=$(grep -o 'http://[^ ]*' "$TMP/bare.out")

# instructions collected by PID between a zeroing and a dump while N requests of BODY go to URL
measure() { # PID URL BODY
  callgrind_control -z "$1" >/dev/null 2>&1
  python3 - "$2" "$3" "$N" <<'PY'
import http.client, sys, urllib.parse
url, body, n = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3])
u = urllib.parse.urlparse(url)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
for _ in range(n):
    c.request("POST", "/", body, {"Content-Type": "application/json"})
    r = c.getresponse().read()
    if b'"error"' in r:
        sys.exit("rpc_callgrind.sh: error response: " + r.decode())
PY
  rm -f "$TMP"/*.cg.*
  callgrind_control -d "$1" >/dev/null 2>&1
  sleep 0.5
  local total=0 f t
  for f in "$TMP"/*.cg.*; do
    [ -e "$f" ] || continue
    t=$(grep -m1 '^summary:' "$f" | awk '{print $2}')
    total=$((total + ${t:-0}))
  done
  echo $((total / N))
}
body() { printf '{"jsonrpc":"2.0","id":1,"method":"%s","params":%s}' "$1" "$2"; }
declare -A P=(
  [eth_blockNumber]='[]'
  [eth_getBalance]='["0x7dcd17433742f4c0ca53122ab541d0ba67fc27df","latest"]'
  [eth_call]='[{"from":"0x0000000000000000000000000000000000000000","to":"0x9344b07175800259691961298ca11c824e65032d"},"latest"]'
  [eth_getBlockByNumber]='["latest",false]'
  [eth_getTransactionReceipt]='["0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864"]'
  [eth_getLogs]='[{"fromBlock":"0x0","toBlock":"latest","topics":[null,"0x95b7276947f6331672b0c63eca28c1d39f25286d5e2793d6a487837ff1475ba0"]}]'
)
printf '\n%d keep-alive requests per cell; instructions per request (callgrind, all threads)\n\n' "$N"
printf '| method | ethc | bare | ethc - bare |\n|---|---:|---:|---:|\n'
bare=$(measure "$BARE_PID" "$BARE_URL" "$(body eth_blockNumber '[]')")
for m in $METHODS; do
  e=$(measure "$ETHC_PID" "$ETHC_URL" "$(body "$m" "${P[$m]}")")
  printf '| %s | %s | %s | %s |\n' "$m" "$e" "$bare" "$((e - bare))"
done
