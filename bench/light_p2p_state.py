#!/usr/bin/env python3
"""State reads of a `--syncmode light` node from one ethc devp2p peer (no
--execution-rpc): GetTrieNodes (the default) against the range requests
(ETHC_P2P_STATE=range: GetAccountRange / GetStorageRanges). Node A imports
the ethtest chain (/work/shared/chains/ethtest) and serves snap/1; for each
mode a fresh light node B syncs the headers from A, then:
  cold root    eth_getBalance of an account at a block whose state B has
               not read yet (one per block, the 10 below the head);
  cold key     eth_getBalance of accounts not read yet at a state already read;
  warm         the same eth_getBalance again (B's verified-answer cache);
  call cold    eth_call of the contract at blocks not read yet;
  call warm    the same eth_call again;
  restarted    B stopped and started again: eth_getBalance of the cold-key
               accounts (GetTrieNodes: from the trie node cache in B's
               database; ranges: asked again).
Prints p50 (ms) of each, and for GetTrieNodes the round trips per read (and
paths per request) from B's debug lines (a range read is one request).
usage: bench/light_p2p_state.py ETHC WORKDIR"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "system"))
from p2p_sync import DONE, Ethc, init  # noqa: E402

CHAIN = "/work/shared/chains/ethtest"


def p50(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def timed(node, method, *params):
    t = time.perf_counter()
    r = node.call(method, *params)
    assert "result" in r, r
    return (time.perf_counter() - t) * 1000


def start(ethc, d, log, a, mode, head_hash):
    env = dict(os.environ)
    if mode == "range":
        os.environ["ETHC_P2P_STATE"] = "range"
    try:
        return Ethc(ethc, d, log, ["--trusted-peers", a.enode, "--sync.target", head_hash, "--verbosity", "4"])
    finally:
        os.environ.clear(), os.environ.update(env)


def rounds_of(log):
    r = [(int(x), int(p or 0)) for x, p in re.findall(r"by GetTrieNodes \((\d+) round trips\)(?: of (\d+) paths)?", log)]
    if not r:
        return "1 request per read (range)"
    trips, paths = sum(x for x, _ in r), sum(p for _, p in r)
    per = f", {paths / trips:.1f} paths per request" if trips and paths else ""
    return f"{trips / len(r):.2f} round trips per read ({len(r)} reads){per}"


def run(ethc, work, a, mode, head_n, head_hash, accts, callme):
    d = os.path.join(work, "b-" + mode)
    init(ethc, d, os.path.join(CHAIN, "genesis.json"))
    b = start(ethc, d, d + ".log", a, mode, head_hash)
    try:
        assert b.wait_log(DONE, 40), b.log()[-2000:]
        cold_root = [timed(b, "eth_getBalance", accts[0], hex(n)) for n in range(head_n - 1, head_n - 11, -1)]
        timed(b, "eth_getBalance", accts[0], "latest")
        cold_key = [timed(b, "eth_getBalance", x, "latest") for x in accts[1:41]]
        warm = [timed(b, "eth_getBalance", x, "latest") for x in accts[1:41] * 5]
        call_cold = [timed(b, "eth_call", {"to": callme, "data": "0x"}, hex(n)) for n in range(head_n - 11, head_n - 21, -1)]
        call_warm = [timed(b, "eth_call", {"to": callme, "data": "0x"}, hex(head_n - 11)) for _ in range(100)]
        print(f"{mode:10s} getBalance cold root p50 {p50(cold_root):.2f} ms, cold key p50 {p50(cold_key):.2f} ms, "
              f"warm p50 {p50(warm):.3f} ms; eth_call cold p50 {p50(call_cold):.2f} ms, warm p50 {p50(call_warm):.3f} ms;"
              f" {rounds_of(b.log())}", flush=True)
    finally:
        b.stop()
    b = start(ethc, d, d + ".2.log", a, mode, head_hash)
    try:
        assert b.wait_log(DONE, 40), b.log()[-2000:]
        again = [timed(b, "eth_getBalance", x, "latest") for x in accts[1:41]]
        print(f"{mode:10s} restarted: getBalance of the same accounts p50 {p50(again):.2f} ms; {rounds_of(b.log())}",
              flush=True)
    finally:
        b.stop()


def main(ethc, workdir):
    work = os.path.join(os.path.abspath(workdir), "light-p2p-state")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    head = json.load(open(os.path.join(CHAIN, "headblock.json")))
    head_n, head_hash = int(head["number"], 16), head["hash"]
    accts = list(json.load(open(os.path.join(CHAIN, "headstate.json")))["accounts"])
    callme = json.load(open(os.path.join(CHAIN, "txinfo.json")))["deploy-callenv"]["contract"]
    a_dir = os.path.join(work, "a")
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(CHAIN, "genesis.json"), "--datadir", a_dir,
                    os.path.join(CHAIN, "chain.rlp")], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    a = Ethc(ethc, a_dir, a_dir + ".log")
    try:
        for mode in ("trienodes", "range"):
            run(ethc, work, a, mode, head_n, head_hash, accts, callme)
    finally:
        a.stop()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    main(*sys.argv[1:])
