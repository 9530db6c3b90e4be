#!/usr/bin/env python3
"""A `--syncmode light` node with devp2p peers and no --execution-rpc
(node_peer_source.h, p2p_remote.h): node A imports the ethtest chain (600
blocks, to Prague) and serves eth/69 and snap/1; node B (`ethc init` with the
same genesis, `--trusted-peers A --sync.target HEAD`, no provider) syncs the
headers, then answers from data fetched from A on demand, every answer checked
against its verified header. B's raw JSON answers must equal A's:
eth_getBlockByNumber(full) on blocks with and without transactions, the
head's, eth_getBlockReceipts, eth_getTransactionReceipt and
eth_getTransactionByHash of transactions (their blocks' bodies seen first,
and one looked up cold in the recent blocks), eth_getLogs over ranges and by
topic, eth_getBalance / eth_getTransactionCount / eth_getStorageAt /
eth_getCode / eth_call / eth_estimateGas at the head (snap state, read by
GetTrieNodes: B's debug line per read; an absent account proven by the walk); a state
older than the ~128 that snap serves is an error naming "128 most recent
states"; a few through ethers v6 as well. Prints the latency of verified
eth_call through snap, cold (first read of a state) and warm.
Then lying peers (tests/system/p2p_liar.c serving a copy of A's chain): node
C with only a liar that answers GetReceipts with other blocks' receipts
serves no receipts at all (an error, never the lie) but the honest bodies;
node D with a liar hiding accounts in its snap answers (and changing trie
nodes), and A, answers the state as A and bans the liar; node F with only a
peer that answers GetTrieNodes empty reads the state by the range requests
(the fallback's debug line) and answers as A. B restarted beside only a
snap liar answers the state it read before from its trie node cache (the
chain database's verified nodes and code): equal to A's, the liar never lying.
usage: light_p2p.py ETHC P2P_LIAR CHAIN_DIR WORKDIR"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from p2p_liar import start_liar, stop_liar  # noqa: E402
from p2p_sync import DONE, Ethc, init  # noqa: E402

ETHERS = os.path.abspath(os.path.join(HERE, "..", "interop", "node_modules", "ethers"))
failures = 0


def check(cond, what, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or not detail else ": " + str(detail)[:800]), flush=True)
    if not cond:
        failures += 1


def same(a, b, method, *params):
    ra, rb = a.call(method, *params), b.call(method, *params)
    ok = "result" in ra and ra.get("result") == rb.get("result")
    check(ok, f"{method}{json.dumps(list(params))[:100]} equal",
          "" if ok else f"\n   A: {json.dumps(ra)[:300]}\n   B: {json.dumps(rb)[:500]}")
    return ra.get("result")


ETHERS_JS = """
const { JsonRpcProvider } = require(process.argv[1]);
(async () => {
  const out = {};
  for (const [name, url] of [["a", process.argv[2]], ["b", process.argv[3]]]) {
    const p = new JsonRpcProvider(url, undefined, { staticNetwork: true });
    const blk = await p.getBlock(Number(process.argv[5]), true);
    const logs = await p.getLogs({ fromBlock: Number(process.argv[5]) - 20, toBlock: Number(process.argv[5]) });
    out[name] = {
      balance: (await p.getBalance(process.argv[4])).toString(),
      nonce: await p.getTransactionCount(process.argv[4]),
      code: await p.getCode(process.argv[6]),
      slot: await p.getStorage(process.argv[6], 4),
      txs: blk.prefetchedTransactions.map((t) => [t.hash, t.from, t.to, t.value.toString()]),
      logs: logs.map((l) => [l.blockNumber, l.transactionHash, l.index, l.data, l.topics]),
      receipt: blk.transactions.length ? await (async () => { const r = await p.getTransactionReceipt(blk.transactions[0]);
        return [r.blockHash, r.status, r.gasUsed.toString(), r.logs.length]; })() : null,
    };
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def light_node(ethc, chain, work, name, peers, head_hash, extra=()):
    d = os.path.join(work, name)
    init(ethc, d, os.path.join(chain, "genesis.json"))
    n = Ethc(ethc, d, d + ".log", ["--trusted-peers", ",".join(peers), "--sync.target", head_hash, *extra])
    check(n.wait_log(DONE, 30) is not None, f"{name} synced the headers", n.log()[-1500:])
    return n


def liars(ethc, liar, chain, work, a, l_dir, with_txs, with_code, head_hash):
    network = str(json.load(open(os.path.join(chain, "genesis.json")))["config"]["chainId"])
    proc, enode = start_liar(liar, l_dir, network, "receipt", os.path.join(work, "liar-receipt.log"))
    c = None
    try:
        c = light_node(ethc, chain, work, "c", [enode], head_hash)
        for n in with_txs[:2]:
            same(a, c, "eth_getBlockByNumber", hex(n), True)  # its bodies are honest
        r = c.call("eth_getBlockReceipts", hex(with_txs[0]))
        check("error" in r and "result" not in r, "only a receipt liar: eth_getBlockReceipts is an error", r)
        check(c.wait_log("peers: banned ", 5) is not None, "C banned the receipt liar")
        r = c.call("eth_getTransactionReceipt", c.call("eth_getBlockByNumber", hex(with_txs[1]), False)["result"]
                   ["transactions"][0])
        check("error" in r and "result" not in r, "... and eth_getTransactionReceipt is an error too", r)
    finally:
        if c:
            c.stop()
        stop_liar(proc)
    # a snap liar alone: no state served (an error, never the lie), the liar banned
    proc, enode = start_liar(liar, l_dir, network, "snap", os.path.join(work, "liar-snap.log"))
    liar_id = enode[len("enode://"):len("enode://") + 16]
    d = None
    try:
        d = light_node(ethc, chain, work, "d", [enode], head_hash)
        r = d.call("eth_getBalance", with_code[0], "latest")
        check("error" in r and "result" not in r, "only a snap liar: eth_getBalance is an error", r)
        check(d.wait_log("peers: banned " + liar_id, 5) is not None, "D banned the snap liar", d.log()[-1500:])
    finally:
        if d:
            d.stop()
        out = stop_liar(proc)
    check("lie: AccountRange" in out or "lie: TrieNodes" in out, "the snap liar did lie")
    # the snap liar and A: the state as A's
    proc, enode = start_liar(liar, l_dir, network, "snap", os.path.join(work, "liar-snap2.log"))
    e = None
    try:
        e = light_node(ethc, chain, work, "e", [enode, a.enode], head_hash)
        # many reads at once: the source spreads them over both peers (the liar's refused, asked again of A)
        from concurrent.futures import ThreadPoolExecutor
        accts = list(json.load(open(os.path.join(chain, "headstate.json")))["accounts"])[:24]
        with ThreadPoolExecutor(max_workers=12) as ex:
            got = list(ex.map(lambda x: e.call("eth_getBalance", x, "latest"), accts))
        want = [a.call("eth_getBalance", x, "latest") for x in accts]
        bad = [accts[i] for i in range(len(accts)) if got[i].get("result") != want[i].get("result")]
        check(not bad, f"a snap liar beside A: {len(accts)} balances read at once equal A's", bad[:3])
    finally:
        if e:
            e.stop()
        out = stop_liar(proc)
    print(f"snap liar beside A: {out.count('lie: AccountRange') + out.count('lie: TrieNodes')} lies told, all refused")
    # a peer that answers GetTrieNodes empty (without that state, or without the message): read by the ranges
    proc, enode = start_liar(liar, l_dir, network, "nonodes", os.path.join(work, "liar-nonodes.log"))
    f = None
    try:
        f = light_node(ethc, chain, work, "f", [enode], head_hash, ["--verbosity", "4"])
        for x in with_code[:2]:
            same(a, f, "eth_getBalance", x, "latest")
            same(a, f, "eth_getStorageAt", x, "0x0", "latest")
        same(a, f, "eth_getBalance", "0x" + "cd" * 20, "latest")  # absent, proven by the range proof
        log = f.log()
        check("GetTrieNodes answered empty" in log and "by GetAccountRange" in log,
              "a peer answering GetTrieNodes empty: F falls back to GetAccountRange (debug line)", log[-1500:])
        check("by GetTrieNodes (" not in log, "... and read nothing by GetTrieNodes")
    finally:
        if f:
            f.stop()
        out = stop_liar(proc)
    check("no nodes: TrieNodes answered empty" in out, "the nonodes peer was asked GetTrieNodes")


def from_cache(ethc, liar, chain, work, a, l_dir, b_dir, head_hash, accts, slots):
    """B restarted with only a snap liar as its peer: the state it read before
    comes from its trie node cache (verified nodes and code in its database),
    so the liar is never asked (or its lie would show)."""
    network = str(json.load(open(os.path.join(chain, "genesis.json")))["config"]["chainId"])
    proc, enode = start_liar(liar, l_dir, network, "snap", os.path.join(work, "liar-cache.log"))
    b = None
    try:
        b = Ethc(ethc, b_dir, b_dir + ".2.log", ["--trusted-peers", enode, "--sync.target", head_hash])
        check(b.wait_log(DONE, 30) is not None, "B restarted beside a snap liar only", b.log()[-1500:])
        for x in accts:
            same(a, b, "eth_getBalance", x, "latest")
            same(a, b, "eth_getCode", x, "latest")
        for x, s in slots:
            same(a, b, "eth_getStorageAt", x, s, "latest")
    finally:
        if b:
            b.stop()
        out = stop_liar(proc)
    check("lie: " not in out, "... all from B's trie node cache: the liar told no lie", out[-800:])


def main(ethc, liar, chain, workdir):
    work = os.path.join(os.path.abspath(workdir), "light-p2p")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    t0 = time.time()
    head = json.load(open(os.path.join(chain, "headblock.json")))
    head_n, head_hash = int(head["number"], 16), head["hash"]
    a_dir, b_dir = os.path.join(work, "a"), os.path.join(work, "b")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir", a_dir,
                    os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    init(ethc, b_dir, os.path.join(chain, "genesis.json"))
    l_dir = os.path.join(work, "l")  # the liars' copy (A holds its own directory's lock)
    shutil.copytree(a_dir, l_dir)
    a = Ethc(ethc, a_dir, a_dir + ".log")
    nodes = [a]
    try:
        b = Ethc(ethc, b_dir, b_dir + ".log", ["--trusted-peers", a.enode, "--sync.target", head_hash,
                                                "--verbosity", "4"])
        nodes.append(b)
        check(b.wait_log(DONE, 40) is not None, f"B synced the headers to #{head_n}", b.log()[-2000:])
        check(b.wait_log(r"bodies, receipts and snap state from devp2p peers", 1) is not None,
              "B fetches from its peers (no --execution-rpc)")
        check(b.call("eth_blockNumber").get("result") == hex(head_n), "B's head is A's")
        txinfo = json.load(open(os.path.join(chain, "txinfo.json")))
        emits = txinfo["tx-emit-eip1559"]
        # blocks: the first ones (contract deployments), a few with transactions, the last ones
        with_txs = sorted({int(e["block"], 16) for e in emits})[:4]
        for n in [1, 2, 3] + with_txs + [head_n - 2, head_n - 1, head_n]:
            same(a, b, "eth_getBlockByNumber", hex(n), True)
            same(a, b, "eth_getBlockReceipts", hex(n))
        same(a, b, "eth_getBlockByNumber", "latest", True)
        for e in emits[:3]:  # their blocks' bodies were verified above
            same(a, b, "eth_getTransactionReceipt", e["txhash"])
            same(a, b, "eth_getTransactionByHash", e["txhash"])
        # a transaction of a recent block whose body B has not seen: found among the recent blocks
        recent = None
        for n in range(head_n - 3, head_n - 60, -1):
            txs = a.call("eth_getBlockByNumber", hex(n), False)["result"]["transactions"]
            if txs:
                recent = txs[-1]
                break
        if recent:
            same(a, b, "eth_getTransactionReceipt", recent)
        topic = emits[0]["logtopic0"]
        same(a, b, "eth_getLogs", {"fromBlock": "0x1", "toBlock": hex(60)})
        same(a, b, "eth_getLogs", {"fromBlock": hex(head_n - 40), "toBlock": "latest"})
        same(a, b, "eth_getLogs", {"fromBlock": "0x1", "toBlock": "latest", "topics": [topic]})
        # state at the head over snap
        state = json.load(open(os.path.join(chain, "headstate.json")))["accounts"]
        with_code = [k for k, v in state.items() if v.get("code") and v.get("storage")][:3]
        plain = [k for k, v in state.items() if not v.get("code")][:3]
        for acct in with_code + plain:
            same(a, b, "eth_getBalance", acct, "latest")
            same(a, b, "eth_getTransactionCount", acct, "latest")
            same(a, b, "eth_getCode", acct, "latest")
        for acct in with_code:
            for slot in list(state[acct]["storage"])[:2]:
                same(a, b, "eth_getStorageAt", acct, slot, "latest")
        callme = txinfo["deploy-callenv"]["contract"]
        same(a, b, "eth_call", {"to": callme, "data": "0x"}, "latest")
        same(a, b, "eth_call", {"to": with_code[0], "data": "0x"}, hex(head_n - 1))
        same(a, b, "eth_estimateGas", {"from": plain[0], "to": plain[1], "value": "0x1"}, "latest")
        same(a, b, "eth_getBalance", "0x" + "ab" * 20, "latest")  # absent, proven absent
        # the state came by GetTrieNodes (a debug line per read), never by the range fallback
        log = b.log()
        reads = re.findall(r"by GetTrieNodes \((\d+) round trips\)", log)
        check(len(reads) >= 6, f"B read the state by GetTrieNodes ({len(reads)} reads, "
              f"{sum(map(int, reads))} round trips)", log[-1500:])
        check("proven absent by GetTrieNodes" in log, "... an absent account proven by the walk")
        check("GetTrieNodes answered empty" not in log, "... and never fell back to the range requests")
        r = b.call("eth_getBalance", plain[0], "0x2")
        msg = (r.get("error") or {}).get("message", "")
        check("128 most recent states" in msg, "an old state (#2) is an error naming snap's 128 recent states", r)
        # eth_call latency over snap: cold (a state root not read yet) and warm
        cold = []
        for n in range(head_n - 1, head_n - 11, -1):
            t = time.perf_counter()
            r = b.call("eth_call", {"to": callme, "data": "0x"}, hex(n))
            cold.append((time.perf_counter() - t) * 1000)
            check("result" in r, f"eth_call at #{n} through snap", r)
        warm = []
        for _ in range(100):
            t = time.perf_counter()
            b.call("eth_call", {"to": callme, "data": "0x"}, "latest")
            warm.append((time.perf_counter() - t) * 1000)
        cold.sort(), warm.sort()
        print(f"figures: verified eth_call through snap: cold (n={len(cold)}) p50 {cold[len(cold) // 2]:.2f} ms "
              f"max {cold[-1]:.2f} ms; warm (n={len(warm)}) p50 {warm[50]:.3f} ms p99 {warm[98]:.3f} ms")
        if os.path.isdir(ETHERS) and shutil.which("node"):
            p = subprocess.run(["node", "-e", ETHERS_JS, ETHERS, a.url, b.url, plain[0], str(with_txs[1]), with_code[0]],
                               capture_output=True, text=True, timeout=60)
            check(p.returncode == 0, "ethers v6 against A and B ran", p.stderr[-1500:])
            if p.returncode == 0:
                out = json.loads(p.stdout)
                for k in out["a"]:
                    check(out["a"][k] == out["b"][k], f"ethers: {k} equal through A and B",
                          f"{out['a'][k]} vs {out['b'][k]}")
        else:
            print("skip ethers checks: no node or ethers")
        b.stop()
        from_cache(ethc, liar, chain, work, a, l_dir, b_dir, head_hash, with_code + plain,
                   [(x, s) for x in with_code for s in list(state[x]["storage"])[:2]])
        liars(ethc, liar, chain, work, a, l_dir, with_txs, with_code, head_hash)
    finally:
        for n in nodes:
            n.stop()
    print(f"{time.time() - t0:.1f} s")
    if failures:
        print("--- B's log ---\n" + open(b_dir + ".log").read()[-4000:])
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("FAILED" if failures else "PASSED", f"({failures} failures)")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
