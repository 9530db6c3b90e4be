#!/usr/bin/env python3
"""go-ethereum's devp2p conformance suite (cmd/devp2p/internal/ethtest: the eth
cases of suite.go and the snap cases of snap.go), ported case by case into
tests/tools/ethtest_client, run against an `ethc node` that imported the ethtest
chain (600 blocks): imports the chain into a temporary datadir under WORKDIR,
starts the node with p2p on a free port (discovery off, eth/68-70 offered),
reads its enode, runs
every case and prints the table case -> PASS/FAIL/SKIP and the closing line
"N passed, N failed, N skipped" (each skip with its reason). Fails when a case
fails or the client does not report every case.
usage: p2p_ethtest.py ETHC ETHTEST_CLIENT CHAIN_DIR WORKDIR"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CASES = ["Status", "MaliciousHandshake", "BlockRangeUpdateExpired", "BlockRangeUpdateFuture",
         "BlockRangeUpdateInvalid", "GetBlockHeaders", "GetNonexistentBlockHeaders", "SimultaneousRequests",
         "SameRequestID", "ZeroRequestID", "GetBlockBodies", "GetReceipts", "GetLargeReceipts", "LargeTxRequest",
         "Transaction", "InvalidTxs", "NewPooledTxs", "BlobViolations", "TestBlobTxWithoutSidecar",
         "TestBlobTxWithMismatchedSidecar", "SnapStatus", "AccountRange", "GetByteCodes",
         "GetTrieNodes", "GetStorageRanges"]
# Cases ethc must pass, not skip: the client skips them on a node without the feature.
MUST_PASS = ["BlobViolations", "TestBlobTxWithoutSidecar", "TestBlobTxWithMismatchedSidecar"]


def start_node(ethc, datadir, log_path):
    err = open(log_path, "w")
    # eth/70 offered too (as go-ethereum does), so that GetLargeReceipts pages over it
    proc = subprocess.Popen([ethc, "node", "--datadir", datadir, "--http.port", "0", "--port", "0", "--nodiscover",
                             "--eth.versions", "68,69,70"],
                            stdout=subprocess.PIPE, stderr=err, text=True)
    enode = None
    for _ in range(4):  # the HTTP line, then the P2P one
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"self=(enode://\S+)", line)
        if m:
            enode = m.group(1)
            break
    return proc, err, enode


def stop_node(proc, err):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    err.close()


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    ethc, client, chain, work = sys.argv[1:]
    os.makedirs(work, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="ethtest-", dir=work)
    datadir = os.path.join(tmp, "node")
    t0 = time.time()
    subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(chain, "genesis.json"), "--datadir",
                    datadir, os.path.join(chain, "chain.rlp")], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    log = os.path.join(tmp, "node.log")
    proc, err, enode = start_node(ethc, datadir, log)
    if enode is None:
        stop_node(proc, err)
        print("ethc node printed no enode; log:\n" + open(log).read())
        return 1
    enode = enode.replace("@0.0.0.0:", "@127.0.0.1:")
    print(f"node {enode} (import {time.time() - t0:.1f} s)")
    try:
        r = subprocess.run([client, enode, chain], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=150)
        out = r.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout or ""
        if isinstance(out, bytes):
            out = out.decode()
        out += "\n(client timed out)"
    finally:
        stop_node(proc, err)
    results = {}
    for line in out.splitlines():
        m = re.match(r"CASE (\S+) (PASS|FAIL|SKIP) ?(.*)", line)
        if m:
            results[m.group(1)] = (m.group(2), m.group(3))
        elif line.strip():
            print(line)
    width = max(len(c) for c in CASES)
    print(f"{'case':<{width}}  result")
    for c in CASES:
        res, why = results.get(c, ("FAIL", "not reported by the client"))
        results[c] = (res, why)
        print(f"{c:<{width}}  {res.lower()}{'  (' + why + ')' if why else ''}")
    for c in MUST_PASS:
        if results[c][0] == "SKIP":
            print(f"{c}: skipped, but ethc must pass it")
            results[c] = ("FAIL", results[c][1])
    n = {k: sum(1 for r, _ in results.values() if r == k) for k in ("PASS", "FAIL", "SKIP")}
    print(f"{n['PASS']} passed, {n['FAIL']} failed, {n['SKIP']} skipped ({time.time() - t0:.1f} s)")
    if n["FAIL"]:
        print("node log tail:\n" + "\n".join(open(log).read().splitlines()[-20:]))
        print("kept for inspection:", tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
