#!/usr/bin/env python3
"""Light mode with an untrusted execution-RPC provider (chain_remote.h,
light_rpc_source.h, `ethc node --execution-rpc`):
1. Node A: `ethc node --dev` with devp2p; a contract that stores its calldata
   and logs it is deployed and called, one block holds two transactions, and
   value transfers (a legacy one among them) follow.
2. Node B: made from A's genesis (`ethc init` of --dev.genesis-out), light
   header sync from A over devp2p (--trusted-peers), --execution-rpc A. Its
   eth_getBalance, eth_getCode, eth_getStorageAt, eth_getTransactionCount,
   eth_getProof, eth_call, eth_estimateGas, eth_getTransactionReceipt,
   eth_getTransactionByHash, eth_getBlockReceipts, eth_getLogs and
   eth_getBlockByNumber(full) answers must equal A's (an empty block's body
   and receipts come from its header alone) (raw JSON, and through
   ethers v6 for a few); eth_sendRawTransaction through B reaches A.
3. Node C: the same, its provider a tampering proxy in front of A that has no
   debug_* methods (so C re-encodes bodies from eth_getBlockByHash, where B
   uses debug_getRawBlock). Case by case the proxy flips a byte of an account
   or storage proof, serves wrong code, drops one log, drops one receipt,
   reorders receipts, serves another block's transactions, changes one
   transaction's value, misplaces a transaction and pads receipts past the
   answer size limit (LIGHT_RPC_MAX_ANSWER_BYTES, refused as an error): C never
   serves the lie (its devp2p peer A answers what the provider could not prove,
   or C answers a JSON-RPC error); with the proxy honest again C answers as A.
4. Prints eth_call latency through B: cold (the first call at a block, its
   proofs fetched) and warm, p50 and p99.
usage: light_remote.py ETHC WORKDIR"""
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ETHERS = os.path.abspath(os.path.join(HERE, "..", "interop", "node_modules", "ethers"))
ACCT = ["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", "0x90f79bf6eb2c4f870365e785982e1f101e93b906"]
KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
TOPIC = "11" * 32
MAX_ANSWER = 64 << 20  # LIGHT_RPC_MAX_ANSWER_BYTES (src/node/light_limits.h)
# runtime: no calldata -> return slot 0; else slot 0 := word 0, LOG1(word 0, TOPIC)
RUNTIME = ("36600f57" "600054600052" "60206000f3" "5b" "600035" "80" "600055" "600052" "7f" + TOPIC + "60206000"
           "a1" "00")
INIT = "60%02x80600b6000396000f3" % (len(RUNTIME) // 2) + RUNTIME

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1


def rpc(url, method, *params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def result(url, method, *params):
    r = rpc(url, method, *params)
    if "error" in r:
        raise RuntimeError(f"{method}: {r['error']}")
    return r["result"]


class Node:
    def __init__(self, ethc, args, log_path):
        self.err = open(log_path, "w")
        self.log_path = log_path
        self.proc = subprocess.Popen([ethc, "node", "--http.port", "0", "--port", "0", "--nodiscover", *args],
                                     stdout=subprocess.PIPE, stderr=self.err, text=True)
        self.url = self.enode = None
        for _ in range(80):
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("HTTP server started: "):
                self.url = line.split()[-1]
            m = re.search(r"self=(enode://\S+)", line)
            if m:
                self.enode = m.group(1)
                break
        if not self.url or not self.enode:
            self.stop()
            raise RuntimeError("node did not start:\n" + open(log_path).read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()


class Proxy:
    """An HTTP JSON-RPC proxy to `upstream` that lies as `mode` says."""

    def __init__(self, upstream, no_debug=False):
        self.upstream = upstream
        self.no_debug = no_debug  # answer debug_* as a provider without them: bodies from eth_getBlockByHash
        self.mode = None
        self.other_block = None  # the hash whose raw block "wrong_tx" serves
        self.lies = 0
        self.requests = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                req = json.loads(body)
                proxy.requests += 1
                # a batch (the light node's prefetch): each request answered, and lied about, alike
                resp = [proxy.answer(r) for r in req] if isinstance(req, list) else proxy.answer(req)
                out = json.dumps(resp).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                try:
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the light node stopped reading an answer over its limit

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, req):
        if self.no_debug and req["method"].startswith("debug_"):
            resp = {"jsonrpc": "2.0", "error": {"code": -32601, "message": "the method does not exist"}}
        else:
            resp = rpc(self.upstream, req["method"], *req.get("params", []))
        resp["id"] = req.get("id")
        self.tamper(req["method"], resp)
        return resp

    def tamper(self, method, resp):
        res = resp.get("result")
        m = self.mode
        if res is None or m is None:
            return
        if m == "flip_proof" and method == "eth_getProof":
            node = res["accountProof"][-1]
            i = len(node) // 2
            res["accountProof"][-1] = node[:i] + ("0" if node[i] != "0" else "1") + node[i + 1:]
        elif m == "flip_storage_proof" and method == "eth_getProof" and res["storageProof"]:
            node = res["storageProof"][0]["proof"][-1]
            i = len(node) - 4
            res["storageProof"][0]["proof"][-1] = node[:i] + ("0" if node[i] != "0" else "1") + node[i + 1:]
        elif m == "wrong_code" and method == "eth_getCode":
            resp["result"] = "0x6001600101"
        elif m == "drop_log" and method == "eth_getBlockReceipts":
            for r in res:
                if r["logs"]:
                    r["logs"].pop()
                    break
            else:
                return
        elif m == "drop_receipt" and method == "eth_getBlockReceipts" and res:
            res.pop()
        elif m == "reorder" and method == "eth_getBlockReceipts" and len(res) > 1:
            res.reverse()
        elif m == "wrong_tx" and method == "debug_getRawBlock":
            resp["result"] = result(self.upstream, "debug_getRawBlock", self.other_block)
        elif m == "wrong_tx" and method == "eth_getBlockByHash":
            res["transactions"] = result(self.upstream, "eth_getBlockByHash", self.other_block, True)["transactions"]
        elif m == "wrong_tx_value" and method == "eth_getBlockByHash" and res["transactions"]:
            res["transactions"][0]["value"] = hex(int(res["transactions"][0]["value"], 16) + 1)
        elif m == "wrong_location" and method == "eth_getTransactionByHash":
            res["transactionIndex"] = hex(int(res["transactionIndex"], 16) + 1)
        elif m == "oversize" and method == "eth_getBlockReceipts":
            resp["padding"] = "0" * MAX_ANSWER  # the whole answer one limit and more (light_limits.h)
        else:
            return
        self.lies += 1

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def send(a, tx):
    h = result(a, "eth_sendTransaction", tx)
    r = result(a, "eth_getTransactionReceipt", h)
    return h, r


def build_chain(a):
    """Blocks 1..6 on A; returns (contract, tx hashes, the 2-tx block's number)."""
    h, r = send(a, {"from": ACCT[0], "data": "0x" + INIT})
    contract = r["contractAddress"]
    txs = [h]
    for v in ("aa", "bb"):
        txs.append(send(a, {"from": ACCT[0], "to": contract, "data": "0x" + v.rjust(64, "0")})[0])
    # two transactions in one block
    result(a, "evm_setAutomine", False)
    txs.append(result(a, "eth_sendTransaction", {"from": ACCT[0], "to": contract, "data": "0x" + "cc".rjust(64, "0")}))
    txs.append(result(a, "eth_sendTransaction", {"from": ACCT[1], "to": contract, "data": "0x" + "dd".rjust(64, "0")}))
    result(a, "evm_mine")
    result(a, "evm_setAutomine", True)
    two = int(result(a, "eth_getTransactionReceipt", txs[-1])["blockNumber"], 16)
    txs.append(send(a, {"from": ACCT[0], "to": ACCT[1], "value": hex(10**18)})[0])
    txs.append(send(a, {"from": ACCT[1], "to": ACCT[0], "value": hex(5), "gasPrice": hex(3 * 10**9)})[0])  # legacy
    txs.append(send(a, {"from": ACCT[2], "to": contract, "gasPrice": hex(3 * 10**9), "data": "0x" + "ab".rjust(64, "0"),
                        "accessList": [{"address": contract, "storageKeys": ["0x" + "00" * 32]}]})[0])
    result(a, "evm_mine")  # an empty block
    return contract, txs, two


def wait_synced(node, head, what):
    deadline = time.time() + 20
    n = -1
    while time.time() < deadline:
        n = int(result(node.url, "eth_blockNumber"), 16)
        if n >= head:
            break
        time.sleep(0.05)
    check(n == head, f"{what}: light sync reached A's head #{head} (at #{n})")


def same(a, b, method, *params):
    ra, rb = rpc(a, method, *params), rpc(b, method, *params)
    ok = "result" in ra and ra.get("result") == rb.get("result")
    check(ok, f"{method}{json.dumps(list(params))[:90]} equal")
    if not ok:
        print("   A:", json.dumps(ra)[:400])
        print("   B:", json.dumps(rb)[:400])


def compare(a, b, contract, txs, head, two):
    for acct in ACCT[:3] + [contract]:
        same(a, b, "eth_getBalance", acct, "latest")
        same(a, b, "eth_getTransactionCount", acct, "latest")
    same(a, b, "eth_getBalance", ACCT[1], hex(two))
    same(a, b, "eth_getCode", contract, "latest")
    same(a, b, "eth_getCode", contract, "0x2")
    same(a, b, "eth_getStorageAt", contract, "0x0", "latest")
    same(a, b, "eth_getStorageAt", contract, "0x0", "0x2")
    same(a, b, "eth_getProof", contract, ["0x0", "0x1"], "latest")
    same(a, b, "eth_getProof", ACCT[1], [], hex(two))
    same(a, b, "eth_call", {"to": contract}, "latest")
    same(a, b, "eth_call", {"to": contract}, "0x3")
    same(a, b, "eth_estimateGas", {"from": ACCT[0], "to": contract, "data": "0x" + "ee".rjust(64, "0")}, "latest")
    same(a, b, "eth_createAccessList", {"from": ACCT[0], "to": contract, "data": "0x" + "ee".rjust(64, "0")},
         "latest")
    for h in txs:
        same(a, b, "eth_getTransactionReceipt", h)
        same(a, b, "eth_getTransactionByHash", h)
    for n in range(1, head + 1):
        same(a, b, "eth_getBlockReceipts", hex(n))
        same(a, b, "eth_getBlockByNumber", hex(n), True)
    same(a, b, "eth_getBlockByNumber", "latest", True)
    same(a, b, "eth_getBlockByNumber", "latest", False)
    same(a, b, "eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest"})
    same(a, b, "eth_getLogs", {"fromBlock": "0x1", "toBlock": hex(two), "address": contract,
                               "topics": ["0x" + TOPIC]})
    same(a, b, "eth_getLogs", {"address": ACCT[3]})
    same(a, b, "eth_getLogs", {"blockHash": result(a, "eth_getBlockByNumber", hex(two), False)["hash"]})


def burst(a, b, contract, head):
    """Many threads at once on B's cold paths (proofs, code, bodies, receipts):
    every answer equals A's."""
    from concurrent.futures import ThreadPoolExecutor
    reqs = []
    for n in range(1, head + 1):
        for acct in ACCT + [contract]:
            reqs.append(("eth_getBalance", (acct, hex(n))))
            reqs.append(("eth_getTransactionCount", (acct, hex(n))))
        reqs.append(("eth_getStorageAt", (contract, "0x0", hex(n))))
        reqs.append(("eth_getCode", (contract, hex(n))))
        reqs.append(("eth_getBlockReceipts", (hex(n),)))
        reqs.append(("eth_getBlockByNumber", (hex(n), True)))
        reqs.append(("eth_getLogs", ({"fromBlock": hex(n), "toBlock": hex(head)},)))
    want = [rpc(a, m, *p) for m, p in reqs]
    with ThreadPoolExecutor(max_workers=12) as ex:
        got = list(ex.map(lambda r: rpc(b, r[0], *r[1]), reqs))
    bad = [(reqs[i], got[i]) for i in range(len(reqs)) if "result" not in got[i] or got[i]["result"] != want[i]["result"]]
    check(not bad, f"{len(reqs)} requests from 12 threads at once: B answers as A" + (f" (first bad: {bad[0]})"
                                                                                     if bad else ""))


ETHERS_JS = """
const { JsonRpcProvider, Wallet } = require(process.argv[1]);
(async () => {
  const out = {};
  for (const [name, url] of [["a", process.argv[2]], ["b", process.argv[3]]]) {
    const p = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    const c = process.argv[4];
    const logs = await p.getLogs({ address: c, fromBlock: 0, toBlock: "latest" });
    const r = await p.getTransactionReceipt(process.argv[5]);
    out[name] = {
      balance: (await p.getBalance(process.argv[6])).toString(),
      nonce: await p.getTransactionCount(process.argv[6]),
      code: await p.getCode(c),
      slot: await p.getStorage(c, 0),
      call: await p.call({ to: c }),
      gas: (await p.estimateGas({ from: process.argv[6], to: c, data: "0x" + "ff".padStart(64, "0") })).toString(),
      logs: logs.map((l) => [l.blockNumber, l.transactionHash, l.index, l.data]),
      receipt: [r.blockHash, r.status, r.gasUsed.toString(), r.logs.length],
      block: (await p.getBlock("latest", true)).prefetchedTransactions.map((t) => t.hash),
    };
  }
  // a transaction sent through B (light) is forwarded to A and mined there
  const pb = new JsonRpcProvider(process.argv[3], undefined, { staticNetwork: true });
  const w = new Wallet(process.argv[7], pb);
  const nonce = await pb.getTransactionCount(w.address);
  const tx = await w.sendTransaction({ to: process.argv[6], value: 7n, nonce, gasLimit: 21000n,
    maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n });
  out.sent = tx.hash;
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def ethers_checks(a, b, contract, txs, work):
    if not os.path.isdir(ETHERS) or not shutil.which("node"):
        print("skip ethers checks: no node or ethers")
        return
    r = subprocess.run(["node", "-e", ETHERS_JS, ETHERS, a, b, contract, txs[3], ACCT[0], KEY1], capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 0, "ethers v6 against A and B ran" + ("" if r.returncode == 0 else ": " + r.stderr[:1500]))
    if r.returncode:
        return
    out = json.loads(r.stdout)
    for k in out["a"]:
        check(out["a"][k] == out["b"][k], f"ethers: {k} equal through A and B")
    rec = None
    for _ in range(200):
        rec = rpc(a, "eth_getTransactionReceipt", out["sent"]).get("result")
        if rec:
            break
        time.sleep(0.05)
    check(rec is not None and rec["status"] == "0x1", "ethers: a transaction sent through B was mined on A")


def expect_error(url, what, method, *params):
    r = rpc(url, method, *params)
    ok = "error" in r and "result" not in r
    check(ok, f"tampered {what}: {method} fails" + (f" ({r['error']['message'][:110]})" if ok else f": {r}"))


def tamper_cases(a, c, proxy, contract, txs, two, c_log):
    blocks = [result(a, "eth_getTransactionReceipt", h) for h in txs]
    b_log = int(blocks[1]["blockNumber"], 16)       # one log
    b_one = int(blocks[2]["blockNumber"], 16)       # one receipt
    b_last = int(blocks[-1]["blockNumber"], 16)
    cases = [
        ("wrong_code", "code", "eth_getCode", (contract, "latest")),
        ("wrong_code", "code", "eth_call", ({"to": contract}, "latest")),
        ("flip_proof", "account proof", "eth_getBalance", (ACCT[3], "latest")),
        ("flip_proof", "account proof", "eth_call", ({"to": contract}, "0x2")),
        ("flip_storage_proof", "storage proof", "eth_getStorageAt", (contract, "0x0", hex(two))),
        ("drop_log", "receipts (a log dropped)", "eth_getLogs", ({"fromBlock": hex(b_log), "toBlock": hex(b_log)},)),
        ("drop_receipt", "receipts (one dropped)", "eth_getBlockReceipts", (hex(b_one),)),
        ("reorder", "receipts (reordered)", "eth_getBlockReceipts", (hex(two),)),
        ("reorder", "receipts (reordered)", "eth_getTransactionReceipt", (txs[3],)),
        ("wrong_tx", "block (another block's transactions)", "eth_getBlockByNumber", (hex(b_last), True)),
        ("wrong_tx_value", "block (a transaction's value)", "eth_getTransactionByHash", (txs[0],)),
        ("wrong_location", "transaction location", "eth_getTransactionByHash", (txs[-2],)),
        ("oversize", "answer (over the size limit)", "eth_getBlockReceipts", (blocks[5]["blockNumber"],)),
    ]
    proxy.other_block = blocks[-2]["blockHash"]
    # C also has A as a devp2p peer: what the provider cannot prove (or lies about) C reads from A
    # (node_peer_source.h), so each answer is an error or A's true one, never the lie. The
    # transaction location is only a hint the chain checks: always an error.
    lied = {}
    for mode, what, method, params in cases:
        proxy.mode = mode
        before = proxy.lies
        if mode == "wrong_location":
            expect_error(c, what, method, *params)
        else:
            r, want = rpc(c, method, *params), rpc(a, method, *params)
            ok = r.get("error") is not None or r.get("result") == want.get("result")
            check(ok, f"tampered {what}: {method} is an error or the peers' true answer" + ("" if ok else f": {r}"))
        lied[mode] = lied.get(mode, 0) + proxy.lies - before
    proxy.mode = None
    for mode, n in lied.items():
        check(n > 0, f"  ... the proxy did lie ({mode}: {n})")
    log = open(c_log).read()
    check("gave no verified state answer; asking devp2p peers" in log and "refused the execution RPC's" in log,
          "C logged that it asked its peers for what the provider could not prove")
    check(f"the answer is larger than {MAX_ANSWER} bytes); asking devp2p peers" in log,
          "C refused the oversized answer as an error and asked its peers")
    for mode, what, method, params in cases:
        same(a, c, method, *params)
    # an empty block: its body and receipts follow from its header, the provider is not asked
    before = proxy.requests
    empty = int(result(a, "eth_blockNumber"), 16)
    same(a, c, "eth_getBlockByNumber", hex(empty), True)
    same(a, c, "eth_getBlockReceipts", hex(empty))
    check(proxy.requests == before, f"an empty block needs no provider call ({proxy.requests - before})")


def latency(a, b, contract, head):
    def t(block):
        t0 = time.perf_counter()
        r = rpc(b, "eth_call", {"to": contract}, block)
        dt = time.perf_counter() - t0
        assert "result" in r, r
        return dt * 1000

    cold = [t(hex(n)) for n in range(2, head + 1)]  # first call at each block: proofs fetched
    warm = sorted(t("latest") for _ in range(300))
    cold.sort()

    def pct(xs, p):
        return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

    print(f"figures: verified eth_call cold (n={len(cold)}) p50 {pct(cold, 50):.2f} ms p99 {pct(cold, 99):.2f} ms; "
          f"warm (n={len(warm)}) p50 {pct(warm, 50):.3f} ms p99 {pct(warm, 99):.3f} ms")


def main():
    ethc, work = sys.argv[1], os.path.abspath(sys.argv[2])
    work = os.path.join(work, "light-remote")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    t0 = time.time()
    a = Node(ethc, ["--dev", "--datadir", os.path.join(work, "a"), "--dev.genesis-out", os.path.join(work, "g.json"),
                    "--http.api", "eth,net,web3,debug,evm,anvil"], os.path.join(work, "a.log"))
    nodes = [a]
    proxy = None
    try:
        contract, txs, two = build_chain(a.url)
        head = int(result(a.url, "eth_blockNumber"), 16)
        check(head == 8, f"A mined 8 blocks ({head})")
        types = sorted({result(a.url, "eth_getTransactionByHash", h)["type"] for h in txs})
        check(types == ["0x0", "0x1", "0x2"], f"transaction types {types}")
        proxy = Proxy(a.url, no_debug=True)
        for name in ("b", "c"):
            r = subprocess.run([ethc, "init", "--datadir", os.path.join(work, name), os.path.join(work, "g.json")],
                               capture_output=True, text=True)
            check(r.returncode == 0, f"ethc init {name} from A's genesis")
        b = Node(ethc, ["--datadir", os.path.join(work, "b"), "--trusted-peers", a.enode, "--execution-rpc", a.url,
                        "--http.api", "eth,net,web3"], os.path.join(work, "b.log"))
        nodes.append(b)
        c = Node(ethc, ["--datadir", os.path.join(work, "c"), "--trusted-peers", a.enode, "--execution-rpc",
                        proxy.url, "--http.api", "eth,net,web3"], os.path.join(work, "c.log"))
        nodes.append(c)
        wait_synced(b, head, "B")
        wait_synced(c, head, "C")
        # before anything is fetched: the light node's own head is still genesis
        check(result(b.url, "eth_getBlockByNumber", "latest", False)["hash"] ==
              result(a.url, "eth_getBlockByNumber", "latest", False)["hash"], "B's latest is A's head")
        latency(a.url, b.url, contract, head)
        burst(a.url, b.url, contract, head)
        compare(a.url, b.url, contract, txs, head, two)
        tamper_cases(a.url, c.url, proxy, contract, txs, two, c.log_path)
        ethers_checks(a.url, b.url, contract, txs, work)
    finally:
        for n in nodes:
            n.stop()
        if proxy:
            proxy.stop()
    print(f"{time.time() - t0:.1f} s")
    if failures:
        for n in ("b", "c"):
            p = os.path.join(work, n + ".log")
            if os.path.exists(p):
                print(f"--- {n}.log ---\n" + open(p).read()[-3000:])
    print("FAILED" if failures else "PASSED", f"({failures} failures)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
