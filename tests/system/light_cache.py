#!/usr/bin/env python3
"""The execution-RPC source's persistent cache and prefetch
(light_rpc_source.h, trie_node_cache.h; issue 15):
1. Node A: `ethc node --dev`; a contract whose constructor fills slots 0..7
   and whose code returns their sum (eight SLOADs).
2. Light node P (from A's genesis, headers from A over devp2p) with a
   counting proxy in front of A as its provider; light node Q the same with a
   proxy that has no eth_createAccessList (so Q fetches one by one). A cold
   eth_call of the contract gives A's answer on both, and P needs fewer
   provider round trips than Q (eth_createAccessList, then one batch of
   eth_getProof). eth_estimateGas on P equals A's.
3. P restarts with its provider refusing eth_getProof, eth_getCode and
   eth_createAccessList: the eth_call, the contract's code, its slots and
   the balances it proved before still come out right (from the chain
   database's cache, walked from the stored head's state root); an account
   never proved is an error, never a made-up answer.
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

    def __init__(self, upstream, refuse=()):
        self.upstream = upstream
        self.refuse = set(refuse)
        self.requests = 0
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
                resp = [proxy.answer(r) for r in body] if isinstance(body, list) else proxy.answer(body)
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
            self.requests = 0
            self.methods = {}

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def light(ethc, work, name, a, provider):
    return L.Node(ethc, ["--datadir", os.path.join(work, name), "--trusted-peers", a.enode, "--execution-rpc",
                         provider.url, "--http.api", "eth,net,web3"], os.path.join(work, name + ".log"))


def main():
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
        p_proxy, q_proxy = Proxy(a.url), Proxy(a.url, refuse=["eth_createAccessList"])
        proxies += [p_proxy, q_proxy]
        for name in ("p", "q"):
            subprocess.run([ethc, "init", "--datadir", os.path.join(work, name), os.path.join(work, "g.json")],
                           capture_output=True, check=True)
        p = light(ethc, work, "p", a, p_proxy)
        nodes.append(p)
        q = light(ethc, work, "q", a, q_proxy)
        nodes.append(q)
        L.wait_synced(p, head, "P")
        L.wait_synced(q, head, "Q")

        # 2. a cold call: with prefetch and without
        got = {}
        for node, proxy, name in ((p, p_proxy, "P"), (q, q_proxy, "Q")):
            proxy.reset()
            t = time.perf_counter()
            got[name] = L.rpc(node.url, "eth_call", call, "latest").get("result")
            ms = (time.perf_counter() - t) * 1000
            check(got[name] == want, f"{name}: the cold eth_call equals A's ({got[name]})")
            got[name + "n"] = proxy.requests
            print(f"     {name}: {proxy.requests} provider requests, {ms:.1f} ms: {json.dumps(proxy.methods)}")
        check(p_proxy.methods.get("eth_createAccessList") == 1, "P asked eth_createAccessList once")
        check(got["Pn"] < got["Qn"], f"prefetch: fewer round trips ({got['Pn']} < {got['Qn']})")
        check(got["Pn"] <= 4, f"P: the state came in at most 4 requests ({got['Pn']})")
        q_proxy.reset()
        L.rpc(q.url, "eth_call", {"from": L.ACCT[0], "to": contract}, "latest")
        check(q_proxy.methods.get("eth_createAccessList", 0) == 0, "Q: a provider without the method is not asked again")
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
        p = light(ethc, work, "p", a, p_proxy)
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
        r = L.rpc(p.url, "eth_getBalance", L.ACCT[3], "latest")
        check("error" in r and "result" not in r, f"an account never proved is an error: {json.dumps(r)[:160]}")
    finally:
        for n in nodes:
            n.stop()
        for x in proxies:
            x.stop()
    print(f"{failures} failed ({time.time() - t0:.1f} s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
