#!/usr/bin/env python3
"""The dev chain's test helpers (`ethc node --miner` on the rpc-compat chain),
as anvil and Hardhat name them: state edits show at once in "latest" without a
block and the next block builds on them; evm_snapshot / evm_revert bring the
head, its state and the next-block settings back; the clock (evm_increaseTime,
evm_setNextBlockTimestamp, anvil_setBlockTimestampInterval) and the next
block's coinbase, base fee, PREVRANDAO and gas limit; dropping pooled
transactions; anvil_dumpState / anvil_loadState round trip; a restart keeps the
edits; anvil_reset goes back to the genesis. Then viem's testClient (mode anvil)
drives the same helpers on `ethc node --dev --dev.ephemeral`, as a test suite
does. Exit 77 without node and ethers.
usage: dev_tools.py ETHC RPC_COMPAT_DIR WORKDIR"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from miner_node import (FROM, INTEROP, KEY, TO, check, dev_node, miner, missing_js, restart_of, result,  # noqa: E402
                        sign, stop_checked, summary)

# a transfer with a chosen gas limit and fees (none at all: Hardhat tests send such after a zero base fee)
SIGN_ONE_JS = """
import { Wallet } from "ethers";
const [key, chainId, nonce, gas, fee, tip] = process.argv.slice(1);
console.log(await new Wallet(key).signTransaction({ type: 2, chainId: BigInt(chainId), nonce: Number(nonce),
  to: "%s", value: 1n, gasLimit: BigInt(gas), maxFeePerGas: BigInt(fee), maxPriorityFeePerGas: BigInt(tip) }));
""" % TO
A = "0x1100000000000000000000000000000000000011"
B = "0x2200000000000000000000000000000000000022"
SLOT = "0x" + "00" * 31 + "05"
WORD = "0x" + "ab" * 32


def err_code(node, method, *params):
    return node.call(method, *params).get("error", {}).get("code")


def head(node):
    return result(node, "eth_getBlockByNumber", "latest", False)


def num(x):
    return int(x, 16)


def balance(node, a, tag="latest"):
    return num(result(node, "eth_getBalance", a, tag))


# viem's testClient (mode anvil) on `ethc node --dev`, as a test suite drives it
VIEM_JS = r"""
import { createTestClient, createPublicClient, createWalletClient, http, parseEther, parseGwei, pad } from "viem";
import { foundry } from "viem/chains";
const url = process.argv[1];
const transport = http(url);
const test = createTestClient({ chain: foundry, mode: "anvil", transport });
const pub = createPublicClient({ chain: foundry, transport, cacheTime: 0 });
const wallet = createWalletClient({ chain: foundry, transport });
const check = (cond, what) => console.log((cond ? "ok   " : "FAIL ") + "viem: " + what);
const A = "0x1100000000000000000000000000000000000011", B = "0x2200000000000000000000000000000000000022";
const ACCT0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const n0 = await pub.getBlockNumber();
const snap = await test.snapshot();
check(snap === "0x1", "snapshot " + snap);
await test.setBalance({ address: A, value: parseEther("123") });
check((await pub.getBalance({ address: A })) === parseEther("123"), "setBalance");
await test.setCode({ address: B, bytecode: "0x60ff" });
check((await pub.getCode({ address: B })) === "0x60ff", "setCode");
await test.setStorageAt({ address: B, index: 5, value: pad("0xab") });
check((await pub.getStorageAt({ address: B, slot: "0x5" })) === pad("0xab"), "setStorageAt");
await test.setNonce({ address: A, nonce: 7 });
check((await pub.getTransactionCount({ address: A })) === 7, "setNonce");
check((await pub.getBlockNumber()) === n0, "no block for the edits");
const now = BigInt(Math.floor(Date.now() / 1000));
await test.increaseTime({ seconds: 3600 });
await test.mine({ blocks: 1 });
let b = await pub.getBlock();
check(b.timestamp >= now + 3590n, "increaseTime + mine: " + (b.timestamp - now));
await test.setNextBlockTimestamp({ timestamp: b.timestamp + 100n });
await test.mine({ blocks: 1 });
const t0 = (await pub.getBlock()).timestamp;
check(t0 === b.timestamp + 100n, "setNextBlockTimestamp");
await test.setBlockTimestampInterval({ interval: 5 });
await test.mine({ blocks: 2 });
check((await pub.getBlock()).timestamp === t0 + 10n, "setBlockTimestampInterval");
await test.removeBlockTimestampInterval();
await test.setCoinbase({ address: B });
await test.setNextBlockBaseFeePerGas({ baseFeePerGas: parseGwei("2") });
await test.setBlockGasLimit({ gasLimit: 50000000n });
await test.mine({ blocks: 1 });
b = await pub.getBlock();
check(b.miner === B && b.baseFeePerGas === parseGwei("2") && b.gasLimit === 50000000n, "coinbase, base fee, gas limit");
await test.setAutomine(false);
const hash = await wallet.sendTransaction({ account: ACCT0, to: A, value: 1n });
check((await test.getTxpoolStatus()).pending === 1, "a pooled transaction");
await test.dropTransaction({ hash });
check((await test.getTxpoolStatus()).pending === 0, "dropTransaction");
await test.setAutomine(true);
const state = await test.dumpState();
await test.setBalance({ address: A, value: 1n });
await test.loadState({ state });
check((await pub.getBalance({ address: A })) === parseEther("123"), "dumpState / loadState");
check((await test.revert({ id: snap })) === undefined, "revert");
check((await pub.getBlockNumber()) === n0 && (await pub.getBalance({ address: A })) === 0n
  && (await pub.getCode({ address: B })) === undefined, "the head and state are back");
await test.mine({ blocks: 3 });
await test.reset();
check((await pub.getBlockNumber()) === 0n, "reset: block 0");
await test.mine({ blocks: 1 });
check((await pub.getBlockNumber()) === 1n, "mining goes on from the genesis");
"""


def sign_one(chain_id, nonce, gas=21000, fee=0, tip=0):
    args = [str(x) for x in (chain_id, nonce, gas, fee, tip)]
    return subprocess.run(["node", "--input-type=module", "-e", SIGN_ONE_JS, KEY, *args], cwd=INTEROP, check=True,
                          capture_output=True, text=True).stdout.strip()


def main():
    ethc, suite, workdir = sys.argv[1:4]
    reason = missing_js("ethers", "viem")
    if reason:
        print("SKIPPED:", reason)
        return 77
    node = miner(ethc, workdir, suite, "eth,net,web3,txpool")
    try:
        chain_id = num(result(node, "eth_chainId"))
        h0 = head(node)
        n0 = num(h0["number"])
        nonce = num(result(node, "eth_getTransactionCount", FROM, "latest"))
        raws = sign(chain_id, nonce, 4, 4 * num(h0["baseFeePerGas"]) + 10000)

        # ---- state edits: visible at once, no block ----
        check(result(node, "anvil_setBalance", A, "0x1234") is None, "anvil_setBalance answers null")
        check(balance(node, A) == 0x1234 and num(head(node)["number"]) == n0, "the balance shows, no block mined")
        check(result(node, "hardhat_setBalance", A, hex(10**21)) is True and balance(node, A) == 10**21,
              "hardhat_setBalance answers true, balance 1000 ether")
        check(result(node, "anvil_setNonce", A, "0x7") is None
              and result(node, "eth_getTransactionCount", A, "latest") == "0x7", "anvil_setNonce: nonce 7")
        check(result(node, "hardhat_setNonce", A, "0x9") is True
              and result(node, "eth_getTransactionCount", A, "latest") == "0x9", "hardhat_setNonce: nonce 9")
        code = "0x6001600055"
        check(result(node, "anvil_setCode", B, code) is None and result(node, "eth_getCode", B, "latest") == code,
              "anvil_setCode: the code shows")
        check(result(node, "hardhat_setCode", B, "0x60ff") is True
              and result(node, "eth_getCode", B, "latest") == "0x60ff", "hardhat_setCode")
        check(result(node, "anvil_setStorageAt", B, SLOT, WORD) is True
              and result(node, "eth_getStorageAt", B, "0x5", "latest") == WORD, "anvil_setStorageAt: the slot shows")
        check(result(node, "hardhat_setStorageAt", B, "0x6", "0x" + "00" * 31 + "01") is True
              and num(result(node, "eth_getStorageAt", B, "0x6", "latest")) == 1, "hardhat_setStorageAt")
        check(balance(node, A) == 10**21 and result(node, "eth_getCode", B, "latest") == "0x60ff",
              "earlier edits kept")
        check(err_code(node, "anvil_setBalance", "0x12", "0x1") == -32602, "a bad address: -32602")
        check(err_code(node, "anvil_setBalance", A, "12") == -32602, "a value without 0x: -32602")
        check(err_code(node, "anvil_setBalance", A) == -32602, "a missing value: -32602")

        # the next block builds on the edited state
        check(result(node, "evm_mine") == "0x0", "evm_mine")
        check(balance(node, A) == 10**21 and num(result(node, "eth_getStorageAt", B, "0x5", "latest")) == int(WORD, 16),
              "the mined block keeps the edits")
        check(balance(node, A, hex(n0 + 1)) == 10**21, "... read by number too")
        tx0 = result(node, "eth_sendRawTransaction", raws[0])
        rc = result(node, "eth_getTransactionReceipt", tx0)
        check(rc is not None and rc["status"] == "0x1", "a transaction mines on the edited state")
        check(balance(node, TO) > 0, "its transfer arrived")

        # ---- snapshots ----
        h1 = head(node)
        bal_to = balance(node, TO)
        s1 = result(node, "evm_snapshot")
        check(s1 == "0x1", f"evm_snapshot: {s1}")
        result(node, "anvil_setBalance", A, "0x5")
        tx1 = result(node, "eth_sendRawTransaction", raws[1])
        s2 = result(node, "evm_snapshot")
        check(s2 == "0x2", "a second snapshot: 0x2")
        result(node, "anvil_mine", "0x3")
        check(num(head(node)["number"]) == num(h1["number"]) + 4, "four blocks after the snapshot")
        check(result(node, "evm_revert", s1) is True, "evm_revert(0x1): true")
        h = head(node)
        check(h["hash"] == h1["hash"], "the head is back")
        check(balance(node, A) == 10**21 and balance(node, TO) == bal_to, "the state is back (edit and transfer)")
        check(result(node, "eth_getTransactionReceipt", tx1) is None, "the reverted transaction has no receipt")
        check(result(node, "eth_getBlockByNumber", hex(num(h1["number"]) + 1), False) is None,
              "the later blocks left the canonical chain")
        check(result(node, "evm_revert", s1) is False, "reverting the same id again: false")
        check(result(node, "evm_revert", s2) is False, "the later snapshot went with it: false")
        check(result(node, "evm_revert", "0x99") is False, "an unknown id: false")
        # the chain goes on from the restored head (the same transaction mines again)
        tx1b = result(node, "eth_sendRawTransaction", raws[1])
        rc = result(node, "eth_getTransactionReceipt", tx1b)
        check(rc is not None and num(rc["blockNumber"]) == num(h1["number"]) + 1, "mining resumes after the revert")
        s3 = result(node, "evm_snapshot")
        check(s3 == "0x3", "ids keep increasing: 0x3")
        result(node, "hardhat_setBalance", A, "0x77")
        check(result(node, "evm_revert", s3) is True and balance(node, A) == 10**21,
              "a revert undoes an edit on the same head")

        # ---- the clock ----
        t = num(head(node)["timestamp"])
        off = result(node, "evm_increaseTime", 1000)
        check(isinstance(off, int) and off >= 1000, f"evm_increaseTime(1000): total offset {off}")
        result(node, "evm_mine")
        t1 = num(head(node)["timestamp"])
        check(t1 >= int(time.time()) + 990, f"the next block is 1000 s ahead: {t1 - int(time.time())}")
        check(result(node, "evm_setNextBlockTimestamp", hex(t1 + 5000)) is None, "evm_setNextBlockTimestamp")
        result(node, "evm_mine")
        check(num(head(node)["timestamp"]) == t1 + 5000, "the next block has it")
        result(node, "evm_mine")
        t2 = num(head(node)["timestamp"])
        check(t1 + 5000 < t2 <= t1 + 5003, f"the clock goes on from it: +{t2 - t1 - 5000}")
        check(result(node, "anvil_setNextBlockTimestamp", t2 + 10) is None, "anvil_setNextBlockTimestamp (a number)")
        result(node, "evm_mine")
        check(num(head(node)["timestamp"]) == t2 + 10, "... used")
        check(err_code(node, "evm_setNextBlockTimestamp", hex(t)) == -32000, "a timestamp in the past: -32000")
        check(result(node, "anvil_setBlockTimestampInterval", 7) is None, "anvil_setBlockTimestampInterval(7)")
        t3 = num(head(node)["timestamp"])
        result(node, "anvil_mine", "0x2")
        t4 = num(head(node)["timestamp"])
        check(t4 - t3 == 14, f"blocks follow the interval: +{t4 - t3}")
        check(result(node, "anvil_removeBlockTimestampInterval") is True, "anvil_removeBlockTimestampInterval: true")
        check(result(node, "anvil_removeBlockTimestampInterval") is False, "... again: false")

        # ---- the next blocks' settings ----
        cb = "0x" + "c0" * 20
        check(result(node, "anvil_setCoinbase", cb) is None, "anvil_setCoinbase")
        result(node, "evm_mine")
        check(head(node)["miner"] == cb, "the block's miner is the coinbase")
        check(result(node, "hardhat_setCoinbase", B) is True, "hardhat_setCoinbase")
        check(result(node, "anvil_setNextBlockBaseFeePerGas", "0x3b9aca00") is None, "anvil_setNextBlockBaseFeePerGas")
        result(node, "evm_mine")
        hb = head(node)
        check(hb["baseFeePerGas"] == "0x3b9aca00" and hb["miner"] == B, "the next block: base fee 1 gwei, miner B")
        result(node, "evm_mine")
        check(hb["baseFeePerGas"] != head(node)["baseFeePerGas"], "the one after follows EIP-1559 again")
        check(result(node, "hardhat_setNextBlockBaseFeePerGas", "0x7") is True, "hardhat_setNextBlockBaseFeePerGas")
        randao = "0x" + "5a" * 32
        check(result(node, "hardhat_setPrevRandao", randao) is True, "hardhat_setPrevRandao")
        check(result(node, "anvil_setPrevRandao", randao) is None, "anvil_setPrevRandao")
        result(node, "evm_mine")
        hb = head(node)
        check(hb["mixHash"] == randao and hb["baseFeePerGas"] == "0x7", "PREVRANDAO and base fee 7 used")
        check(result(node, "evm_setBlockGasLimit", hex(50_000_000)) is True, "evm_setBlockGasLimit(50M)")
        result(node, "evm_mine")
        check(head(node)["gasLimit"] == hex(50_000_000), "the block's gas limit is 50M")
        check(result(node, "anvil_setBlockGasLimit", hex(40_000_000)) is True, "anvil_setBlockGasLimit(40M)")
        result(node, "evm_mine")
        check(head(node)["gasLimit"] == hex(40_000_000), "... 40M")
        check(err_code(node, "evm_setBlockGasLimit", "0x1") == -32602, "a gas limit of 1: -32602")
        # the pool checks against the chosen limit at once, before a block has it
        n = num(result(node, "eth_getTransactionCount", FROM, "latest"))
        big = sign_one(chain_id, n, 12_000_000, 4 * num(head(node)["baseFeePerGas"]) + 10**10, 1000)
        result(node, "evm_setBlockGasLimit", hex(10_000_000))
        r = node.call("eth_sendRawTransaction", big)
        check(r.get("error", {}).get("message") == "exceeds block gas limit", f"12M gas over 10M: {r.get('error')}")
        result(node, "evm_setBlockGasLimit", hex(40_000_000))
        rc = result(node, "eth_getTransactionReceipt", result(node, "eth_sendRawTransaction", big))
        check(rc is not None and head(node)["gasLimit"] == hex(40_000_000), "... with 40M again it is mined")

        # ---- the pool ----
        result(node, "evm_setAutomine", False)
        # nonce as the chain has it now (the reverted blocks took raws[1]'s first inclusion away)
        n = num(result(node, "eth_getTransactionCount", FROM, "latest"))
        more = sign(chain_id, n, 3, 4 * num(head(node)["baseFeePerGas"]) + 10**10)
        hs = [result(node, "eth_sendRawTransaction", r) for r in more]
        check(result(node, "txpool_status")["pending"] == "0x3", "three pooled")
        check(result(node, "anvil_dropTransaction", hs[2]) == hs[2], "anvil_dropTransaction: the hash")
        check(result(node, "anvil_dropTransaction", hs[2]) is None, "... again: null")
        check(result(node, "hardhat_dropTransaction", hs[1]) is True, "hardhat_dropTransaction: true")
        check(result(node, "hardhat_dropTransaction", hs[1]) is False, "... again: false")
        check(result(node, "txpool_status")["pending"] == "0x1", "one left")
        check(result(node, "anvil_dropAllTransactions") is None and result(node, "txpool_status")["pending"] == "0x0",
              "anvil_dropAllTransactions empties the pool")
        # a revert keeps the pooled transactions that are still valid
        s5 = result(node, "evm_snapshot")
        hp = result(node, "eth_sendRawTransaction", more[0])
        result(node, "evm_revert", s5)
        check(result(node, "txpool_status")["pending"] == "0x1", "a pooled transaction survives a revert")
        result(node, "anvil_dropTransaction", hp)
        result(node, "evm_setAutomine", True)
        # a zero base fee for the next block: a transaction paying nothing is pooled and mined
        n = num(result(node, "eth_getTransactionCount", FROM, "latest"))
        free = sign_one(chain_id, n)
        r = node.call("eth_sendRawTransaction", free)
        check(r.get("error", {}).get("code") == -32000, f"without it a free transaction is refused: {r.get('error')}")
        check(result(node, "hardhat_setNextBlockBaseFeePerGas", "0x0") is True, "hardhat_setNextBlockBaseFeePerGas(0)")
        txf = result(node, "eth_sendRawTransaction", free)
        rc = result(node, "eth_getTransactionReceipt", txf)
        check(rc is not None and rc["status"] == "0x1" and num(rc["effectiveGasPrice"]) == 0
              and head(node)["baseFeePerGas"] == "0x0", "... with it, mined at a zero price")

        # ---- dump and load ----
        dump = result(node, "anvil_dumpState")
        check(isinstance(dump, str) and dump.startswith("0x1f8b"), "anvil_dumpState: gzip data")
        s4 = result(node, "evm_snapshot")
        result(node, "anvil_setBalance", A, "0x1")
        result(node, "anvil_setCode", B, "0x")
        result(node, "anvil_setStorageAt", B, SLOT, "0x" + "00" * 32)
        check(result(node, "anvil_loadState", dump) is True, "anvil_loadState: true")
        check(balance(node, A) == 10**21 and result(node, "eth_getCode", B, "latest") == "0x60ff"
              and result(node, "eth_getStorageAt", B, "0x5", "latest") == WORD, "the loaded state is the dumped one")
        check(err_code(node, "anvil_loadState", "0x1f8b00") == -32602, "a broken dump: -32602")
        result(node, "evm_revert", s4)

        # ---- a restart keeps the edits ----
        result(node, "anvil_setBalance", A, "0xabcdef")
        final = head(node)
    finally:
        stop_checked(node)
    with restart_of(ethc, node) as again:
        if again:
            check(head(again)["hash"] == final["hash"], "the same head")
            check(balance(again, A) == 0xabcdef and result(again, "eth_getCode", B, "latest") == "0x60ff",
                  "the edits survived the restart")
    # an edited chain's export is not a chain `ethc import` can replay (README): the
    # block after an edit ran on a state its parent header does not name
    out = os.path.join(node.tmp, "edited.rlp")
    subprocess.run([ethc, "export", "--datadir", node.datadir, out], check=True, capture_output=True)
    replay = subprocess.run([ethc, "import", "--fakepow", "--genesis", os.path.join(suite, "genesis.json"),
                             "--datadir", os.path.join(node.tmp, "replay"), out], capture_output=True, text=True)
    check(replay.returncode != 0 and "state root" in replay.stderr.lower(),
          f"its export does not replay: {replay.stderr.strip()[-160:]}")

    # ---- anvil_reset: the genesis again, an empty pool ----
    node = miner(ethc, workdir, suite, "eth,txpool")
    try:
        result(node, "anvil_setBalance", A, "0x99")
        result(node, "evm_setAutomine", False)
        chain_id = num(result(node, "eth_chainId"))
        nonce = num(result(node, "eth_getTransactionCount", FROM, "latest"))
        result(node, "eth_sendRawTransaction", sign(chain_id, nonce, 1, 4 * num(head(node)["baseFeePerGas"]))[0])
        genesis_bal = balance(node, FROM, "0x0")
        check(result(node, "anvil_reset") is None, "anvil_reset: null")
        check(num(head(node)["number"]) == 0 and balance(node, FROM) == genesis_bal and balance(node, A) == 0,
              "the head is the genesis with its state")
        check(result(node, "txpool_status")["pending"] == "0x0", "the pool is empty")
        check(err_code(node, "anvil_reset", {"forking": {"jsonRpcUrl": "http://x"}}) == -32602, "forking refused")
        check(result(node, "hardhat_reset") is True, "hardhat_reset: true")
    finally:
        check(node.stop() == 0, "the second node stops cleanly")
    # ---- viem's testClient on a --dev node ----
    with open(os.path.join(node.tmp, "dev.log"), "w") as log:
        dev = dev_node(ethc, node.tmp, log)
        try:
            check(dev.url is not None, "ethc node --dev started")
            if dev.url:
                out = subprocess.run(["node", "--input-type=module", "-e", VIEM_JS, dev.url], cwd=INTEROP,
                                     capture_output=True, text=True, timeout=120)
                lines = [x for x in out.stdout.splitlines() if x.startswith(("ok", "FAIL"))]
                for x in lines:
                    check(x.startswith("ok"), x[5:])
                check(out.returncode == 0 and len(lines) == 17, f"the viem script ran through: {out.stderr[-800:]}")
        finally:
            check(dev.stop() == 0, "the --dev node stops cleanly")
    node.cleanup()
    return summary()


if __name__ == "__main__":
    sys.exit(main())
