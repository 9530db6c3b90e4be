#!/usr/bin/env python3
"""Automined transactions per second of `ethc node --miner` on the rpc-compat
chain: N sequential eth_sendRawTransaction with automine (one block each), then
M transfers pooled with automine off and one evm_mine. Not run by ctest.
usage: dev_mining.py ETHC RPC_COMPAT_DIR WORKDIR [N M]"""
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "system"))
from rpc_node import Node  # noqa: E402
import rpc_miner  # noqa: E402


def cpu(node):
    """The node process's CPU seconds so far (user + system): steadier than
    wall time on a shared machine."""
    with open(f"/proc/{node.proc.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ethc, suite, workdir = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    m = int(sys.argv[5]) if len(sys.argv) > 5 else 1000
    node = Node(ethc, workdir, suite, ["--miner"])
    try:
        r = lambda meth, *p: rpc_miner.result(node, meth, *p)  # noqa: E731
        chain_id = int(r("eth_chainId"), 16)
        nonce = int(r("eth_getTransactionCount", rpc_miner.FROM, "latest"), 16)
        base = int(r("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
        raws = rpc_miner.sign(chain_id, nonce, n + m, 4 * base + 10000)
        t0, c0 = time.time(), cpu(node)
        for raw in raws[:n]:
            r("eth_sendRawTransaction", raw)
        t1, c1 = time.time(), cpu(node)
        print(f"automine: {n} sequential sends in {t1 - t0:.2f} s: {n / (t1 - t0):.0f} tx/s; "
              f"node CPU {1000 * (c1 - c0) / n:.2f} ms per tx")
        r("evm_setAutomine", False)
        for raw in raws[n:]:
            r("eth_sendRawTransaction", raw)
        t1, c1 = time.time(), cpu(node)
        r("evm_mine")
        t2, c2 = time.time(), cpu(node)
        k = len(r("eth_getBlockByNumber", "latest", False)["transactions"])
        print(f"pooled: evm_mine of {k} txs in {t2 - t1:.3f} s: {k / (t2 - t1):.0f} tx/s; "
              f"node CPU {c2 - c1:.2f} s")
    finally:
        node.stop()
        node.cleanup()


if __name__ == "__main__":
    sys.exit(main())
