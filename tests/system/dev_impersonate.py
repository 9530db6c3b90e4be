#!/usr/bin/env python3
"""Impersonation on `ethc node --dev` end to end (issue 13), as anvil does it:
an address that holds no key, given ETH with anvil_setBalance and
impersonated with anvil_impersonateAccount, sends with eth_sendTransaction a
transfer, a contract call and a contract creation; each is mined with status
1, and the receipt, the transaction and the full block all say from = that
address (not what the placeholder signature would recover to); balances
move; the hashes differ per sender; anvil_stopImpersonatingAccount makes the
next send fail with "unknown account"; anvil_autoImpersonateAccount lets any
address send; hardhat_impersonateAccount works too; debug_traceTransaction
re-executes with the forced sender; a restart on the same datadir keeps all of
it readable.
usage: dev_impersonate.py ETHC WORKDIR"""
import os
import shutil
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from dev_node import DevNode, keccak256  # noqa: E402

passed = failed = 0
S = "0x00000000000000000000000000000000000dead1"  # no key anywhere
T = "0x00000000000000000000000000000000000beef2"
U = "0x00000000000000000000000000000000000cafe3"
B = "0x2200000000000000000000000000000000000022"
E18 = 10**18
# runtime 33 60 00 55 00: SSTORE(0, CALLER); the init code returns it
INIT = "0x643360005500600052600560" + "1b" + "f3"


def check(cond, what):
    global passed, failed
    print(("ok   " if cond else "FAIL ") + what)
    if cond:
        passed += 1
    else:
        failed += 1


def mined(node, h, seconds=10):
    """The receipt of h: --dev automines, so it comes without evm_mine."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = node.result("eth_getTransactionReceipt", h)
        if r is not None:
            return r
        time.sleep(0.05)
    return None


def bal(node, a):
    return int(node.result("eth_getBalance", a, "latest"), 16)


def send(node, tx):
    return node.call("eth_sendTransaction", tx)


def check_from(node, h, who, what):
    """The receipt, the transaction and the full block of h all name `who`."""
    r = node.result("eth_getTransactionReceipt", h)
    t = node.result("eth_getTransactionByHash", h)
    blk = node.result("eth_getBlockByNumber", r["blockNumber"], True) if r else None
    in_block = [x for x in (blk or {}).get("transactions", []) if x["hash"] == h]
    check(r is not None and r["from"].lower() == who.lower(), f"{what}: receipt from {who}")
    check(t is not None and t["from"].lower() == who.lower(), f"{what}: eth_getTransactionByHash from {who}")
    check(len(in_block) == 1 and in_block[0]["from"].lower() == who.lower(), f"{what}: full block from {who}")


def main():
    ethc, work = sys.argv[1], sys.argv[2]
    datadir = os.path.join(work, "impersonate")
    shutil.rmtree(datadir, ignore_errors=True)
    os.makedirs(work, exist_ok=True)
    node = DevNode(ethc, ["--dev", "--datadir", datadir])
    if node.url is None:
        node.stop()
        print("FAIL the node did not start:", node.stderr)
        return 1
    keep = {}
    try:
        acct0 = node.result("eth_accounts")[0]
        node.result("anvil_setBalance", S, hex(100 * E18))
        check(bal(node, S) == 100 * E18, "anvil_setBalance gives the keyless address 100 ETH")
        r = send(node, {"from": S, "to": B, "value": hex(E18)})
        check(r.get("error", {}).get("message") == "unknown account", f"before impersonation: unknown account ({r})")

        # a transfer
        check(node.call("anvil_impersonateAccount", S).get("result", "x") is None, "anvil_impersonateAccount")
        b0 = bal(node, B)
        h = node.result("eth_sendTransaction", {"from": S, "to": B, "value": hex(E18)})
        rc = mined(node, h)
        check(rc is not None and rc["status"] == "0x1", "the impersonated transfer is mined with status 1")
        check_from(node, h, S, "transfer")
        gas_cost = int(rc["gasUsed"], 16) * int(rc["effectiveGasPrice"], 16) if rc else 0
        check(bal(node, B) == b0 + E18, "the recipient got 1 ETH")
        check(bal(node, S) == 99 * E18 - gas_cost, "the impersonated sender paid 1 ETH and the gas")
        check(node.result("eth_getTransactionCount", S, "latest") == "0x1", "the sender's nonce moved to 1")
        keep["transfer"] = h

        # a contract call: the contract stores its caller
        hd = node.result("eth_sendTransaction", {"from": acct0, "data": INIT})
        rd = mined(node, hd)
        contract = rd and rd["contractAddress"]
        check(bool(contract) and node.result("eth_getCode", contract, "latest") == "0x3360005500",
              "account 0 deploys the caller-storing contract")
        hc = node.result("eth_sendTransaction", {"from": S, "to": contract, "gas": "0x186a0"})
        rc = mined(node, hc)
        check(rc is not None and rc["status"] == "0x1", "the impersonated contract call is mined with status 1")
        check_from(node, hc, S, "contract call")
        slot = node.result("eth_getStorageAt", contract, "0x0", "latest")
        check(int(slot, 16) == int(S, 16), f"the contract saw CALLER = the impersonated address ({slot})")
        keep["call"] = hc
        # a trace re-executes the block with the forced sender
        tr = node.call("debug_traceTransaction", hc, {"tracer": "callTracer"})
        check(tr.get("result", {}).get("from", "").lower() == S.lower(),
              f"debug_traceTransaction (callTracer) re-executes it from the impersonated address ({tr})")

        # a contract creation: its address comes from the impersonated sender
        hx = node.result("eth_sendTransaction", {"from": S, "data": INIT})
        rx = mined(node, hx)
        created = rx and rx["contractAddress"]
        want = "0x" + keccak256(bytes([0xd6, 0x94]) + bytes.fromhex(S[2:]) + bytes([2]))[12:].hex()  # CREATE(S, 2)
        check(rx is not None and rx["status"] == "0x1" and created == want
              and node.result("eth_getCode", created, "latest") == "0x3360005500",
              f"the impersonated sender creates a contract at CREATE(sender, 2) ({created}, want {want})")
        check_from(node, hx, S, "creation")

        # stop: the next send fails
        check(node.call("anvil_stopImpersonatingAccount", S).get("result", "x") is None,
              "anvil_stopImpersonatingAccount")
        r = send(node, {"from": S, "to": B, "value": "0x1"})
        check(r.get("error", {}).get("message") == "unknown account", f"after stopping: unknown account ({r})")

        # hardhat's name, and a sender without funds
        node.result("hardhat_impersonateAccount", U)
        r = send(node, {"from": U, "to": B, "value": "0x1", "gas": "0x5208"})
        check("insufficient funds" in r.get("error", {}).get("message", ""),
              f"an impersonated sender without ETH: insufficient funds ({r})")
        node.result("anvil_setBalance", U, hex(E18))
        hu = node.result("eth_sendTransaction", {"from": U, "to": B, "value": "0x1"})
        ru = mined(node, hu)
        check(ru is not None and ru["status"] == "0x1", "hardhat_impersonateAccount lets it send")
        node.result("hardhat_stopImpersonatingAccount", U)

        # auto-impersonation: any address sends
        node.result("anvil_setBalance", T, hex(E18))
        r = send(node, {"from": T, "to": B, "value": "0x1"})
        check(r.get("error", {}).get("message") == "unknown account", "without auto-impersonation: unknown account")
        check(node.call("anvil_autoImpersonateAccount", True).get("result", "x") is None,
              "anvil_autoImpersonateAccount true")
        ht = node.result("eth_sendTransaction", {"from": T, "to": B, "value": "0x1"})
        rt = mined(node, ht)
        check(rt is not None and rt["status"] == "0x1", "auto-impersonation lets any address send")
        check_from(node, ht, T, "auto-impersonated")
        # the same transaction from two senders: two hashes
        node.result("anvil_setBalance", U, hex(E18))
        tx_same = {"to": B, "value": "0x2", "gas": "0x5208", "nonce": "0x1", "maxFeePerGas": "0x77359400",
                   "maxPriorityFeePerGas": "0x1"}
        h1 = node.result("eth_sendTransaction", dict(tx_same, **{"from": T}))
        h2 = node.result("eth_sendTransaction", dict(tx_same, **{"from": U}))
        check(h1 != h2, "the same transaction from two impersonated senders has two hashes")
        check(mined(node, h1) is not None and mined(node, h2) is not None, "both are mined")
        node.result("anvil_autoImpersonateAccount", False)
        r = send(node, {"from": T, "to": B, "value": "0x1"})
        check(r.get("error", {}).get("message") == "unknown account", "auto-impersonation off: unknown account")
        # an ordinary account still sends
        h0 = node.result("eth_sendTransaction", {"from": acct0, "to": B, "value": "0x1"})
        r0 = mined(node, h0)
        check(r0 is not None and r0["from"].lower() == acct0.lower(), "account 0 sends as before")
        keep["auto"] = ht
    finally:
        node.stop()

    # a restart keeps it readable
    node = DevNode(ethc, ["--dev", "--datadir", datadir])
    try:
        check(node.url is not None, "the node restarts on its datadir")
        if node.url:
            for what, h in keep.items():
                check_from(node, h, T if what == "auto" else S, f"after the restart, {what}")
    finally:
        node.stop()
    shutil.rmtree(datadir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
