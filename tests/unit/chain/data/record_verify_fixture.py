"""Records tests/unit/chain/data/verify_fixture.json for test_verify.c: answers of
ethc's own node on the rpc-compat chain (eth_getBlockByNumber for the roots,
eth_getProof with storage, eth_getCode, eth_getBlockReceipts, debug_getRawReceipts and the
block's raw transactions). Run: python3 record_verify_fixture.py ETHC ../shared/rpc-compat WORKDIR"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "system"))
from rpc_node import Node  # noqa: E402


def main():
    ethc, suite, workdir = sys.argv[1:4]
    node = Node(ethc, workdir, suite, ["--http.api", "eth,debug", "--authrpc.port", "0"])
    try:
        def call(m, *p):
            r = node.call(m, *p)
            if "result" not in r:
                raise RuntimeError(f"{m}: {r}")
            return r["result"]
        head = call("eth_getBlockByNumber", "latest", False)
        out = {"head": {k: head[k] for k in ("number", "hash", "stateRoot")}, "proofs": [], "blocks": []}
        contract = "0x7dcd17433742f4c0ca53122ab541d0ba67fc27df"
        absent = "0x00000000000000000000000000000000000000aa"
        for addr, slots in ((contract, ["0x00", "0x01", "0x02", "0x1234"]), (absent, ["0x00"])):
            out["proofs"].append({"proof": call("eth_getProof", addr, slots, head["number"]),
                                  "code": call("eth_getCode", addr, head["number"])})
        # blocks with several receipts and logs, and one of each new receipt type
        types_seen = set()
        for n in range(1, int(head["number"], 16) + 1):
            b = call("eth_getBlockByNumber", hex(n), False)
            if not b["transactions"]:
                continue
            receipts = call("eth_getBlockReceipts", hex(n))
            types = {r["type"] for r in receipts}
            if types <= types_seen and (len(out["blocks"]) >= 3 or len(receipts) < 2):
                continue
            raw = [call("debug_getRawTransaction", h) for h in b["transactions"]]
            if len(json.dumps(receipts)) + len(json.dumps(raw)) > 100000:
                continue  # keep the file small
            types_seen |= types
            out["blocks"].append({"number": b["number"], "receiptsRoot": b["receiptsRoot"],
                                  "transactionsRoot": b["transactionsRoot"], "logsBloom": b["logsBloom"],
                                  "receipts": receipts, "rawTransactions": raw,
                                  "rawReceipts": call("debug_getRawReceipts", hex(n))})
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "verify_fixture.json")
        with open(path, "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")
        print(path, os.path.getsize(path), "bytes,", len(out["blocks"]), "blocks")
    finally:
        node.stop()


main()
