#!/usr/bin/env python3
"""eth_simulateV1, block overrides and --rpc.evmtimeout on `ethc node` (the
rpc-compat chain): calls read the overridden NUMBER, TIMESTAMP, COINBASE,
BASEFEE, PREVRANDAO and GASLIMIT; eth_estimateGas, eth_createAccessList and
debug_traceCall run under block overrides; a simulated block's BLOCKHASH of
the simulated block before it is that block's hash, and state carries from
block to block; an endless loop under a high --rpc.gascap is aborted after
--rpc.evmtimeout with geth's message, and the node keeps answering.
usage: rpc_simulate.py ETHC RPC_COMPAT_DIR WORKDIR"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rpc_node import Node  # noqa: E402

failures = []

SENDER = "0xc000000000000000000000000000000000000000"
READER = "0xc100000000000000000000000000000000000000"
GUARD = "0xc200000000000000000000000000000000000000"
LOOP = "0xc300000000000000000000000000000000000000"
COINBASE = "0x000000000000000000000000000000000000cafe"
RANDAO = "0x" + "00" * 31 + "42"
# NUMBER, TIMESTAMP, COINBASE, BASEFEE, PREVRANDAO, GASLIMIT as six words
READER_CODE = "0x435f524260205241604052486060524460805245" + "60a052" + "60c05ff3"
# succeeds when NUMBER is 0x1234, reverts otherwise
GUARD_CODE = "0x43611234146" + "00b575f5ffd5b00"
# JUMPDEST PUSH1 0 JUMP: forever
LOOP_CODE = "0x5b600056"
# BLOCKHASH(NUMBER - 1) and the balance of READER
HASH_CODE = "0x60014303405f5273" + READER[2:] + "3160205260405ff3"


def expect(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def words(hexdata):
    d = hexdata[2:]
    return [int(d[i:i + 64], 16) for i in range(0, len(d), 64)]


def block_overrides(node):
    overrides = {"number": "0x1234", "time": "0x5678", "feeRecipient": COINBASE, "baseFeePerGas": "0x7",
                 "prevRandao": RANDAO, "gasLimit": "0x1000000"}
    state = {READER: {"code": READER_CODE}, SENDER: {"balance": "0xffffffffffffffffffff"}}
    call = {"from": SENDER, "to": READER, "gas": "0x100000", "maxFeePerGas": "0x3b9aca00",
            "maxPriorityFeePerGas": "0x0"}
    r = node.call("eth_call", call, "latest", state, overrides)
    got = words(r.get("result", "0x"))
    expect(got == [0x1234, 0x5678, 0xcafe, 7, 0x42, 0x1000000],
           f"eth_call sees the overridden number, time, coinbase, base fee, randao, gas limit ({r})")
    r = node.call("eth_call", call, "latest", state)
    got = words(r.get("result", "0x"))
    expect(len(got) == 6 and got[0] == 0x36, f"without overrides: the block's own number ({got[:1]})")
    r = node.call("eth_call", {"from": SENDER, "input": "0x61abcd5f526002601ef3"}, "latest")
    expect(r.get("result") == "0xabcd", f"eth_call of a creation returns the deployed code ({r})")
    r = node.call("eth_call", call, "latest", state, {"number": "0x10", "time": {}})
    expect(r.get("error", {}).get("code") == -32602, "a malformed block override: -32602")

    guard_state = {GUARD: {"code": GUARD_CODE}}
    gcall = {"from": SENDER, "to": GUARD}
    r = node.call("eth_estimateGas", gcall, "latest", guard_state, {"number": "0x1234"})
    expect(isinstance(r.get("result"), str) and int(r["result"], 16) > 21000,
           f"eth_estimateGas under a number override succeeds ({r})")
    r = node.call("eth_estimateGas", gcall, "latest", guard_state)
    expect(r.get("error", {}).get("message") == "execution reverted", f"eth_estimateGas without it reverts ({r})")
    r = node.call("eth_createAccessList", gcall, "latest", guard_state, {"number": "0x1234"})
    expect("result" in r and "error" not in r["result"], f"eth_createAccessList under the override: no error ({r})")
    r = node.call("eth_createAccessList", gcall, "latest", guard_state)
    expect("result" in r and "error" in r["result"], "eth_createAccessList without it: the revert")
    cfg = {"tracer": "callTracer", "stateOverrides": guard_state}
    r = node.call("debug_traceCall", gcall, "latest", dict(cfg, blockOverrides={"number": "0x1234"}))
    expect("result" in r and "error" not in r["result"], f"debug_traceCall under the override: no error ({r})")
    r = node.call("debug_traceCall", gcall, "latest", cfg)
    expect("result" in r and "error" in r["result"], "debug_traceCall without it: the revert")


def precompiles(node):
    sha = "0x0000000000000000000000000000000000000002"
    dest = "0xc400000000000000000000000000000000000000"
    empty_sha = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    r = node.call("eth_call", {"to": dest}, "latest", {sha: {"movePrecompileToAddress": dest}})
    expect(r.get("result") == empty_sha, f"eth_call: sha256 moved to another address runs there ({r})")
    r = node.call("eth_call", {"to": sha}, "latest", {sha: {"movePrecompileToAddress": dest}})
    expect(r.get("result") == "0x", f"and its old address has no code ({r})")
    r = node.call("eth_call", {"to": sha}, "latest", {sha: {"code": "0x602a5f5260205ff3"}})
    expect(words(r.get("result", "0x")) == [42], f"code put on a precompile's address runs instead ({r})")
    r = node.call("eth_call", {"to": dest}, "latest", {READER: {"movePrecompileToAddress": dest}})
    expect(r.get("error", {}).get("code") == -32000, f"moving a non-precompile: -32000 ({r})")
    r = node.call("eth_call", {"to": dest}, "latest", {sha: {"movePrecompileToAddress": dest}, dest: {}})
    expect(r.get("error", {}).get("code") == -32000, f"moving onto an overridden account: -32000 ({r})")


def simulate(node):
    blocks = [
        {"stateOverrides": {SENDER: {"balance": "0x1000000"}},
         "calls": [{"from": SENDER, "to": READER, "value": "0x1000"}]},
        {"stateOverrides": {LOOP: {"code": HASH_CODE}}, "calls": [{"from": SENDER, "to": LOOP}]},
    ]
    r = node.call("eth_simulateV1", {"blockStateCalls": blocks, "traceTransfers": True}, "latest")
    res = r.get("result")
    expect(isinstance(res, list) and len(res) == 2, f"eth_simulateV1: two blocks ({str(r)[:200]})")
    if not isinstance(res, list) or len(res) != 2:
        return
    b0, b1 = res
    expect(int(b0["number"], 16) == 0x37 and int(b1["number"], 16) == 0x38, "numbers follow the head")
    expect(b1["parentHash"] == b0["hash"], "the second block's parent is the first")
    expect(int(b1["timestamp"], 16) == int(b0["timestamp"], 16) + 12, "timestamps 12 s apart")
    logs = b0["calls"][0]["logs"]
    expect(len(logs) == 1 and logs[0]["address"] == "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
           and int(logs[0]["data"], 16) == 0x1000, "traceTransfers: the value moved as an ERC-7528 log")
    got = words(b1["calls"][0]["returnData"])
    expect(len(got) == 2 and got[0] == int(b0["hash"], 16), "BLOCKHASH of the previous simulated block is its hash")
    expect(len(got) == 2 and got[1] == 0x1000, "state carries over: the value sent in the first block")
    r = node.call("eth_simulateV1", {"blockStateCalls": [{"blockOverrides": {"number": "0x40"}},
                                                         {"blockOverrides": {"number": "0x3f"}}]}, "latest")
    expect(r.get("error", {}).get("code") == -38020, "block numbers out of order: -38020")
    r = node.call("eth_simulateV1", {"blockStateCalls": [{"blockOverrides": {"number": "0x200"}}]}, "latest")
    expect(r.get("error", {}).get("code") == -38026, "more than 256 blocks: -38026")


def timeout(ethc, suite, workdir):
    node = Node(ethc, workdir, suite, ["--rpc.gascap", "100000000000", "--rpc.evmtimeout", "200ms"])
    try:
        # as geth, a call's gas may pass the EIP-7825 cap (the head is Osaka)
        t0 = time.time()
        r = node.call("eth_call", {"to": LOOP, "gas": "0x174876e800"}, "latest", {LOOP: {"code": LOOP_CODE}})
        dt = time.time() - t0
        msg = r.get("error", {}).get("message", "")
        expect(msg == "execution aborted (timeout = 200ms)", f"eth_call of an endless loop: {msg!r}")
        expect(dt < 1.0, f"answered in {dt:.2f} s (limit 200ms)")
        t0 = time.time()
        r = node.call("eth_simulateV1", {"blockStateCalls": [{
            "blockOverrides": {"gasLimit": "0x174876e800"}, "stateOverrides": {LOOP: {"code": LOOP_CODE}},
            "calls": [{"from": SENDER, "to": LOOP, "gas": "0x174876e800"}]}]}, "latest")
        dt = time.time() - t0
        msg = r.get("error", {}).get("message", "")
        expect("timeout = 200ms" in msg and dt < 1.0, f"eth_simulateV1 of an endless loop: {msg!r} in {dt:.2f} s")
        r = node.call("eth_call", {"from": LOOP, "to": READER}, "latest", {LOOP: {"code": LOOP_CODE}})
        expect(r.get("result") == "0x", f"as geth, a call's sender may have code ({r})")
        r = node.call("eth_blockNumber")
        expect(r.get("result") == "0x36", "the node still answers")
        r = node.call("eth_call", {"to": READER}, "latest", {READER: {"code": READER_CODE}})
        expect(len(words(r.get("result", "0x"))) == 6, "and a short call on the same threads still runs")
    finally:
        expect(node.stop() == 0, "exit 0 on SIGTERM")
        node.cleanup()


def bad_duration(ethc):
    p = subprocess.run([ethc, "node", "--rpc.evmtimeout", "5parsecs", "--http.port", "0", "--datadir", "/nonexistent"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=20)
    expect(p.returncode == 2 and "--rpc.evmtimeout" in p.stderr, f"a malformed --rpc.evmtimeout: exit 2 ({p.stderr.strip()})")


def main():
    ethc, suite, workdir = sys.argv[1:4]
    bad_duration(ethc)
    node = Node(ethc, workdir, suite, ["--http.api", "eth,debug"])
    try:
        block_overrides(node)
        precompiles(node)
        simulate(node)
    finally:
        expect(node.stop() == 0, "exit 0 on SIGTERM")
        node.cleanup()
    timeout(ethc, suite, workdir)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
