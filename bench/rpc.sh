#!/usr/bin/env bash
# JSON-RPC throughput and latency of `ethc node` beside other servers, in one run:
#   ethc     `ethc node` on the rpc-compat chain (imported into a temporary datadir)
#   bare     bench/bare_rpc.c: libmicrohttpd, a thread per connection, one constant
#            response (the HTTP floor)
#   anvil, hardhat, ganache   the npm development nodes (bench/package.json; installed
#            into bench/node_modules on demand), each with the same small contract
#            deployed and called once (so a receipt and a log exist)
# For each method (eth_blockNumber, eth_getBalance, eth_call of a view function,
# eth_getBlockByNumber(latest,false), eth_getTransactionReceipt, eth_getLogs) and a
# mix weighted like mainnet traffic (about half eth_call; bench/rpc_mix.lua draws the
# bodies), wrk runs DURATION with `-t2 -c32` and `-t1 -c1` against every server in
# turn (servers interleaved per method, so all see the same minutes), and one markdown
# table prints requests/s and p50/p99 latency (ms) side by side; errors (socket, HTTP
# and JSON-RPC error responses) show as "E=N". A second table gives each server's
# CPU time per request (user + system ticks of its process group over the cell),
# a figure that a busy machine moves less than requests/s.
# Each server gets its own data: on ethc the rpc-compat chain's contract 0x9344..
# (eth_call), a receipt of its block 2, and eth_getLogs of the whole chain by a topic;
# on the development nodes the contract below (its getter, its one write's receipt,
# eth_getLogs of blocks 0..latest by its address).
#   base     (only when named in SERVERS) `ethc node` of another build, BASE_BUILD
#            (default BUILD_DIR), on its own copy of the chain: a before/after
#            comparison in the same minutes
# usage: [SERVERS="ethc bare anvil hardhat ganache"] [METHODS=...] [BASE_BUILD=DIR] bench/rpc.sh [BUILD_DIR] [DURATION]
# (needs wrk, node and npm; ../shared/rpc-compat)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
DUR=${2:-3s}
SUITE=$ROOT/../shared/rpc-compat
SERVERS=${SERVERS:-ethc bare anvil hardhat ganache}
METHODS=${METHODS:-eth_blockNumber eth_getBalance eth_call eth_getBlockByNumber eth_getTransactionReceipt eth_getLogs mix}
command -v wrk >/dev/null || { echo "rpc.sh: wrk not installed (apt-get install wrk)" >&2; exit 1; }
has() { case " $SERVERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if has anvil || has hardhat || has ganache; then
  command -v npm >/dev/null || { echo "rpc.sh: npm not installed (apt-get install nodejs npm)" >&2; exit 1; }
  NM=$ROOT/bench/node_modules
  if [ ! -e "$NM/.bin/anvil" ] || [ ! -e "$NM/.bin/ganache" ] || [ ! -e "$NM/hardhat/internal/cli/cli.js" ]; then
    echo "rpc.sh: installing the development nodes into bench/node_modules" >&2
    (cd "$ROOT/bench" && npm ci --no-audit --no-fund >&2)
  fi
fi
[ -x "$BUILD/bare_rpc" ] || ! has bare || cmake --build "$BUILD" --target bare_rpc >&2

TMP=$(mktemp -d "$BUILD/rpc-bench.XXXXXX")
declare -A PIDS=() URLS=()
# Each server runs in a process group of its own (setsid), so that stopping it
# also stops what its launcher started (the npm packages' node wrappers spawn the
# real servers).
stop_group() { # PID
  kill -TERM -- "-$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 -- "-$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  local s
  for s in "${!PIDS[@]}"; do stop_group "${PIDS[$s]}"; done
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rpc() { # URL BODY: the response
  curl -s -m 10 -H 'Content-Type: application/json' -d "$2" "$1"
}
wait_up() { # NAME URL
  local _
  for _ in $(seq 600); do
    rpc "$2" '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}' 2>/dev/null | grep -q result && return 0
    kill -0 "${PIDS[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "rpc.sh: $1 did not start; its log:" >&2
  tail -20 "$TMP/$1.log" >&2
  exit 1
}

# ---- servers ----
if has ethc; then
  "$BUILD/ethc" import --fakepow --genesis "$SUITE/genesis.json" --datadir "$TMP/data" "$SUITE/chain.rlp" >/dev/null 2>&1
  setsid "$BUILD/ethc" node --datadir "$TMP/data" --http.port 0 --verbosity 2 >"$TMP/ethc.out" 2>"$TMP/ethc.log" &
  PIDS[ethc]=$!
  for _ in $(seq 100); do grep -q http:// "$TMP/ethc.out" && break; sleep 0.1; done
  URLS[ethc]=$(grep -o 'http://[^ ]*' "$TMP/ethc.out")
fi
if has base; then
  BASE=$(cd "${BASE_BUILD:-$BUILD}" && pwd)
  "$BASE/ethc" import --fakepow --genesis "$SUITE/genesis.json" --datadir "$TMP/base-data" "$SUITE/chain.rlp" >/dev/null 2>&1
  setsid "$BASE/ethc" node --datadir "$TMP/base-data" --http.port 0 --verbosity 2 >"$TMP/base.out" 2>"$TMP/base.log" &
  PIDS[base]=$!
  for _ in $(seq 100); do grep -q http:// "$TMP/base.out" && break; sleep 0.1; done
  URLS[base]=$(grep -o 'http://[^ ]*' "$TMP/base.out")
fi
if has bare; then
  setsid "$BUILD/bare_rpc" 0 >"$TMP/bare.out" 2>"$TMP/bare.log" &
  PIDS[bare]=$!
  for _ in $(seq 100); do grep -q http:// "$TMP/bare.out" && break; sleep 0.1; done
  URLS[bare]=$(cat "$TMP/bare.out")
fi
if has anvil; then
  P=$(free_port)
  setsid "$NM/.bin/anvil" --host 127.0.0.1 --port "$P" --silent >"$TMP/anvil.log" 2>&1 &
  PIDS[anvil]=$! URLS[anvil]=http://127.0.0.1:$P
fi
if has hardhat; then
  # a project of its own whose node_modules is ours (hardhat wants a local install)
  mkdir -p "$TMP/hardhat"
  ln -s "$NM" "$TMP/hardhat/node_modules"
  echo 'module.exports = { networks: { hardhat: { loggingEnabled: false } } };' >"$TMP/hardhat/hardhat.config.cjs"
  P=$(free_port)
  (cd "$TMP/hardhat" && HARDHAT_DISABLE_TELEMETRY_PROMPT=true exec setsid node node_modules/hardhat/internal/cli/cli.js \
    node --hostname 127.0.0.1 --port "$P") >"$TMP/hardhat.log" 2>&1 &
  PIDS[hardhat]=$! URLS[hardhat]=http://127.0.0.1:$P
fi
if has ganache; then
  P=$(free_port)
  setsid "$NM/.bin/ganache" --server.host 127.0.0.1 --server.port "$P" --logging.quiet >"$TMP/ganache.log" 2>&1 &
  PIDS[ganache]=$! URLS[ganache]=http://127.0.0.1:$P
fi
for s in $SERVERS; do wait_up "$s" "${URLS[$s]}"; done
# hardhat's node logs every call unless told not to
if has hardhat; then rpc "${URLS[hardhat]}" '{"jsonrpc":"2.0","id":1,"method":"hardhat_setLoggingEnabled","params":[false]}' >/dev/null; fi

# ---- request bodies: $TMP/SERVER.bodies, one "METHOD BODY" a line ----
body() { printf '{"jsonrpc":"2.0","id":1,"method":"%s","params":%s}' "$1" "$2"; }
ethc_bodies() {
  echo "eth_blockNumber $(body eth_blockNumber '[]')"
  echo "eth_getBalance $(body eth_getBalance '["0x7dcd17433742f4c0ca53122ab541d0ba67fc27df","latest"]')"
  echo "eth_call $(body eth_call '[{"from":"0x0000000000000000000000000000000000000000","to":"0x9344b07175800259691961298ca11c824e65032d"},"latest"]')"
  echo "eth_getBlockByNumber $(body eth_getBlockByNumber '["latest",false]')"
  echo "eth_getTransactionReceipt $(body eth_getTransactionReceipt '["0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864"]')"
  echo "eth_getLogs $(body eth_getLogs '[{"fromBlock":"0x0","toBlock":"latest","topics":[null,"0x95b7276947f6331672b0c63eca28c1d39f25286d5e2793d6a487837ff1475ba0"]}]')"
}
# The contract on the development nodes (hand-assembled, no compiler needed):
# calldata shorter than 32 bytes (a getter's selector) returns slot 0; a 32-byte
# word is stored in slot 0 and logged (LOG1, the word as its topic).
INITCODE=0x602080600b6000396000f3602036106014576000358060005560006000a1005b60005460005260206000f3
dev_bodies() { # URL: deploys, writes once, prints the bodies
  python3 - "$1" "$INITCODE" <<'EOF'
import json, sys, time, urllib.request
url, initcode = sys.argv[1:3]
def call(method, *params):
    req = urllib.request.Request(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode(),
                                 {"Content-Type": "application/json"})
    r = json.loads(urllib.request.urlopen(req, timeout=30).read())
    if "error" in r:
        sys.exit(f"rpc.sh: {method}: {r['error']}")
    return r["result"]
def mined(h):
    for _ in range(300):
        rec = call("eth_getTransactionReceipt", h)
        if rec:
            return rec
        time.sleep(0.1)
    sys.exit(f"rpc.sh: transaction {h} not mined")
acct = call("eth_accounts")[0]
addr = mined(call("eth_sendTransaction", {"from": acct, "data": initcode, "gas": hex(200000)}))["contractAddress"]
word = "0x" + "00" * 31 + "2a"
write = call("eth_sendTransaction", {"from": acct, "to": addr, "data": word, "gas": hex(100000)})
mined(write)
assert call("eth_call", {"to": addr, "data": "0x6d4ce63c"}, "latest") == word, "the getter does not answer the word"
b = lambda m, p: json.dumps({"jsonrpc": "2.0", "id": 1, "method": m, "params": p}, separators=(",", ":"))
print("eth_blockNumber", b("eth_blockNumber", []))
print("eth_getBalance", b("eth_getBalance", [acct, "latest"]))
print("eth_call", b("eth_call", [{"from": acct, "to": addr, "data": "0x6d4ce63c"}, "latest"]))
print("eth_getBlockByNumber", b("eth_getBlockByNumber", ["latest", False]))
print("eth_getTransactionReceipt", b("eth_getTransactionReceipt", [write]))
print("eth_getLogs", b("eth_getLogs", [{"fromBlock": "0x0", "toBlock": "latest", "address": addr}]))
EOF
}
for s in $SERVERS; do
  case $s in
    ethc | base | bare) ethc_bodies >"$TMP/$s.bodies" ;;
    *) dev_bodies "${URLS[$s]}" >"$TMP/$s.bodies" ;;
  esac
  # the mix: weights after public mainnet RPC traffic, about half eth_call
  awk 'BEGIN { w["eth_call"] = 50; w["eth_getBlockByNumber"] = 12; w["eth_blockNumber"] = 12
               w["eth_getTransactionReceipt"] = 10; w["eth_getBalance"] = 8; w["eth_getLogs"] = 8 }
       { m = $1; sub(/^[^ ]+ /, ""); print w[m], $0 }' "$TMP/$s.bodies" >"$TMP/$s.mix"
done

# ---- load ----
# CPU ticks (user + system) of every process in a server's process group: the
# server's own cost per request, which a busy machine changes less than rps.
group_ticks() { # PGID
  local pg=$1 t=0 f st
  for f in /proc/[0-9]*/stat; do
    st=$(cat "$f" 2>/dev/null) || continue
    st=${st##*) }
    set -- $st
    [ "${3:-}" = "$pg" ] || continue
    t=$((t + ${12} + ${13}))
  done
  echo "$t"
}
HZ=$(getconf CLK_TCK)
declare -A RES=() CPU=()
for m in $METHODS; do
  for tc in "2 32" "1 1"; do
    set -- $tc
    for s in $SERVERS; do
      t0=$(group_ticks "${PIDS[$s]}")
      if [ "$m" = mix ]; then
        out=$(RPC_MIX=$TMP/$s.mix wrk -t"$1" -c"$2" -d"$DUR" --timeout 10s -s "$ROOT/bench/rpc_mix.lua" "${URLS[$s]}")
      else
        b=$(grep "^$m " "$TMP/$s.bodies" | cut -d' ' -f2-)
        out=$(RPC_BODY=$b wrk -t"$1" -c"$2" -d"$DUR" --timeout 10s -s "$ROOT/bench/rpc_post.lua" "${URLS[$s]}")
      fi
      RES[$s,$m,$tc]=$(grep '^RESULT' <<<"$out" | tail -1 | cut -d' ' -f2-)
      t1=$(group_ticks "${PIDS[$s]}")
      reqs=$(grep -o '[0-9]* requests in' <<<"$out" | cut -d' ' -f1)
      CPU[$s,$m,$tc]=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v n="${reqs:-0}" 'BEGIN { if (n > 0) printf "%.1f", t * 1e6 / hz / n; else print "-" }')
      echo "rpc.sh: $s $m -t$1 -c$2: ${RES[$s,$m,$tc]} cpu ${CPU[$s,$m,$tc]} us/req" >&2
    done
  done
done

# ---- the table ----
printf '\nwrk %s per cell; each cell: requests/s, p50 / p99 ms\n\n| method | wrk |' "$DUR"
for s in $SERVERS; do printf ' %s |' "$s"; done
printf '\n|---|---|'
for s in $SERVERS; do printf -- '---:|'; done
printf '\n'
for m in $METHODS; do
  for tc in "2 32" "1 1"; do
    set -- $tc
    printf '| %s | -t%s -c%s |' "$m" "$1" "$2"
    for s in $SERVERS; do
      read -r rps p50 p99 errs <<<"${RES[$s,$m,$tc]:-0 0 0 0}"
      e=""
      [ "${errs:-0}" != 0 ] && e=" E=$errs"
      printf ' %s · %s / %s%s |' "$rps" "$p50" "$p99" "$e"
    done
    printf '\n'
  done
done

# the servers' CPU time per request (user + system, all their threads and
# child processes; the kernel's work for their sockets included)
printf '\nserver CPU time per request (us), same runs\n\n| method | wrk |'
for s in $SERVERS; do printf ' %s |' "$s"; done
printf '\n|---|---|'
for s in $SERVERS; do printf -- '---:|'; done
printf '\n'
for m in $METHODS; do
  for tc in "2 32" "1 1"; do
    set -- $tc
    printf '| %s | -t%s -c%s |' "$m" "$1" "$2"
    for s in $SERVERS; do printf ' %s |' "${CPU[$s,$m,$tc]:--}"; done
    printf '\n'
  done
done

if has ethc; then
  kill -TERM "${PIDS[ethc]}"
  status=0
  wait "${PIDS[ethc]}" || status=$?
  unset 'PIDS[ethc]'
  [ "$status" = 0 ] || { echo "rpc.sh: ethc node exited $status" >&2; exit 1; }
fi
