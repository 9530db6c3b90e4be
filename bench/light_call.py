#!/usr/bin/env python3
"""Verified eth_call latency of a light node (`ethc node --execution-rpc`)
against a local dev node as its provider (tests/system/light_remote.py's
chain and contract). Cold: the first eth_call of a fresh light node (its
sender's and the contract's account proofs, the code and the slot's storage
proof fetched and checked), one fresh node per sample. Warm: the same call
repeated on one node (everything cached). Also the time from a light node's
start to its first verified eth_call answer.
usage: bench/light_call.py ETHC WORKDIR [COLD_SAMPLES] [WARM_SAMPLES]"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "system"))
import light_remote as L  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ethc, work = sys.argv[1], os.path.join(os.path.abspath(sys.argv[2]), "light-bench")
    cold_n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    warm_n = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    a = L.Node(ethc, ["--dev", "--datadir", os.path.join(work, "a"), "--dev.genesis-out", os.path.join(work, "g.json"),
                      "--http.api", "eth,net,web3,debug,evm,anvil"], os.path.join(work, "a.log"))
    try:
        contract, txs, two = L.build_chain(a.url)
        head = int(L.result(a.url, "eth_blockNumber"), 16)
        want = L.result(a.url, "eth_call", {"to": contract}, "latest")
        cold, first = [], []
        node = None
        for i in range(cold_n):
            d = os.path.join(work, "b%d" % i)
            subprocess.run([ethc, "init", "--datadir", d, os.path.join(work, "g.json")], capture_output=True, check=True)
            t_start = time.perf_counter()
            node = L.Node(ethc, ["--datadir", d, "--trusted-peers", a.enode, "--execution-rpc", a.url],
                          os.path.join(work, "b%d.log" % i))
            while int(L.result(node.url, "eth_blockNumber"), 16) < head:
                time.sleep(0.002)
            t0 = time.perf_counter()
            got = L.result(node.url, "eth_call", {"to": contract}, "latest")
            t1 = time.perf_counter()
            assert got == want, (got, want)
            cold.append((t1 - t0) * 1000)
            first.append((t1 - t_start) * 1000)
            if i < cold_n - 1:
                node.stop()
        warm = []
        for _ in range(warm_n):
            t0 = time.perf_counter()
            L.result(node.url, "eth_call", {"to": contract}, "latest")
            warm.append((time.perf_counter() - t0) * 1000)
        node.stop()
        print(f"verified eth_call, local provider: cold (n={cold_n}) p50 {pct(cold, 50):.2f} ms p99 "
              f"{pct(cold, 99):.2f} ms; warm (n={warm_n}) p50 {pct(warm, 50):.3f} ms p99 {pct(warm, 99):.3f} ms")
        print(f"start to first verified eth_call (light header sync of {head} headers included): p50 "
              f"{pct(first, 50):.0f} ms p99 {pct(first, 99):.0f} ms")
    finally:
        a.stop()


if __name__ == "__main__":
    main()
