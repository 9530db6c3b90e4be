#!/usr/bin/env python3
"""Cold verified eth_call latency of a light node (`ethc node --execution-rpc`)
with and without the eth_createAccessList prefetch (light_rpc_source.h), for
tests/system/light_cache.py's contract (eight SLOADs), its provider a local
dev node behind a proxy that adds RTT_MS to every HTTP request (a far
provider). Without: the proxy answers no JSON-RPC batch, so the node fetches
each proof on demand, as before the prefetch. One fresh light node per sample.
usage: bench/light_prefetch.py ETHC WORKDIR [SAMPLES] [RTT_MS...]"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "system"))
import light_cache as C  # noqa: E402
import light_remote as L  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main():
    ethc, work = sys.argv[1], os.path.join(os.path.abspath(sys.argv[2]), "light-prefetch-bench")
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    rtts = [float(x) for x in sys.argv[4:]] or [0.0, 20.0]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    a = L.Node(ethc, ["--dev", "--datadir", os.path.join(work, "a"), "--dev.genesis-out", os.path.join(work, "g.json"),
                      "--http.api", "eth,net,web3,debug,evm,anvil"], os.path.join(work, "a.log"))
    proxies = []
    try:
        _, r = L.send(a.url, {"from": L.ACCT[0], "data": "0x" + C.INIT})
        call = {"from": L.ACCT[1], "to": r["contractAddress"]}
        head = int(L.result(a.url, "eth_blockNumber"), 16)
        want = L.result(a.url, "eth_call", call, "latest")
        with_p, without_p = C.Proxy(a.url), C.Proxy(a.url, no_batch=True)
        proxies += [with_p, without_p]
        k = 0
        for rtt in rtts:
            for proxy, name in ((without_p, "without prefetch"), (with_p, "with prefetch")):
                proxy.delay = rtt / 1000
                ms, reqs = [], []
                for _ in range(n):
                    d = os.path.join(work, "n%d" % k)
                    k += 1
                    subprocess.run([ethc, "init", "--datadir", d, os.path.join(work, "g.json")], capture_output=True,
                                   check=True)
                    node = L.Node(ethc, ["--datadir", d, "--trusted-peers", a.enode, "--execution-rpc", proxy.url],
                                  d + ".log")
                    try:
                        while int(L.result(node.url, "eth_blockNumber"), 16) < head:
                            time.sleep(0.002)
                        proxy.reset()
                        t0 = time.perf_counter()
                        got = L.result(node.url, "eth_call", call, "latest")
                        ms.append((time.perf_counter() - t0) * 1000)
                        reqs.append(proxy.requests)
                        assert got == want, (got, want)
                    finally:
                        node.stop()
                print(f"RTT {rtt:g} ms, {name}: cold eth_call (n={n}) p50 {pct(ms, 50):.1f} ms p90 "
                      f"{pct(ms, 90):.1f} ms, {pct(reqs, 50)} provider requests", flush=True)
    finally:
        a.stop()
        for x in proxies:
            x.stop()


if __name__ == "__main__":
    main()
