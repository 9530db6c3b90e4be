#!/usr/bin/env python3
"""`ethc node --dev` as a local chain for wallets and tools (issue 13): an
ephemeral dev node on a free port answers anvil's chain id and accounts, holds
the system contracts and the CREATE2 deployer, pools eth_sendTransaction from
account 0 (and, once a miner answers evm_mine, mines it), signs messages and
typed data that recover to the account (checked with ethers v6 from
tests/interop/node_modules when present, else in Python), removes its
directory at SIGTERM; a persistent --datadir survives kill -9 with the same
genesis, refuses another chain id, and --dev.genesis-out reproduces the
genesis with `ethc init`.
usage: dev_node.py ETHC WORKDIR"""
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
INTEROP = os.path.join(HERE, "..", "interop")
ACCT0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
ACCT1 = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
CONTRACTS = ["0x000f3df6d732807ef1319fb7b8bb8522d0beac02", "0x0000f90827f1c53a10cb7a02335b175320002935",
             "0x00000961ef480eb55e80d19ad83579a64c007002", "0x0000bbddc7ce488642fb579f8b00f3a590007251",
             "0x4e59b44847b379578588920ca78fbf26c0b4956c"]
MAIL = {
    "types": {
        "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                         {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
        "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
        "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"},
                 {"name": "contents", "type": "string"}]},
    "primaryType": "Mail",
    "domain": {"name": "Ether Mail", "version": "1", "chainId": 1,
               "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
    "message": {"from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
                "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
                "contents": "Hello, Bob!"}}
MAIL_DIGEST = "be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"  # the EIP's own figure

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


# ---- Python fallbacks: keccak256 and secp256k1 public key recovery ----

def keccak256(data):
    rc = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
          0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
          0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
          0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
          0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
    rot = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
    m = (1 << 64) - 1
    rate = 136
    data = bytearray(data) + b"\x01"
    while len(data) % rate:
        data.append(0)
    data[-1] |= 0x80
    s = [[0] * 5 for _ in range(5)]
    for off in range(0, len(data), rate):
        for i in range(rate // 8):
            s[i % 5][i // 5] ^= int.from_bytes(data[off + 8 * i:off + 8 * i + 8], "little")
        for r in rc:
            c = [s[x][0] ^ s[x][1] ^ s[x][2] ^ s[x][3] ^ s[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ (((c[(x + 1) % 5] << 1) | (c[(x + 1) % 5] >> 63)) & m) for x in range(5)]
            s = [[s[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    n = rot[x][y]
                    b[y][(2 * x + 3 * y) % 5] = ((s[x][y] << n) | (s[x][y] >> (64 - n))) & m if n else s[x][y]
            s = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
            s[0][0] ^= r
    return b"".join(s[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
     0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def ec_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % P == 0:
        return None
    if a == b:
        lam = 3 * a[0] * a[0] * pow(2 * a[1], -1, P) % P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, P) % P
    x = (lam * lam - a[0] - b[0]) % P
    return x, (lam * (a[0] - x) - a[1]) % P


def ec_mul(k, pt):
    r = None
    while k:
        if k & 1:
            r = ec_add(r, pt)
        pt = ec_add(pt, pt)
        k >>= 1
    return r


def recover(digest, sig):
    """The address that made the 65-byte r || s || v signature of a 32-byte digest."""
    r, s, v = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
    v = v - 27 if v >= 27 else v
    y2 = (pow(r, 3, P) + 7) % P
    y = pow(y2, (P + 1) // 4, P)
    if y % 2 != v:
        y = P - y
    e = int.from_bytes(digest, "big")
    rinv = pow(r, -1, N)
    q = ec_add(ec_mul(s * rinv % N, (r, y)), ec_mul((-e * rinv) % N, G))
    pub = q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")
    return "0x" + keccak256(pub)[12:].hex()


def eip191(msg):
    return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(msg)).encode() + msg)


# ---- the node ----

class DevNode:
    def __init__(self, ethc, args, env=None):
        self.proc = subprocess.Popen([ethc, "node", "--http.port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.url, self.banner, self.datadir = None, [], None
        deadline = time.time() + 30
        while time.time() < deadline and self.url is None:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
            if not r:
                if self.proc.poll() is not None:
                    break
                continue
            line = self.proc.stdout.readline()
            if not line:
                break
            self.banner.append(line)
            if line.startswith("Data directory:"):
                self.datadir = line.split(":", 1)[1].strip().replace(" (removed at exit)", "")
            if line.startswith("HTTP server started"):
                self.url = line[line.index("http://"):].strip()

    def call(self, method, *params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def result(self, method, *params):
        r = self.call(method, *params)
        if "error" in r:
            raise RuntimeError(f"{method}: {r['error']}")
        return r["result"]

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            status = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            status = self.proc.wait()
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return status


def wait_receipt(node, h, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = node.result("eth_getTransactionReceipt", h)
        if r is not None:
            return r
        time.sleep(0.05)
    return None


def ethers_available():
    if os.environ.get("ETHC_TEST_NO_ETHERS"):  # exercise the Python fallback
        return False
    return shutil.which("node") and os.path.isdir(os.path.join(INTEROP, "node_modules", "ethers"))


def ethers_eval(script, payload):
    """Runs an ES module with `ethers` and `input` (the payload) in scope; returns its printed JSON."""
    code = "import { ethers } from 'ethers';\nconst input = JSON.parse(process.argv[1]);\n" + script
    r = subprocess.run(["node", "--input-type=module", "-e", code, json.dumps(payload)], cwd=INTEROP,
                       capture_output=True, text=True, timeout=60)
    if r.returncode:
        raise RuntimeError("ethers: " + r.stderr)
    return json.loads(r.stdout)


def test_ephemeral(ethc, work):
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp, exist_ok=True)
    genesis_out = os.path.join(work, "dev-genesis-out.json")
    env = dict(os.environ, TMPDIR=tmp)
    node = DevNode(ethc, ["--dev", "--dev.ephemeral", "--dev.genesis-out", genesis_out], env)
    check(node.url is not None, "the node prints its URL")
    if node.url is None:
        node.stop()
        print(node.stderr)
        return
    text = "".join(node.banner)
    check("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" in text, "banner: account 0's key")
    check(ACCT0 in text.lower() and "curl" in "".join(node.proc.stdout.readline() for _ in range(1)),
          "banner: the accounts, then a curl line")
    check(node.datadir and os.path.isdir(node.datadir) and node.datadir.startswith(tmp),
          f"the ephemeral directory exists under TMPDIR while running ({node.datadir})")
    try:
        check(node.result("eth_chainId") == "0x7a69", "eth_chainId 31337")
        accts = node.result("eth_accounts")
        check(len(accts) == 10 and accts[0] == ACCT0 and accts[1] == ACCT1, "eth_accounts: anvil's 10 accounts")
        check(all(int(node.result("eth_getBalance", a, "latest"), 16) == 10000 * 10**18 for a in accts),
              "each account holds 10,000 ETH")
        for c in CONTRACTS:
            check(len(node.result("eth_getCode", c, "latest")) > 2, f"code at {c}")
        g = node.result("eth_getBlockByNumber", "0x0", False)
        check(g["baseFeePerGas"] == "0x3b9aca00" and g["gasLimit"] == hex(30000000) and g["difficulty"] == "0x0",
              "genesis: 1 gwei base fee, 30M gas, difficulty 0")
        mods = node.result("rpc_modules")
        check(all(m in mods for m in ("eth", "debug", "txpool", "personal", "anvil")), f"namespaces {sorted(mods)}")

        # --dev.genesis-out reproduces the genesis block with `ethc init`
        initdir = os.path.join(work, "init-from-out")
        shutil.rmtree(initdir, ignore_errors=True)
        r = subprocess.run([ethc, "init", "--datadir", initdir, genesis_out], capture_output=True, text=True)
        check(r.returncode == 0 and g["hash"] in r.stdout, f"ethc init of --dev.genesis-out: {g['hash']}")

        # messages and typed data
        msg = b"hello ethc"
        sig_personal = node.result("personal_sign", "0x" + msg.hex(), ACCT0)
        sig_eth = node.result("eth_sign", ACCT0, "0x" + msg.hex())
        sig_typed = node.result("eth_signTypedData_v4", ACCT0, json.dumps(MAIL))
        sig_typed_obj = node.result("eth_signTypedData_v4", ACCT0, MAIL)
        check(sig_personal == sig_eth and len(sig_personal) == 132, "personal_sign equals eth_sign (65 bytes)")
        check(sig_typed == sig_typed_obj, "typed data as text or object: one signature")
        tx_obj = {"from": ACCT0, "to": ACCT1, "value": hex(10**18)}
        signed = node.result("eth_signTransaction", tx_obj)
        check(signed["tx"]["type"] == "0x2" and signed["tx"]["chainId"] == "0x7a69", "eth_signTransaction: type 2")
        legacy = node.result("eth_signTransaction", dict(tx_obj, gasPrice=hex(3 * 10**9)))
        check(legacy["tx"]["type"] == "0x0", "with gasPrice: legacy")
        if ethers_available():
            out = ethers_eval("""
                const mail = input.mail; const types = {...mail.types}; delete types.EIP712Domain;
                console.log(JSON.stringify({
                  personal: ethers.verifyMessage(ethers.getBytes(input.msg), input.personal).toLowerCase(),
                  typed: ethers.verifyTypedData(mail.domain, types, mail.message, input.typed).toLowerCase(),
                  digest: ethers.TypedDataEncoder.hash(mail.domain, types, mail.message),
                  tx: ethers.Transaction.from(input.raw).from.toLowerCase(),
                  legacy: ethers.Transaction.from(input.legacy).from.toLowerCase(),
                  txhash: ethers.Transaction.from(input.raw).hash }));""",
                              {"mail": MAIL, "msg": "0x" + msg.hex(), "personal": sig_personal,
                               "typed": sig_typed, "raw": signed["raw"], "legacy": legacy["raw"]})
            check(out["personal"] == ACCT0, "ethers.verifyMessage recovers account 0")
            check(out["typed"] == ACCT0, "ethers.verifyTypedData recovers account 0")
            check(out["digest"] == "0x" + MAIL_DIGEST, "ethers' EIP-712 digest is the EIP's")
            check(out["tx"] == ACCT0 and out["legacy"] == ACCT0, "ethers decodes both signed transactions from account 0")
            check(out["txhash"] == signed["tx"]["hash"], "the transaction hash agrees with ethers")
        else:
            print("note: ethers not installed (tests/interop/node_modules): recovering in Python")
            check(recover(eip191(msg), bytes.fromhex(sig_personal[2:])) == ACCT0, "personal_sign recovers account 0")
            check(recover(bytes.fromhex(MAIL_DIGEST), bytes.fromhex(sig_typed[2:])) == ACCT0,
                  "eth_signTypedData_v4 recovers account 0")
        # the Python fallback agrees on a known digest either way
        check(keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
              "python keccak256")

        # errors
        r = node.call("eth_sign", "0x1111111111111111111111111111111111111111", "0x00")
        check(r.get("error", {}).get("message") == "unknown account", "eth_sign of a foreign account: unknown account")
        r = node.call("eth_sendTransaction", {"to": ACCT1})
        check(r.get("error", {}).get("code") == -32602, "eth_sendTransaction without from: -32602")
        r = node.call("eth_signTypedData_v4", ACCT0, "{not json")
        check(r.get("error", {}).get("code") == -32602, "malformed typed data: -32602")

        # impersonation
        other = "0x2222222222222222222222222222222222222222"
        check(node.call("eth_sendTransaction", {"from": other, "to": ACCT1}).get("error", {}).get("message") ==
              "unknown account", "a stranger cannot send")
        check(node.call("anvil_impersonateAccount", other).get("result", "x") is None, "anvil_impersonateAccount")
        r = node.call("eth_sendTransaction", {"from": other, "to": ACCT1, "gas": "0x5208"})
        check("insufficient funds" in r.get("error", {}).get("message", ""),
              f"an impersonated send without ETH is refused as the pool refuses it: {r}")
        node.call("hardhat_stopImpersonatingAccount", other)
        check(node.call("eth_sendTransaction", {"from": other, "to": ACCT1}).get("error", {}).get("message") ==
              "unknown account", "stopped impersonating")

        # eth_sendTransaction into the pool (and mined, when a miner answers);
        # a pending-transaction filter installed before sees its hash once
        pf = node.result("eth_newPendingTransactionFilter")
        h = node.result("eth_sendTransaction", tx_obj)
        seen = node.result("eth_getFilterChanges", pf)
        check(seen == [h], f"the pending-transaction filter reports the sent hash: {seen}")
        check(node.result("eth_getFilterChanges", pf) == [], "... and only once")
        pool = node.result("txpool_content")
        pooled = any(t["hash"] == h for t in pool["pending"].get(ACCT0, {}).values())
        mine = node.call("evm_mine")
        if mine.get("error", {}).get("code") == -32601:
            check(pooled, "eth_sendTransaction from account 0 is pending in the pool")
            print("note: no miner (evm_mine is -32601): not checking that it is mined")
        else:
            rcpt = wait_receipt(node, h)
            check(rcpt is not None and rcpt["status"] == "0x1", "eth_sendTransaction is mined (status 1)")
            check(int(node.result("eth_getBalance", ACCT1, "latest"), 16) == 10001 * 10**18, "account 1 got 1 ETH")
            # a contract creation, then the same init code through the genesis CREATE2 deployer
            init = bytes.fromhex("600a600c600039600a6000f3602a60005260206000f3")  # runtime: return 42
            h = node.result("eth_sendTransaction", {"from": ACCT0, "input": "0x" + init.hex()})
            node.call("evm_mine")
            rcpt = wait_receipt(node, h)
            created = rcpt and rcpt.get("contractAddress")
            check(created and node.result("eth_getCode", created, "latest") == "0x602a60005260206000f3",
                  f"eth_sendTransaction without to creates a contract ({created})")
            salt = bytes(31) + b"\x07"
            deployer = bytes.fromhex(CONTRACTS[4][2:])
            want = "0x" + keccak256(b"\xff" + deployer + salt + keccak256(init))[12:].hex()
            h = node.result("eth_sendTransaction", {"from": ACCT0, "to": CONTRACTS[4], "input": "0x" + (salt + init).hex()})
            node.call("evm_mine")
            rcpt = wait_receipt(node, h)
            check(rcpt and rcpt["status"] == "0x1" and
                  node.result("eth_getCode", want, "latest") == "0x602a60005260206000f3",
                  f"the CREATE2 deployer deploys at its predicted address {want}")
        r = node.call("eth_sendTransaction", dict(tx_obj, nonce="0x0", value="0x2"))
        check("error" in r, f"another transaction with a pooled nonce is refused: {r.get('error')}")

        # ethers' JsonRpcSigner: the node's accounts as a wallet would use them
        if ethers_available():
            out = ethers_eval("""
                const provider = new ethers.JsonRpcProvider(input.url);
                const signer = await provider.getSigner(0);
                const mail = input.mail; const types = {...mail.types}; delete types.EIP712Domain;
                const sig = await signer.signMessage("hello");
                const td = await signer.signTypedData(mail.domain, types, mail.message);
                const resp = await signer.sendTransaction({to: input.to, value: 5n});
                const pending = await provider.getTransactionCount(input.from, "pending");
                const ws = new ethers.WebSocketProvider(input.url.replace("http://", "ws://"));
                const wsChain = Number((await ws.getNetwork()).chainId);
                const wsAccounts = await ws.send("eth_accounts", []);
                await ws.destroy();
                console.log(JSON.stringify({
                  addr: (await signer.getAddress()).toLowerCase(),
                  msg: ethers.verifyMessage("hello", sig).toLowerCase(),
                  typed: ethers.verifyTypedData(mail.domain, types, mail.message, td).toLowerCase(),
                  from: resp.from.toLowerCase(), nonce: resp.nonce, type: resp.type, pending, wsChain,
                  wsAccounts: wsAccounts.length }));
                provider.destroy();""", {"url": node.url, "mail": MAIL, "to": ACCT1, "from": ACCT0})
            check(out["addr"] == ACCT0 and out["msg"] == ACCT0 and out["typed"] == ACCT0,
                  "ethers JsonRpcSigner: getSigner(0), signMessage and signTypedData recover to account 0")
            check(out["from"] == ACCT0 and out["type"] == 2 and out["pending"] == out["nonce"] + 1,
                  f"ethers JsonRpcSigner.sendTransaction: pooled with the next nonce ({out['nonce']})")
            check(out["wsChain"] == 31337 and out["wsAccounts"] == 10,
                  "ethers WebSocketProvider: WebSocket is on (chain id, accounts)")
    finally:
        status = node.stop()
    check(status == 0, f"SIGTERM: exit 0 (got {status})")
    check(node.datadir is not None and not os.path.exists(node.datadir), "the ephemeral directory is gone")


def test_persistent(ethc, work):
    datadir = os.path.join(work, "persist")
    shutil.rmtree(datadir, ignore_errors=True)
    node = DevNode(ethc, ["--dev", "--datadir", datadir])
    check(node.url is not None, "persistent node starts")
    h0 = node.result("eth_getBlockByNumber", "0x0", False)["hash"]
    status = node.stop(signal.SIGKILL)
    check(status == -signal.SIGKILL, "kill -9")
    node = DevNode(ethc, ["--dev", "--datadir", datadir])
    check(node.url is not None, "restart after kill -9")
    if node.url:
        check(node.result("eth_getBlockByNumber", "0x0", False)["hash"] == h0, "the same genesis hash after restart")
        check(node.result("eth_chainId") == "0x7a69", "the same chain id")
    check(node.stop() == 0, "stopped")
    node = DevNode(ethc, ["--dev", "--datadir", datadir, "--chain-id", "5"])
    status = node.stop()
    check(node.url is None and status != 0 and "--chain-id 31337" in node.stderr,
          f"another --chain-id is refused with the fix: {node.stderr.strip()}")
    node = DevNode(ethc, ["--dev.ephemeral", "--dev.mnemonic", "test tset test test test test test test test test test junk"])
    status = node.stop()
    check(node.url is None and status == 2 and "word 2" in node.stderr, f"a mistyped mnemonic: {node.stderr.strip()}")
    node = DevNode(ethc, ["--dev", "--datadir", datadir, "--dev.accounts", "3"])
    status = node.stop()
    check(node.url is None and status != 0 and "--dev.mnemonic" in node.stderr, "other accounts are refused")
    shutil.rmtree(datadir, ignore_errors=True)


def test_early_signal(ethc, work):
    """SIGTERM at any moment of the start (here after 0 to 200 ms) leaves no ephemeral directory."""
    tmp = os.path.join(work, "early")
    os.makedirs(tmp, exist_ok=True)
    statuses = []
    for delay in (0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.2):
        p = subprocess.Popen([ethc, "node", "--dev.ephemeral", "--http.port", "0"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=dict(os.environ, TMPDIR=tmp))
        time.sleep(delay)
        p.send_signal(signal.SIGTERM)
        try:
            statuses.append(p.wait(timeout=15))
        except subprocess.TimeoutExpired:
            p.kill()
            statuses.append(p.wait())
    left = os.listdir(tmp)
    check(not left, f"an early SIGTERM leaves no ephemeral directory (exit statuses {statuses}, left {left})")


def test_help(ethc):
    r = subprocess.run([ethc, "node", "--help"], capture_output=True, text=True)
    flags = ["--dev", "--dev.ephemeral", "--dev.accounts", "--dev.balance", "--dev.mnemonic", "--dev.genesis-out",
             "--chain-id", "--gas-limit"]
    check(r.returncode == 0 and all(f in r.stdout for f in flags), "ethc node --help documents the --dev flags")


def main():
    ethc, workdir = sys.argv[1:3]
    os.makedirs(workdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="dev-", dir=workdir)
    try:
        test_help(ethc)
        test_ephemeral(ethc, work)
        test_persistent(ethc, work)
        test_early_signal(ethc, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
