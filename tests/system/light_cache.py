#!/usr/bin/env python3
"""The execution-RPC source's persistent cache and prefetch
(light_rpc_source.h, trie_node_cache.h; issue 15):
1. Node A: `ethc node --dev`; a contract whose constructor fills slots 0..7
   and whose code returns their sum (eight SLOADs).
2. Light node P (from A's genesis, headers from A over devp2p) with a
   counting proxy in front of A as its provider; light node Q the same with a
   proxy that answers no JSON-RPC batch (so Q fetches one by one, as before
   the prefetch), and R with a proxy that has no eth_createAccessList. A cold
   eth_call of the contract gives A's answer on all three, and P needs fewer
   provider round trips than Q (two batches: eth_createAccessList with the
   sender's, recipient's and coinbase's proofs and the code, then the
   listed slots). eth_estimateGas on P equals A's.
3. P restarts with its provider refusing eth_getProof, eth_getCode and
   eth_createAccessList: the eth_call, the contract's code, its slots and
   the balances it proved before still come out right (from the chain
   database's cache, walked from the stored head's state root); an account
   never proved is an error, never a made-up answer.
4. At another block, Q sends no batch and R no eth_createAccessList again
   (remembered per source), and both still answer as A.
usage: light_cache.py ETHC WORKDIR"""
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import light_remote as L  # noqa: E402

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1


# constructor: slot i := i + 1 for i in 0..7; runtime: return sload(0) + ... + sload(7)
RUNTIME = "600054" + "".join("60%02x5401" % i for i in range(1, 8)) + "60005260206000f3"
PRE = "".join("60%02x60%02x55" % (i + 1, i) for i in range(8))
INIT = PRE + "60%02x8060%02x6000396000f3" % (len(RUNTIME) // 2, len(PRE) // 2 + 11) + RUNTIME


class Proxy:
    """A JSON-RPC proxy to `upstream` (batches too) counting HTTP requests and
    methods; `refuse` names methods it answers with an error."""

    def __init__(self, upstream, refuse=(), no_batch=False):
        self.upstream = upstream
        self.refuse = set(refuse)
        self.no_batch = no_batch  # answer a batch as a server without them: one error object
        self.requests = self.batches = 0
        self.delay = 0.0  # seconds added to each HTTP request (a far provider, for bench/light_prefetch.py)
        self.methods = {}
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with proxy.lock:
                    proxy.requests += 1
                    proxy.batches += isinstance(body, list)
                if proxy.delay:
                    time.sleep(proxy.delay)
                if isinstance(body, list) and proxy.no_batch:
                    resp = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "no batches here"}}
                elif isinstance(body, list):
                    resp = [proxy.answer(r) for r in body]
                else:
                    resp = proxy.answer(body)
                out = json.dumps(resp).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, req):
        m = req.get("method")
        with self.lock:
            self.methods[m] = self.methods.get(m, 0) + 1
        if m in self.refuse:
            code = -32601 if m == "eth_createAccessList" else -32000
            resp = {"jsonrpc": "2.0", "error": {"code": code, "message": "refused by the test proxy"}}
        else:
            resp = L.rpc(self.upstream, m, *req.get("params", []))
        resp["id"] = req.get("id")
        return resp

    def reset(self):
        with self.lock:
            self.requests = self.batches = 0
            self.methods = {}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def light(ethc, work, name, a, provider, peers=True):
    """A light node of A's chain; without peers (a restart) it has only its stored headers and the provider,
    so that what it answers comes from its cache, not from A over snap."""
    return L.Node(ethc, ["--datadir", os.path.join(work, name), *(["--trusted-peers", a.enode] if peers else []),
                         "--execution-rpc", provider.url, "--http.api", "eth,net,web3"], os.path.join(work, name + ".log"))


def main():
    global failures
    ethc, work = sys.argv[1], os.path.join(os.path.abspath(sys.argv[2]), "light-cache")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    t0 = time.time()
    a = L.Node(ethc, ["--dev", "--datadir", os.path.join(work, "a"), "--dev.genesis-out", os.path.join(work, "g.json"),
                      "--http.api", "eth,net,web3,debug,evm,anvil"], os.path.join(work, "a.log"))
    nodes, proxies = [a], []
    try:
        _, r = L.send(a.url, {"from": L.ACCT[0], "data": "0x" + INIT})
        contract = r["contractAddress"]
        L.send(a.url, {"from": L.ACCT[0], "to": L.ACCT[1], "value": hex(10**18)})
        head = int(L.result(a.url, "eth_blockNumber"), 16)
        call = {"from": L.ACCT[1], "to": contract}
        want = L.result(a.url, "eth_call", call, "latest")
        check(int(want, 16) == 36, f"A: the contract sums its eight slots ({want})")
        p_proxy, q_proxy = Proxy(a.url), Proxy(a.url, no_batch=True)
        r_proxy = Proxy(a.url, refuse=["eth_createAccessList"])
        proxies += [p_proxy, q_proxy, r_proxy]
        for name in ("p", "q", "r"):
            subprocess.run([ethc, "init", "--datadir", os.path.join(work, name), os.path.join(work, "g.json")],
                           capture_output=True, check=True)
        p = light(ethc, work, "p", a, p_proxy)
        nodes.append(p)
        q = light(ethc, work, "q", a, q_proxy)
        nodes.append(q)
        r = light(ethc, work, "r", a, r_proxy)
        nodes.append(r)
        for node, name in ((p, "P"), (q, "Q"), (r, "R")):
            L.wait_synced(node, head, name)

        # 2. a cold call: with prefetch, without (no batches), without an access list
        n = {}
        for node, proxy, name in ((p, p_proxy, "P"), (q, q_proxy, "Q"), (r, r_proxy, "R")):
            proxy.reset()
            t = time.perf_counter()
            got = L.rpc(node.url, "eth_call", call, "latest").get("result")
            ms = (time.perf_counter() - t) * 1000
            check(got == want, f"{name}: the cold eth_call equals A's ({got})")
            n[name] = proxy.requests
            print(f"     {name}: {proxy.requests} provider requests, {ms:.1f} ms: {json.dumps(proxy.methods)}")
        check(p_proxy.methods.get("eth_createAccessList") == 1, "P asked eth_createAccessList once")
        check(n["P"] < n["R"] < n["Q"], f"prefetch: fewer round trips (P {n['P']} < R {n['R']} < Q {n['Q']})")
        check(n["P"] <= 2, f"P: the state came in 2 requests ({n['P']})")
        p_proxy.reset()
        check(L.rpc(p.url, "eth_call", call, "latest").get("result") == want and p_proxy.requests == 0,
              f"P: the warm call asks nothing ({p_proxy.requests})")
        est = {"from": L.ACCT[0], "to": contract}
        L.same(a.url, p.url, "eth_estimateGas", est, "latest")
        for slot in ("0x0", "0x5"):
            L.same(a.url, p.url, "eth_getStorageAt", contract, slot, "latest")
        L.same(a.url, p.url, "eth_getCode", contract, "latest")
        L.same(a.url, p.url, "eth_getBalance", L.ACCT[1], "latest")

        # 3. restart P; its provider now refuses every state method
        p.stop()
        nodes.remove(p)
        p_proxy.refuse = {"eth_getProof", "eth_getCode", "eth_createAccessList"}
        p_proxy.reset()
        p = light(ethc, work, "p", a, p_proxy, peers=False)
        nodes.append(p)
        L.wait_synced(p, head, "P restarted")
        got = L.rpc(p.url, "eth_call", call, "latest").get("result")
        check(got == want, f"P restarted, provider refusing proofs: eth_call equals A's ({got})")
        for slot in ("0x0", "0x5"):
            L.same(a.url, p.url, "eth_getStorageAt", contract, slot, "latest")
        L.same(a.url, p.url, "eth_getCode", contract, "latest")
        L.same(a.url, p.url, "eth_getBalance", L.ACCT[1], "latest")
        L.same(a.url, p.url, "eth_estimateGas", est, "latest")
        proofs = p_proxy.methods.get("eth_getProof", 0) + p_proxy.methods.get("eth_getCode", 0)
        check(proofs == 0, f"P restarted: no proof or code asked for ({json.dumps(p_proxy.methods)})")
        res = L.rpc(p.url, "eth_getBalance", L.ACCT[3], "latest")
        check("error" in res and "result" not in res, f"an account never proved is an error: {json.dumps(res)[:160]}")

        # 4. another block's state: what a provider lacks is not asked for again
        want = L.result(a.url, "eth_call", call, "0x1")
        for node, proxy, name in ((q, q_proxy, "Q"), (r, r_proxy, "R")):
            proxy.reset()
            got = L.rpc(node.url, "eth_call", call, "0x1").get("result")
            check(got == want, f"{name}: the cold eth_call at block 1 equals A's")
        check(q_proxy.batches == 0, f"Q: no batch sent again ({q_proxy.batches})")
        check("eth_createAccessList" not in r_proxy.methods and r_proxy.batches == 1,
              f"R: one batch, no eth_createAccessList again ({json.dumps(r_proxy.methods)})")
    finally:
        for n in nodes:
            n.stop()
        for x in proxies:
            x.stop()
    failures += L.failures
    print(f"{failures} failed ({time.time() - t0:.1f} s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
