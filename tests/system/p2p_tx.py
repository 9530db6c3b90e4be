#!/usr/bin/env python3
"""Transaction exchange over devp2p (src/p2p/eth_tx.c; devp2p caps/eth.md,
eth/68 and eth/69):
1. ethc to ethc over eth/69: nodes A and B hold the ethtest chain's genesis
   (`ethc init`; p2p_sync.py covers the chain itself), B dials A. A small transaction sent to A with
   eth_sendRawTransaction reaches B's pool in full (Transactions, 0x02), one
   with 6 KB of calldata reaches it by announcement and fetch
   (NewPooledTransactionHashes, GetPooledTransactions, PooledTransactions);
   one sent to B reaches A. Checked with eth_getTransactionByHash (pending:
   no block) and txpool_content on the receiving node. A's ENR (admin_nodeInfo)
   carries the "eth" entry [[fork-hash, fork-next]].
2. ethc with @ethereumjs/client 0.10.5 (eth/68, --rpc), both at the chain's
   genesis (ethereumjs takes a minute to load the 600 blocks): a transaction
   sent to ethereumjs's RPC reaches ethc's pool, and one sent to ethc reaches
   ethereumjs's (its txpool_content; its eth_getTransactionByHash reads only
   blocks). Skipped (77) when node or the package is missing; part 1 runs
   first.
Transactions are signed with ethers (tests/interop/node_modules) from the
chain's accounts.json keys.
usage: p2p_tx.py ETHC CHAIN_DIR WORKDIR"""
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from p2p_sync import Ethc, free_port  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
interop = os.path.join(here, "..", "interop")
ejs_dir = os.path.join(interop, "ethereumjs")
cli = os.path.join(ejs_dir, "node_modules", "@ethereumjs", "client", "dist", "esm", "bin", "cli.js")
ethers = os.path.abspath(os.path.join(interop, "node_modules", "ethers"))

SIGN_JS = """
const { Wallet } = require(process.argv[1]);
Promise.all(JSON.parse(process.argv[2]).map((t) => new Wallet(t.key).signTransaction({type: 2,
  chainId: BigInt(t.chainId), nonce: t.nonce, to: t.to, value: 1n, gasLimit: BigInt(t.gas),
  maxFeePerGas: BigInt(t.fee), maxPriorityFeePerGas: 1000000000n, data: t.data})))
  .then((raws) => console.log(raws.join("\\n")));
"""


def rpc(url, method, *params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


class Signer:
    def __init__(self, chain, url):
        with open(os.path.join(chain, "accounts.json")) as f:
            self.accounts = list(json.load(f).items())
        with open(os.path.join(chain, "genesis.json")) as f:
            self.chain_id = json.load(f)["config"]["chainId"]
        self.url = url
        self.used = 0

    def tx(self, data_len=0, account=None, ahead=0):
        """A signed transaction (raw hex) of a fresh account (or `account`), its nonce `ahead` of the state's."""
        return self.sign([self.spec(data_len, account, ahead)])[0]

    def spec(self, data_len=0, account=None, ahead=0):
        if account is None:
            account = self.used
            self.used += 1
        addr, acc = self.accounts[account]
        nonce = int(rpc(self.url, "eth_getTransactionCount", addr, "latest")["result"], 16) + ahead
        base = int(rpc(self.url, "eth_getBlockByNumber", "latest", False)["result"]["baseFeePerGas"], 16)
        t = {"key": acc["key"], "chainId": self.chain_id, "nonce": nonce, "to": "0x" + "11" * 20,
             "gas": 21000 + 40 * data_len + 1000, "fee": 2 * base + 2 * 10**9, "data": "0x" + "ab" * data_len}
        return t

    def sign(self, specs):
        """Signs several specs with one node process: their raw hex, in order."""
        out = subprocess.run(["node", "-e", SIGN_JS, ethers, json.dumps(specs)], check=True, capture_output=True,
                             text=True)
        return out.stdout.split()


def pending_in(url, h):
    r = rpc(url, "eth_getTransactionByHash", h).get("result")
    return r is not None and r.get("blockHash") is None


def wait_pending(url, h, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pending_in(url, h):
            return True
        time.sleep(0.2)
    return False


def in_txpool_content(url, h):
    res = rpc(url, "txpool_content").get("result") or {}
    for group in res.values():
        for by_nonce in group.values():
            for t in by_nonce.values():
                if t.get("hash") == h:
                    return True
    return False


def send(url, raw):
    r = rpc(url, "eth_sendRawTransaction", raw)
    if "result" not in r:
        raise RuntimeError(f"eth_sendRawTransaction: {r}")
    return r["result"]


def ethc_part(ethc, chain, tmp, fails):
    a_dir, b_dir = os.path.join(tmp, "A"), os.path.join(tmp, "B")
    subprocess.run([ethc, "init", "--datadir", a_dir, os.path.join(chain, "genesis.json")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    shutil.copytree(a_dir, b_dir)
    if os.path.exists(os.path.join(b_dir, "nodekey")):
        os.remove(os.path.join(b_dir, "nodekey"))  # B gets its own identity
    api = ["--http.api", "eth,net,web3,admin,txpool"]
    a = Ethc(ethc, a_dir, a_dir + ".log", api)
    b = None
    try:
        b = Ethc(ethc, b_dir, b_dir + ".log", ["--trusted-peers", a.enode, *api])
        if not b.wait_log(r"peers: ethc/\S+ eth/69", 20) or not a.wait_log(r"peers: ethc/\S+ eth/69", 10):
            fails.append("A and B did not connect over eth/69; B's log:\n" + b.log()[-2000:])
            return
        # the node record carries the fork id: "eth" = [[fork-hash (4 bytes), fork-next]]
        text = a.call("admin_nodeInfo")["result"]["enr"][4:]
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        if b"\x83eth\xc7\xc6\x84" not in raw:
            fails.append(f"A's ENR has no eth entry [[hash, next]]: {raw.hex()}")
        signer = Signer(chain, a.url)
        cases = [("small tx A->B (Transactions)", a, b, 0), ("6 KB tx A->B (announce + fetch)", a, b, 6000),
                 ("small tx B->A", b, a, 0), ("6 KB tx B->A", b, a, 6000)]
        for name, src, dst, size in cases:
            t0 = time.time()
            h = send(src.url, signer.tx(size))
            if not wait_pending(dst.url, h, 10):
                fails.append(f"{name}: {h} not pending in the receiver after 10 s")
                continue
            print(f"{name}: {h[:18]}... in the peer's pool after {time.time() - t0:.2f} s")
            if not in_txpool_content(dst.url, h):
                fails.append(f"{name}: {h} missing from the receiver's txpool_content")
        # a burst: 20 transactions to A all reach B
        burst = signer.used
        raws = signer.sign([signer.spec(100 if i % 2 else 5000, burst, i) for i in range(20)])
        hashes = [send(a.url, raw) for raw in raws]
        t0 = time.time()
        missing = [h for h in hashes if not wait_pending(b.url, h, 10)]
        if missing:
            fails.append(f"burst: {len(missing)} of 20 transactions not in B's pool: {missing[:3]}")
        else:
            print(f"burst: 20 transactions in B's pool {time.time() - t0:.2f} s after the last send")
    finally:
        a.stop()
        if b:
            b.stop()


def ethereumjs_part(ethc, chain, tmp, fails):
    if not shutil.which("node") or not os.path.exists(cli):
        print("SKIPPED (ethereumjs part): node or tests/interop/ethereumjs/node_modules missing")
        return 77
    data = os.path.join(tmp, "ejs")
    port, rpc_port = free_port(), free_port()
    log_path = data + ".log"
    log = open(log_path, "w")
    proc = subprocess.Popen(["node", cli, "--gethGenesis", os.path.join(chain, "genesis.json"),
                             "--isSingleNode", "true",
                             "--discDns", "false", "--discV4", "false", "--dataDir", data, "--port", str(port),
                             "--extIP", "127.0.0.1", "--rpc", "--rpcPort", str(rpc_port)],
                            stdout=log, stderr=subprocess.STDOUT)
    node = None
    try:
        enode = None
        deadline = time.time() + 180
        while time.time() < deadline and proc.poll() is None:
            m = re.search(r"(enode://[0-9a-f]{128}@127\.0\.0\.1:%d)" % port, open(log_path).read())
            if m:
                enode = m.group(1)
                break
            time.sleep(0.5)
        if not enode:
            fails.append("ethereumjs printed no enode; its log:\n" + open(log_path).read()[-3000:])
            return 1
        ejs_url = f"http://127.0.0.1:{rpc_port}"
        head = None
        while time.time() < deadline and proc.poll() is None and head != 0:  # its RPC serves once started
            try:
                head = int(rpc(ejs_url, "eth_blockNumber")["result"], 16)
            except (OSError, KeyError, ValueError):
                pass
            time.sleep(0.5)
        if head != 0:
            fails.append(f"ethereumjs's RPC is not at block 0 (got {head}); its log:\n" + open(log_path).read()[-3000:])
            return 1
        c_dir = os.path.join(tmp, "C")  # both at the genesis: ethereumjs would take a minute to load the chain
        subprocess.run([ethc, "init", "--datadir", c_dir, os.path.join(chain, "genesis.json")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        node = Ethc(ethc, c_dir, c_dir + ".ejs.log", ["--trusted-peers", enode, "--http.api", "eth,net,web3,txpool"])
        if not node.wait_log(r"peers: EthereumJS/\S+ eth/68", 30):
            fails.append("ethc did not reach ethereumjs over eth/68; log:\n" + node.log()[-2000:])
            return 1
        signer = Signer(chain, node.url)
        signer.used = 6  # accounts not used by part 1
        t0 = time.time()
        h = send(ejs_url, signer.tx(0))
        if wait_pending(node.url, h, 15):
            print(f"ethereumjs -> ethc: {h[:18]}... in ethc's pool after {time.time() - t0:.2f} s")
        else:
            fails.append(f"ethereumjs -> ethc: {h} not in ethc's pool after 15 s; ethc log:\n" + node.log()[-2000:])
        t0 = time.time()
        h = send(node.url, signer.tx(0))
        deadline, seen = time.time() + 15, False
        while time.time() < deadline and not seen:
            seen = in_txpool_content(ejs_url, h)  # its eth_getTransactionByHash reads only blocks
            time.sleep(0.3)
        if seen:
            print(f"ethc -> ethereumjs: {h[:18]}... known to ethereumjs after {time.time() - t0:.2f} s")
        else:
            fails.append(f"ethc -> ethereumjs: {h} unknown to ethereumjs after 15 s")
    finally:
        if node:
            node.stop()
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGINT)  # ethereumjs ignores SIGTERM
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
    return 0


def main(ethc, chain, workdir):
    if not shutil.which("node") or not os.path.exists(ethers):
        print("SKIPPED: node or ethers (tests/interop/node_modules) missing to sign transactions")
        return 77
    os.makedirs(workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="p2p-tx-", dir=workdir)
    fails = []
    ethc_part(ethc, chain, tmp, fails)
    rc = 0 if fails else ethereumjs_part(ethc, chain, tmp, fails)
    for f in fails:
        print("FAIL:", f)
    if fails:
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main(os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]))
