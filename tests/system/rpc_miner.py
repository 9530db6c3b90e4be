#!/usr/bin/env python3
"""The dev chain's miner (`ethc node --miner`) on the rpc-compat chain (Osaka,
post-merge): a raw transaction (signed by ethers v6, offline) has its receipt as
soon as eth_sendRawTransaction answers (automine); with automine off it waits in
the pool until evm_mine; anvil_mine / hardhat_mine N advance the head by N valid
blocks `interval` seconds apart; evm_mine at a given timestamp, and one not
after the head's is refused; interval mining makes blocks by itself and stops
when set to 0; the evm/anvil/hardhat namespaces are on; and a restarted node
serves the mined blocks. Exit 77 (skipped) without node and ethers.
usage: rpc_miner.py ETHC RPC_COMPAT_DIR WORKDIR"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from miner_node import FROM, check, miner, missing_js, restart_of, result, sign, stop_checked, summary  # noqa: E402


def head(node):
    return int(result(node, "eth_blockNumber"), 16)


def block(node, n):
    return result(node, "eth_getBlockByNumber", hex(n), False)


def linked(node, first, last):
    """Blocks first..last chain by parent hash with strictly increasing timestamps."""
    prev = block(node, first - 1)
    for n in range(first, last + 1):
        b = block(node, n)
        if b is None or b["parentHash"] != prev["hash"] or int(b["timestamp"], 16) <= int(prev["timestamp"], 16):
            return False
        prev = b
    return True


def main():
    ethc, suite, workdir = sys.argv[1:4]
    reason = missing_js("ethers")
    if reason:
        print("SKIPPED:", reason)
        return 77
    node = miner(ethc, workdir, suite, "eth,net,web3,txpool,testing")
    try:
        chain_id = int(result(node, "eth_chainId"), 16)
        start = head(node)
        nonce = int(result(node, "eth_getTransactionCount", FROM, "latest"), 16)
        base = int(block(node, start)["baseFeePerGas"], 16)
        raws = sign(chain_id, nonce, 3, 2 * base + 1000)

        # automine: the receipt is there when the send answers
        check(result(node, "anvil_getAutomine") is True and result(node, "hardhat_getAutomine") is True,
              "automine on by default")
        h0 = result(node, "eth_sendRawTransaction", raws[0])
        rc = result(node, "eth_getTransactionReceipt", h0)
        check(rc is not None and rc["status"] == "0x1" and int(rc["blockNumber"], 16) == start + 1,
              f"automine: receipt at once in block #{start + 1}")
        check(head(node) == start + 1 and linked(node, start + 1, start + 1), "automine: one valid block")
        check(result(node, "txpool_status")["pending"] == "0x0", "the pool dropped the mined transaction")

        # automine off: the transaction waits for evm_mine
        check(result(node, "evm_setAutomine", False) is True, "evm_setAutomine(false)")
        check(result(node, "anvil_getAutomine") is False, "anvil_getAutomine: false")
        h1 = result(node, "eth_sendRawTransaction", raws[1])
        check(result(node, "eth_getTransactionReceipt", h1) is None and head(node) == start + 1,
              "automine off: pooled, not mined")
        # testing_buildBlockV1 from the pool: the pooled transaction, and the chain unchanged
        tip = block(node, start + 1)
        attrs = {"timestamp": hex(int(tip["timestamp"], 16) + 1), "prevRandao": "0x" + "00" * 32,
                 "suggestedFeeRecipient": "0x" + "00" * 20, "withdrawals": [],
                 "parentBeaconBlockRoot": "0x" + "00" * 32}
        built = result(node, "testing_buildBlockV1", tip["hash"], attrs, None, "0x")
        p = built["executionPayload"]
        check(p["transactions"] == [raws[1]] and p["blockNumber"] == hex(start + 2) and p["gasUsed"] == "0x5208"
              and head(node) == start + 1, "testing_buildBlockV1(null): the pool's transaction, head unchanged")
        r = node.call("testing_buildBlockV1", "0x" + "11" * 32, attrs, [], "0x")
        check(r.get("error", {}).get("code") == -32000, f"testing_buildBlockV1 on an unknown parent: {r.get('error')}")
        r = node.call("testing_buildBlockV1", tip["hash"], dict(attrs, timestamp=tip["timestamp"]), [], "0x")
        check(r.get("error", {}).get("code") == -32000, f"... at the parent's timestamp: {r.get('error')}")
        r = node.call("testing_buildBlockV1", tip["hash"], attrs, [], "0x" + "ab" * 33)
        check(r.get("error", {}).get("code") == -32602, f"... with 33 bytes of extra data: {r.get('error')}")
        check(result(node, "evm_mine") == "0x0", "evm_mine answers 0x0")
        rc = result(node, "eth_getTransactionReceipt", h1)
        check(rc is not None and int(rc["blockNumber"], 16) == start + 2, "evm_mine included it")
        b = block(node, start + 2)
        check(len(b["transactions"]) == 1 and b["transactions"][0] == h1 and b["gasUsed"] == "0x5208",
              "its block: the transaction, 21000 gas")

        # mine N
        n = head(node)
        check(result(node, "anvil_mine", "0x3", "0x5") is None and head(node) == n + 3, "anvil_mine(3, 5): 3 blocks")
        ts = [int(block(node, k)["timestamp"], 16) for k in range(n + 1, n + 4)]
        check(ts[1] - ts[0] == 5 and ts[2] - ts[1] == 5, f"5 s apart: {ts}")
        check(result(node, "hardhat_mine", "0x2") is True and head(node) == n + 5, "hardhat_mine(2): 2 blocks")
        check(linked(node, n + 1, n + 5), "the mined blocks chain by parent hash, timestamps increasing")
        last = int(block(node, n + 5)["timestamp"], 16)
        check(result(node, "evm_mine", hex(last + 100)) == "0x0" and int(block(node, n + 6)["timestamp"], 16) == last + 100,
              "evm_mine(timestamp) uses it")
        r = node.call("evm_mine", hex(last + 100))
        check(r.get("error", {}).get("code") == -32000 and head(node) == n + 6,
              f"evm_mine at the head's timestamp refused: {r.get('error')}")
        r = node.call("anvil_mine", "0xzz")
        check(r.get("error", {}).get("code") == -32602, "a bad count: -32602")
        full = result(node, "eth_getBlockByNumber", "latest", True)
        check(full["miner"] == "0x0000000000000000000000000000000000000000" and full["difficulty"] == "0x0"
              and "requestsHash" in full and "parentBeaconBlockRoot" in full, "post-merge Osaka fields")

        # interval mining
        n = head(node)
        check(result(node, "evm_setIntervalMining", 1) is True, "evm_setIntervalMining(1)")
        time.sleep(2.6)
        m = head(node)
        check(m >= n + 1, f"interval mining: {m - n} blocks in 2.6 s")
        result(node, "evm_setIntervalMining", 0)
        time.sleep(0.3)
        m = head(node)
        time.sleep(1.5)
        check(head(node) == m, "interval mining off: no more blocks")
        # a transaction pooled while automine is off goes into the next interval block
        h2 = result(node, "eth_sendRawTransaction", raws[2])
        result(node, "anvil_setIntervalMining", 1)
        deadline = time.time() + 5
        while time.time() < deadline and result(node, "eth_getTransactionReceipt", h2) is None:
            time.sleep(0.2)
        result(node, "anvil_setIntervalMining", 0)
        check(result(node, "eth_getTransactionReceipt", h2) is not None, "an interval block included a pooled one")
        final = head(node)
        final_hash = block(node, final)["hash"]
    finally:
        stop_checked(node)

    # the mined blocks survive a restart
    with restart_of(ethc, node) as again:
        if again:
            check(head(again) == final and block(again, final)["hash"] == final_hash,
                  f"after a restart the head is still #{final}")
            check(result(again, "eth_getTransactionReceipt", h0) is not None, "and the receipts are there")
            r = again.call("evm_mine")
            check(r.get("error", {}).get("code") == -32601, "without --miner: evm_mine is not served")
    node.cleanup()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
