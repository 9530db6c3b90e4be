#!/usr/bin/env python3
"""The call object's fields and limits that eth_call, eth_estimateGas,
eth_createAccessList and debug_traceCall share, on `ethc node` with the
rpc-compat chain, as go-ethereum treats them:
- `nonce` is decoded (a malformed one: -32602) but a call skips the nonce
  checks and runs with the sender's nonce in the state (a creation's address
  is the state nonce's); eth_createAccessList names the created contract by
  the given nonce, so a stale one leaves the real address in the list;
- debug_traceCall stops at --rpc.evmtimeout as eth_call does;
- slow calls hold up no other client: on a node with --rpc.evmtimeout 2s,
  while 8 endless eth_calls (more than the server's event threads) run to the
  timeout, each with its own keep-alive connection, eth_blockNumber on 8
  other connections answers well before (under 1 s even on a loaded machine;
  held up, it would wait for a call's 2 s), and each slow call still gets the
  error of the full timeout (a call is tried on an event thread within a
  small budget first, then run again on a worker thread).
usage: rpc_call_args.py ETHC RPC_COMPAT_DIR WORKDIR"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from miner_node import FROM, check, summary  # noqa: E402
from rpc_node import Node  # noqa: E402

LOOP = "0xc300000000000000000000000000000000000000"
LOOP_CODE = "0x5b600056"  # JUMPDEST PUSH1 0 JUMP: forever
RETURN_ADDRESS = "0x305f5260205ff3"  # init code: ADDRESS PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
TOUCH_SELF = "0x303150"  # init code: ADDRESS BALANCE POP


def code_of(r):
    return r.get("error", {}).get("code")


def nonce_field(node):
    n = int(node.call("eth_getTransactionCount", FROM, "latest")["result"], 16)
    created = node.call("eth_call", {"from": FROM, "input": RETURN_ADDRESS}, "latest").get("result", "")
    check(len(created) == 66, f"a creation's init code returns its address: {created}")
    for method in ("eth_call", "eth_estimateGas", "eth_createAccessList", "debug_traceCall"):
        for bad in ("0xzz", "12", 5, "0x10000000000000000"):
            r = node.call(method, {"from": FROM, "to": LOOP, "nonce": bad}, "latest")
            check(code_of(r) == -32602, f"{method} with nonce {bad!r}: -32602 ({r.get('error')})")
    # a stale or future nonce changes nothing: the state's nonce is used
    for given in (0, n + 5):
        r = node.call("eth_call", {"from": FROM, "input": RETURN_ADDRESS, "nonce": hex(given)}, "latest")
        check(r.get("result") == created, f"eth_call with nonce {given}: created at the state nonce's address")
        r = node.call("eth_estimateGas", {"from": FROM, "to": FROM, "nonce": hex(given)}, "latest")
        check(r.get("result") == "0x5208", f"eth_estimateGas with nonce {given}: 21000 ({r})")
    # eth_createAccessList excludes the contract it thinks is created
    address = "0x" + created[-40:]
    r = node.call("eth_createAccessList", {"from": FROM, "input": TOUCH_SELF}, "latest")
    check(r.get("result", {}).get("accessList") == [], f"no nonce: the created contract is not listed ({r})")
    r = node.call("eth_createAccessList", {"from": FROM, "input": TOUCH_SELF, "nonce": hex(n)}, "latest")
    check(r.get("result", {}).get("accessList") == [], f"the state's nonce: not listed ({r})")
    r = node.call("eth_createAccessList", {"from": FROM, "input": TOUCH_SELF, "nonce": hex(n + 5)}, "latest")
    al = r.get("result", {}).get("accessList")
    check(al == [{"address": address, "storageKeys": []}], f"a future nonce: the real address is listed ({r})")


def trace_timeout(node):
    t0 = time.time()
    _, _, text = node.post('{"jsonrpc":"2.0","id":1,"method":"debug_traceCall","params":[{"to":"%s","gas":'
                           '"0x174876e800"},"latest",{"tracer":"callTracer","stateOverrides":{"%s":{"code":"%s"}}}]}'
                           % (LOOP, LOOP, LOOP_CODE), timeout=20)
    dt = time.time() - t0
    check("execution aborted (timeout = 200ms)" in text and dt < 2.0,
          f"debug_traceCall of an endless loop stops at --rpc.evmtimeout: {text.strip()[:120]} in {dt:.2f} s")
    r = node.call("debug_traceCall", {"from": FROM, "to": FROM}, "latest", {"tracer": "callTracer"})
    check(r.get("result", {}).get("type") == "CALL", f"a short trace still runs on the same threads ({r})")


def slow_calls_isolated(node):
    u = urllib.parse.urlparse(node.url)
    loop = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_call",
                       "params": [{"to": LOOP, "gas": "0x174876e800"}, "latest", {LOOP: {"code": LOOP_CODE}}]})
    quick = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []})
    fast = [http.client.HTTPConnection(u.hostname, u.port, timeout=20) for _ in range(8)]
    for c in fast:  # connected before the slow calls start
        c.request("POST", "/", quick, {"Content-Type": "application/json"})
        c.getresponse().read()
    slow_out = []

    def slow():
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
        t0 = time.time()
        c.request("POST", "/", loop, {"Content-Type": "application/json"})
        slow_out.append((json.loads(c.getresponse().read()), time.time() - t0))
        c.close()
    threads = [threading.Thread(target=slow) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.05)  # the slow calls are running
    worst = 0.0
    for _ in range(3):
        for c in fast:
            t0 = time.time()
            c.request("POST", "/", quick, {"Content-Type": "application/json"})
            ok = b'"result":"0x' in c.getresponse().read()
            worst = max(worst, time.time() - t0 if ok else 99)
    for t in threads:
        t.join()
    check(worst < 1, f"eth_blockNumber on 8 connections while 8 endless eth_calls run: slowest {worst * 1e3:.1f} ms")
    msgs = [r.get("error", {}).get("message") for r, _ in slow_out]
    check(len(msgs) == 8 and all(m == "execution aborted (timeout = 2s)" for m in msgs) and
          all(1.9 < dt < 10 for _, dt in slow_out),
          f"each endless eth_call: the timeout of --rpc.evmtimeout ({msgs[:1]}, {[round(dt, 2) for _, dt in slow_out]})")
    for c in fast:
        c.close()


def main():
    ethc, suite, workdir = sys.argv[1:4]
    node = Node(ethc, workdir, suite, ["--http.api", "eth,debug", "--rpc.gascap", "100000000000",
                                       "--rpc.evmtimeout", "200ms"])
    try:
        nonce_field(node)
        trace_timeout(node)
    finally:
        check(node.stop() == 0, "exit 0 on SIGTERM")
    node.cleanup()
    node = Node(ethc, workdir, suite, ["--rpc.gascap", "100000000000", "--rpc.evmtimeout", "2s"])
    try:
        slow_calls_isolated(node)
    finally:
        check(node.stop() == 0, "exit 0 on SIGTERM")
    node.cleanup()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
