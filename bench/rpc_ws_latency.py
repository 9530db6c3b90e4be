#!/usr/bin/env python3
"""WebSocket newHeads latency of `ethc node --dev --ws`: a client subscribed to
newHeads asks for a block (evm_mine over a keep-alive HTTP connection) N times
and times, for each block, the notification's arrival after the request was
sent (the block's building, execution and commit included: an upper bound of
the delay from commit to delivery) and after the evm_mine response arrived
(negative: the notification came first). Prints p50 / p99 / max in ms.
usage: bench/rpc_ws_latency.py [BUILD_DIR] [N]   (the issue's goal: within 5 ms of the commit)"""
import http.client
import json
import os
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
from miner_node import Started  # noqa: E402
from rpc_ws import WS  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    tmp = tempfile.mkdtemp(prefix="ws-latency-", dir=build)
    log = open(os.path.join(tmp, "node.log"), "w")
    node = Started(os.path.join(build, "ethc"), ["--dev", "--dev.ephemeral", "--ws", "--verbosity", "2"], log,
                   env=dict(os.environ, TMPDIR=tmp))
    try:
        if node.url is None:
            sys.exit("rpc_ws_latency.py: the node did not start")
        ws = WS(node.url)
        sub = ws.call({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe", "params": ["newHeads"]})["result"]
        u = urllib.parse.urlparse(node.url)
        http_conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "evm_mine", "params": []})
        from_req, from_resp = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            http_conn.request("POST", "/", body, {"Content-Type": "application/json"})
            r = json.loads(http_conn.getresponse().read())
            t1 = time.perf_counter()
            if "error" in r:
                sys.exit(f"rpc_ws_latency.py: evm_mine: {r['error']}")
            while True:
                op, data = ws.recv_data()
                msg = json.loads(data)
                if op == 1 and msg.get("params", {}).get("subscription") == sub:
                    break
            t2 = time.perf_counter()
            from_req.append((t2 - t0) * 1e3)
            from_resp.append((t2 - t1) * 1e3)
        print(f"newHeads over WebSocket, {n} blocks (evm_mine on `ethc node --dev`), ms")
        print("| from | p50 | p99 | max |\n|---|---:|---:|---:|")
        for name, xs in (("evm_mine sent (block built and committed in between)", from_req),
                         ("evm_mine answered", from_resp)):
            print(f"| {name} | {pct(xs, 50):.3f} | {pct(xs, 99):.3f} | {max(xs):.3f} |")
    finally:
        node.stop()
        log.close()


if __name__ == "__main__":
    main()
