#!/usr/bin/env python3
"""End to end on one machine (issue 15): a light node following the dev chain.

1. Node A: `ethc node --dev --dev.beacon` (the test-only beacon light-client API,
   network "dev") writing its genesis (--dev.genesis-out). It mines 64 blocks,
   then a contract that stores its calldata and logs it is deployed and called
   (light_remote.build_chain: blocks 65-72), so that block 8 is finalized.
2. Node B: `ethc node --light --network dev --genesis A's genesis --checkpoint
   A's finalized root`, A being both its --consensus-rpc and --execution-rpc.
   B's first eth_call equals A's; B's head reaches A's and stays within one
   block of it while A mines 8 more blocks one by one; B fetches the headers
   down to its checkpoint (by parent hash); eth_getBalance, eth_call,
   eth_getStorageAt, eth_getCode, eth_getTransactionReceipt, eth_getLogs and
   eth_getBlockByNumber through B equal A's answers, B's finalized block is the
   finality update's (head - 64); eth_getLogs over blocks
   before B's checkpoint is an error, not a partial answer. B restarted from
   its data directory (A not mining) proves the same head again and answers
   eth_call at it as A (the stored head's state is the source's).
3. Node C: the same, but through a tampering proxy in front of A (beacon API and
   execution RPC). Case by case the proxy flips a byte of an account proof,
   serves wrong code, drops one log, drops one receipt, reorders receipts,
   serves a block with another block's transactions: C answers a JSON-RPC
   error, never the lie (and A's answer once the proxy is honest). Then it
   claims a different head: an optimistic update whose execution block hash is
   changed (refused: C's head does not move), and an execution header that is
   not the proven block's (refused: C's `latest` stays the previous block whose
   header it stored, never "header not available"); no lying header is
   served, and once the proxy is honest again C's head is A's. Then the
   execution headers arrive late (the proxy holds each eth_getBlockByHash
   answer): while C has proven a head whose header is still on its way, every
   `latest` and `safe` query answers (C's previous stored block, A's block of
   that number), never "header not available".
4. Blocks faster than the restarted B polls (a block every 0.25 s, B polling
   every second): eth_getLogs over B's last 8 blocks, asked over and over for
   8 s, never fails ("block N is not available").
Prints the time from B's start to its first verified eth_call, and B's RSS.
usage: light_e2e.py ETHC WORKDIR"""
import json
import os
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import light_remote as lr  # noqa: E402
from dev_beacon import DevNode, flip_hex  # noqa: E402
from light_node import LightNode  # noqa: E402



def check(cond, what, detail=""):
    """light_remote's check (one failure count), with a detail shown on failure."""
    lr.check(cond, what + ("" if cond or not detail else ": " + str(detail)[-1500:]))

result = lr.result
rpc = lr.rpc
SLOW_HEADER_S = 1.5  # how long the proxy holds an execution header (mode "slow_header")


class Proxy(lr.Proxy):
    """light_remote's lying JSON-RPC proxy, also forwarding the beacon API (GET,
    as JSON) and, in mode "beacon_head", changing the optimistic update's
    execution block hash."""

    def __init__(self, upstream, beacon):
        super().__init__(upstream)
        proxy = self
        handler = self.server.RequestHandlerClass

        def do_GET(h):
            req = urllib.request.Request(beacon + h.path, headers={"Accept": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    status, body, version = r.status, r.read(), r.headers.get("Eth-Consensus-Version")
            except urllib.error.HTTPError as e:
                status, body, version = e.code, e.read(), None
            if status == 200 and proxy.mode == "beacon_head" and h.path.endswith("/optimistic_update"):
                doc = json.loads(body)
                ex = doc["data"]["attested_header"]["execution"]
                ex["block_hash"] = flip_hex(ex["block_hash"], 0, 0xff)
                body = json.dumps(doc).encode()
                proxy.lies += 1
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            if version:
                h.send_header("Eth-Consensus-Version", version)
            h.end_headers()
            h.wfile.write(body)

        handler.do_GET = do_GET

    delayed = 0  # eth_getBlockByHash answers held back (mode "slow_header")
    holding = 0  # ... being held now
    count_lock = threading.Lock()  # the proxy answers on several threads

    def answer(self, req):
        if self.mode == "slow_header" and req.get("method") == "eth_getBlockByHash":
            with self.count_lock:
                self.holding += 1
            time.sleep(SLOW_HEADER_S)
            with self.count_lock:
                self.holding -= 1
                self.delayed += 1
        return super().answer(req)

    def tamper(self, method, resp):
        if self.mode == "exec_header" and method == "eth_getBlockByHash" and resp.get("result"):
            # the header of the proven block's parent instead of its own
            resp["result"] = result(self.upstream, "eth_getBlockByHash", resp["result"]["parentHash"], False)
            self.lies += 1
            return
        super().tamper(method, resp)


def walked(a, n, number):
    """n has fetched the headers down to block `number` (its ancestors walk)."""
    want = result(a.url, "eth_getBlockByNumber", hex(number), False)["hash"]
    return wait(lambda: (rpc(n.url, "eth_getBlockByNumber", hex(number), False).get("result") or {}).get("hash") ==
                want, 20)


def head(url):
    return int(result(url, "eth_blockNumber"), 16)


def wait(cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if cond():
                return True
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(0.05)
    return False


def follow(a, b, n):
    """A mines n blocks one by one; after each, B's head is within one block of
    A's within a few polls. Returns the largest lag seen after settling."""
    worst = 0
    for _ in range(n):
        result(a.url, "evm_mine")
        ha = head(a.url)
        ok = wait(lambda: head(b.url) >= ha - 1, 5)
        worst = max(worst, ha - head(b.url)) if ok else max(worst, 99)
    return worst


def compare(a, b, contract, txs, two):
    same = lr.same
    for acct in lr.ACCT[:3] + [contract]:
        same(a, b, "eth_getBalance", acct, "latest")
    same(a, b, "eth_getBalance", lr.ACCT[1], hex(two))
    same(a, b, "eth_call", {"to": contract}, "latest")
    same(a, b, "eth_call", {"to": contract}, hex(two - 1))
    same(a, b, "eth_getStorageAt", contract, "0x0", "latest")
    same(a, b, "eth_getCode", contract, "latest")
    for h in txs:
        same(a, b, "eth_getTransactionReceipt", h)
    same(a, b, "eth_getLogs", {"fromBlock": "0x41", "toBlock": "latest"})
    lr.expect_error(b, "range (before the checkpoint)", "eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest"})
    same(a, b, "eth_getLogs", {"fromBlock": "0x41", "toBlock": hex(two), "address": contract,
                               "topics": ["0x" + lr.TOPIC]})
    for n in range(two - 3, two + 5):
        same(a, b, "eth_getBlockByNumber", hex(n), True)
    same(a, b, "eth_getBlockByNumber", "latest", False)


def fast_logs(a, b, contract, seconds=8.0, every=0.25):
    """Blocks faster than B polls (A: a block with one log every `every` s; B:
    --light.poll 1): eth_getLogs over B's last 8 blocks, asked over and over
    meanwhile, always answers: never "block N is not available" (the blocks
    proven between two polls are indexed before B's head moves over them)."""
    stop = threading.Event()

    def mine():
        n = 0
        while not stop.is_set():
            n += 1
            result(a.url, "eth_sendTransaction", {"from": lr.ACCT[0], "to": contract, "data": "0x%064x" % (1000 + n)})
            time.sleep(every)

    miner = threading.Thread(target=mine)
    start, asked, errors = head(b.url), 0, []
    miner.start()
    try:
        deadline = time.time() + seconds
        while time.time() < deadline:
            hb = head(b.url)
            r = rpc(b.url, "eth_getLogs", {"fromBlock": hex(hb - 7), "toBlock": hex(hb), "address": contract})
            asked += 1
            if "result" not in r:
                errors.append(r.get("error"))
    finally:
        stop.set()
        miner.join()
    moved = head(b.url) - start
    check(moved >= seconds / every / 2 and asked >= 50 and not errors,
          f"a block every {every} s, B polling every 1 s: eth_getLogs over B's last 8 blocks answered "
          f"{asked - len(errors)} of {asked} times while B followed {moved} blocks", errors[:2])


def tamper_cases(a, c, proxy, contract, txs, two):
    blocks = [result(a, "eth_getTransactionReceipt", h) for h in txs]
    b_log = int(blocks[1]["blockNumber"], 16)
    b_one = int(blocks[2]["blockNumber"], 16)
    b_last = int(blocks[-1]["blockNumber"], 16)
    cases = [
        ("flip_proof", "account proof", "eth_getBalance", (lr.ACCT[3], "latest")),
        ("flip_proof", "account proof", "eth_call", ({"to": contract}, hex(two))),
        ("wrong_code", "code", "eth_call", ({"to": contract}, "latest")),
        ("drop_log", "receipts (a log dropped)", "eth_getLogs", ({"fromBlock": hex(b_log), "toBlock": hex(b_log)},)),
        ("drop_receipt", "receipts (one dropped)", "eth_getTransactionReceipt", (txs[2],)),
        ("reorder", "receipts (reordered)", "eth_getTransactionReceipt", (txs[3],)),
        ("wrong_tx", "block (another block's transactions)", "eth_getBlockByNumber", (hex(b_last), True)),
    ]
    proxy.other_block = blocks[-2]["blockHash"]
    for mode, what, method, params in cases:
        proxy.mode = mode
        before = proxy.lies
        lr.expect_error(c, what, method, *params)
        check(proxy.lies > before, f"  ... the proxy did lie ({mode})")
    proxy.mode = None
    for mode, what, method, params in cases:
        lr.same(a, c, method, *params)


def head_lies(a, c, proxy):
    """A lying head: C's head does not move to the lie, and no lying header is
    served; once the proxy is honest again (and A mines on) C follows A."""
    for mode, what in (("beacon_head", "an optimistic update with a changed execution block hash"),
                       ("exec_header", "an execution header that is not the proven block's")):
        proxy.mode = mode
        before_lies, hc = proxy.lies, head(c.url)
        top, served = hc, []
        for _ in range(3):
            result(a.url, "evm_mine")
            time.sleep(0.4)
            top = max(top, head(c.url))
            served.append(rpc(c.url, "eth_getBlockByNumber", "latest", False))
        lied = wait(lambda: proxy.lies > before_lies, 5)
        bad = [r["result"]["hash"] for r in served if r.get("result") and r["result"]["hash"] !=
               result(a.url, "eth_getBlockByNumber", r["result"]["number"], False)["hash"]]
        check(lied and not bad,
              f"{what}: C serves no lying header ({len(bad)} served; lies {proxy.lies - before_lies})")
        check(top == hc, f"  ... C's head does not move (#{hc} -> #{top})")
        errs = [r["error"]["message"] for r in served if "error" in r]
        check(not errs, "  ... `latest` answers C's previous stored block, not an error", errs[-1:])
        check("refused" in open(c.log_path).read(), "  ... C logged the refusal")
        proxy.mode = None
        # A mines nothing more: the same updates and header, told true, move C on
        ha = result(a.url, "eth_getBlockByNumber", "latest", False)
        check(wait(lambda: rpc(c.url, "eth_getBlockByNumber", "latest", False).get("result", {}).get("hash") ==
                   ha["hash"], 10), f"  ... honest again, C's head is A's (#{int(ha['number'], 16)})")


def late_header(a, c, proxy):
    """The execution headers arrive late: while C has proven a head whose header
    the proxy holds back, `latest` and `safe` answer C's previous stored blocks
    (A's blocks of those numbers), never an error; then C catches up."""
    proxy.mode = "slow_header"
    before = proxy.delayed
    answers, held = [], 0
    for _ in range(3):
        result(a.url, "evm_mine")
        deadline = time.time() + SLOW_HEADER_S + 1
        while time.time() < deadline:
            holding = proxy.holding > 0
            for tag in ("latest", "safe"):
                answers.append((tag, rpc(c.url, "eth_getBlockByNumber", tag, False)))
                held += holding
            time.sleep(0.05)
    proxy.mode = None
    bad = [(t, r.get("error") or r.get("result")) for t, r in answers if not r.get("result")]
    check(proxy.delayed > before and held > 0,
          f"late headers: the proxy held {proxy.delayed - before} headers back, {held} queries made meanwhile")
    check(not bad, f"  ... all {len(answers)} `latest`/`safe` queries answered a block", bad[:2])
    lies = [r["result"]["number"] for _, r in answers if r.get("result") and r["result"]["hash"] !=
            result(a.url, "eth_getBlockByNumber", r["result"]["number"], False)["hash"]]
    check(not lies, "  ... each A's block of that number", lies[:3])
    ha = head(a.url)
    check(wait(lambda: head(c.url) == ha, 10), f"  ... then C reaches A's head #{ha}")


def main():
    ethc, work = sys.argv[1], os.path.abspath(sys.argv[2])
    work = os.path.join(work, "light-e2e")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    t0 = time.time()
    genesis = os.path.join(work, "genesis.json")
    a = DevNode(ethc, work, extra=["--dev.genesis-out", genesis])
    nodes, proxy = [], None
    try:
        check(os.path.exists(genesis), "A wrote its genesis.json")
        result(a.url, "anvil_mine", "0x40")  # the checkpoint: block 8, finalized once A is at 72
        contract, txs, two = lr.build_chain(a.url)
        check(head(a.url) == 72, f"A mined 72 blocks ({head(a.url)})")
        with urllib.request.urlopen(a.beacon + "/eth/v1/beacon/headers/finalized", timeout=10) as r:
            checkpoint = json.loads(r.read())["data"]["root"]

        def light(name, consensus, execution):
            args = ["--network", "dev", "--genesis", genesis, "--checkpoint", checkpoint, "--consensus-rpc",
                    consensus, "--execution-rpc", execution, "--http.api", "eth,net,web3"]
            n = LightNode(ethc, os.path.join(work, name), args, name)
            nodes.append(n)
            check(n.url is not None, f"light node {name} starts", n.log()[-2000:])
            return n

        b = light("b", a.beacon, a.url)
        want = result(a.url, "eth_call", {"to": contract}, "latest")
        first = wait(lambda: rpc(b.url, "eth_call", {"to": contract}, "latest").get("result") == want, 30)
        t_call = time.time() - b.t0
        check(first, f"B's first verified eth_call equals A's ({t_call:.2f} s after start)", )
        check(wait(lambda: head(b.url) == head(a.url), 10), f"B reached A's head #{head(a.url)} (#{head(b.url)})")
        lag = follow(a, b, 8)
        check(lag <= 1, f"A mines 8 more blocks one by one: B stays within one block (worst lag {lag})")
        check(wait(lambda: head(b.url) == head(a.url), 10), "B catches A's head")
        check(walked(a, b, 0x41), "B has the headers down to its checkpoint's block")
        with urllib.request.urlopen(a.beacon + "/eth/v1/beacon/light_client/finality_update", timeout=10) as r:
            fin = json.loads(r.read())["data"]["finalized_header"]["execution"]
        check(wait(lambda: (rpc(b.url, "eth_getBlockByNumber", "finalized", False).get("result") or {}).get("hash") ==
                   fin["block_hash"], 5),
              f"B's finalized block is the beacon chain's (#{fin['block_number']}, head - 64)")
        compare(a.url, b.url, contract, txs, two)
        # a restart (from the data directory, A not mining): the stored head's state is the source's
        b_rss, b_secs = b.rss_kb(), time.time() - b.t0
        b.stop()
        nodes.remove(b)
        b2 = LightNode(ethc, os.path.join(work, "b"), ["--network", "dev", "--genesis", genesis, "--consensus-rpc",
                                                       a.beacon, "--execution-rpc", a.url, "--light.poll", "1"], "b2")
        nodes.append(b2)
        want = result(a.url, "eth_call", {"to": contract}, "latest")
        proven = wait(b2.ready, 10)
        r = rpc(b2.url, "eth_call", {"to": contract}, "latest")
        check(proven and r.get("result") == want and head(b2.url) == head(a.url),
              "B restarted: the same head proven again, eth_call at it as A's", r)

        proxy = Proxy(a.url, a.beacon)
        c = light("c", proxy.url, proxy.url)
        check(wait(lambda: head(c.url) >= head(a.url) - 1, 20), "C (through the proxy) follows A")
        check(walked(a, c, 0x41), "C has the headers of the blocks with the transactions")
        tamper_cases(a.url, c.url, proxy, contract, txs, two)
        head_lies(a, c, proxy)
        late_header(a, c, proxy)
        fast_logs(a, b2, contract)
        print(f"figures: B's first verified eth_call {t_call:.2f} s after start; B's RSS after "
              f"{b_secs:.0f} s following: {b_rss / 1024:.1f} MB")
    finally:
        for n in nodes:
            n.stop()
        a.stop()
        if proxy:
            proxy.stop()
    print(f"{time.time() - t0:.1f} s")
    if lr.failures:
        for n in nodes:
            print(f"--- {n.log_path} ---\n" + n.log()[-3000:])
    print("FAILED" if lr.failures else "PASSED", f"({lr.failures} failures)")
    return 1 if lr.failures else 0


if __name__ == "__main__":
    sys.exit(main())
