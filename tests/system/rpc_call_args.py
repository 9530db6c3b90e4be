#!/usr/bin/env python3
"""The call object's fields and limits that eth_call, eth_estimateGas,
eth_createAccessList and debug_traceCall share, on `ethc node` with the
rpc-compat chain, as go-ethereum treats them:
- `nonce` is decoded (a malformed one: -32602) but a call skips the nonce
  checks and runs with the sender's nonce in the state (a creation's address
  is the state nonce's); eth_createAccessList names the created contract by
  the given nonce, so a stale one leaves the real address in the list;
- debug_traceCall stops at --rpc.evmtimeout as eth_call does.
usage: rpc_call_args.py ETHC RPC_COMPAT_DIR WORKDIR"""
import os
import sys
import time

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
    return summary()


if __name__ == "__main__":
    sys.exit(main())
