#!/usr/bin/env python3
"""devp2p node discovery (issue 14), against `ethc node` processes on 127.0.0.1:
three nodes (one the bootnode of the other two) find each other through discv4
and report it in admin_nodeInfo / debug_p2pTable; then go-ethereum's discv4
conformance cases (cmd/devp2p/internal/v4test, ported case by case: Ping/*,
Findnode/*, Amplification/*, plus ENRRequest) run against one of them from
Python testers on 127.0.0.1 and 127.0.0.2, each with a new key, signing with
the pure-Python secp256k1 of dev_node.py.
usage: p2p_disc.py ETHC CHAIN_DIR WORKDIR"""
import base64
import json
import os
import secrets
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from dev_node import G, N, P, ec_add, ec_mul, keccak256  # noqa: E402
from rpc_node import Node  # noqa: E402

failures = 0
results = []


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1
    return cond


# ---- RLP ----

def rlp(x):
    if isinstance(x, int):
        x = x.to_bytes((x.bit_length() + 7) // 8, "big") if x else b""
    if isinstance(x, (bytes, bytearray)):
        if len(x) == 1 and x[0] < 0x80:
            return bytes(x)
        return _hdr(0x80, len(x)) + bytes(x)
    body = b"".join(rlp(i) for i in x)
    return _hdr(0xc0, len(body)) + body


def _hdr(base, n):
    if n < 56:
        return bytes([base + n])
    ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([base + 55 + len(ln)]) + ln


def unrlp(b, i=0):
    """(item, next offset): bytes or a list of items."""
    p = b[i]
    if p < 0x80:
        return b[i:i + 1], i + 1
    if p < 0xb8:
        return b[i + 1:i + 1 + p - 0x80], i + 1 + p - 0x80
    if p < 0xc0:
        ll = p - 0xb7
        n = int.from_bytes(b[i + 1:i + 1 + ll], "big")
        return b[i + 1 + ll:i + 1 + ll + n], i + 1 + ll + n
    if p < 0xf8:
        start, end = i + 1, i + 1 + p - 0xc0
    else:
        ll = p - 0xf7
        start = i + 1 + ll
        end = start + int.from_bytes(b[i + 1:i + 1 + ll], "big")
    out, j = [], start
    while j < end:
        item, j = unrlp(b, j)
        out.append(item)
    return out, end


def num(b):
    return int.from_bytes(b, "big")


# ---- secp256k1 ----

def pubkey(d):
    q = ec_mul(d, G)
    return q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")


def sign(d, digest):
    z = int.from_bytes(digest, "big")
    while True:
        k = secrets.randbelow(N - 1) + 1
        R = ec_mul(k, G)
        r = R[0] % N
        s = pow(k, -1, N) * (z + r * d) % N
        if r and s:
            break
    v = R[1] & 1
    if s > N // 2:
        s, v = N - s, v ^ 1
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([v])


def recover_pub(digest, sig):
    r, s, v = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
    y = pow((pow(r, 3, P) + 7) % P, (P + 1) // 4, P)
    if y % 2 != v:
        y = P - y
    e = int.from_bytes(digest, "big")
    rinv = pow(r, -1, N)
    q = ec_add(ec_mul(s * rinv % N, (r, y)), ec_mul((-e * rinv) % N, G))
    return q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")


# ---- discv4 packets ----

PING, PONG, FINDNODE, NEIGHBORS, ENRREQ, ENRRESP = 1, 2, 3, 4, 5, 6
NAMES = {1: "PING", 2: "PONG", 3: "FINDNODE", 4: "NEIGHBORS", 5: "ENRREQUEST", 6: "ENRRESPONSE"}


def encode(key, ptype, payload, trailing=b""):
    data = bytes([ptype]) + rlp(payload) + trailing
    sig = sign(key, keccak256(data))
    h = keccak256(sig + data)
    return h + sig + data, h


def decode(pkt):
    h, sig, data = pkt[:32], pkt[32:97], pkt[97:]
    if keccak256(pkt[32:]) != h:
        raise ValueError("bad hash")
    return data[0], unrlp(data, 1)[0], h, recover_pub(keccak256(data), sig)


def endpoint(ip, udp, tcp):
    return [socket.inet_aton(ip), udp, tcp]


def future():
    return int(time.time()) + 20


class Tester:
    """One side of a v4test case: a new key, sockets on 127.0.0.1 and 127.0.0.2."""

    def __init__(self, remote_udp, remote_pub):
        self.key = secrets.randbelow(N - 1) + 1
        self.pub = pubkey(self.key)
        self.remote = ("127.0.0.1", remote_udp)
        self.remote_pub = remote_pub
        self.l1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.l1.bind(("127.0.0.1", 0))
        self.l2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.l2.bind(("127.0.0.2", 0))

    def close(self):
        self.l1.close()
        self.l2.close()

    def local(self, sock=None):
        ip, port = (sock or self.l1).getsockname()
        return endpoint(ip, port, 0)

    def remote_ep(self):
        return endpoint(self.remote[0], self.remote[1], 0)

    def send(self, ptype, payload, sock=None, trailing=b""):
        pkt, h = encode(self.key, ptype, payload, trailing)
        (sock or self.l1).sendto(pkt, self.remote)
        return h

    def read(self, sock=None, timeout=0.6, kinds=(PING, PONG, NEIGHBORS, ENRRESP)):
        """(type, payload, hash) of the next packet from the node of one of these
        kinds, or None. Others are skipped: the node may look this tester up
        (FindNode) or ask for its record (ENRRequest) on its own at any time."""
        s = sock or self.l1
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                return None
            s.settimeout(left)
            try:
                pkt, addr = s.recvfrom(2048)
            except socket.timeout:
                return None
            if addr != self.remote:  # another node (A or C may learn of testers through B)
                continue
            ptype, payload, h, pub = decode(pkt)
            if pub != self.remote_pub:
                raise ValueError("reply not signed by the node's key")
            if ptype in kinds:
                return ptype, payload, h

    def ping(self, sock=None, frm=None, to=None, exp=None, extra=()):
        return self.send(PING, [4, frm or self.local(sock), to or self.remote_ep(), exp or future(), *extra], sock)

    def bond(self):
        self.ping()
        got_ping = got_pong = False
        while not (got_ping and got_pong):
            r = self.read(timeout=5)
            if r is None:
                raise RuntimeError("no bond: the node did not answer")
            if r[0] == PING:
                self.send(PONG, [self.remote_ep(), r[2], future()])
                got_ping = True
            elif r[0] == PONG:
                got_pong = True


def check_pong(t, r, ping_hash):
    if r is None or r[0] != PONG:
        return "expected PONG, got %s" % (NAMES.get(r[0]) if r else None)
    to, tok, exp = r[1][0], r[1][1], num(r[1][2])
    if tok != ping_hash:
        return "PONG reply token mismatch"
    ip, port = t.l1.getsockname()
    if to[0] != socket.inet_aton(ip) or num(to[1]) != port:
        return "PONG 'to' endpoint mismatch"
    if exp < time.time():
        return "PONG is expired"
    return None


def check_ping_pong(t, ping_hash):
    pings = pongs = 0
    for _ in range(2):
        r = t.read(timeout=5)
        if r is None:
            return "expected PING and PONG, got %d PING and %d PONG" % (pings, pongs)
        if r[0] == PONG:
            err = check_pong(t, r, ping_hash)
            if err:
                return err
            pongs += 1
        elif r[0] == PING:
            pings += 1
        else:
            return "expected PING or PONG, got " + NAMES.get(r[0], str(r[0]))
    return None if pings == 1 and pongs == 1 else "expected 1 PING and 1 PONG"


ANY = (PING, PONG, FINDNODE, NEIGHBORS, ENRREQ, ENRRESP)


def no_reply(t, sock=None, kinds=(PONG, NEIGHBORS, ENRRESP)):
    """None when no reply of these kinds comes (the node's own pings, e.g. a
    liveness check of an earlier tester's entry, are not replies)."""
    r = t.read(sock, kinds=kinds)
    return None if r is None else "unexpected " + NAMES.get(r[0], str(r[0]))


# ---- the v4test cases ----

WRONG = endpoint("192.0.2.0", 0, 0)


def case_basic_ping(t):
    return check_ping_pong(t, t.ping())


def case_wrong_to(t):
    return check_ping_pong(t, t.ping(to=WRONG))


def case_wrong_from(t):
    return check_ping_pong(t, t.ping(frm=WRONG))


def case_extra_data(t):
    return check_ping_pong(t, t.ping(extra=(42, bytes([9, 8, 7, 6, 5, 4, 3, 2, 1]))))


def case_extra_data_wrong_from(t):
    return check_ping_pong(t, t.ping(frm=WRONG, extra=(42, bytes([9, 8, 7, 6, 5, 4, 3, 2, 1]))))


def case_past_expiration(t):
    t.ping(exp=(-future()) % 2**64)  # as go-ethereum's test: "negative", so in the past
    return no_reply(t, kinds=ANY)  # a new tester: the node has no reason to send it anything


def case_wrong_packet_type(t):
    t.send(66, [4, t.local(), t.remote_ep(), future()])
    return no_reply(t, kinds=ANY)  # a new tester: the node has no reason to send it anything


def case_bond_then_ping_wrong_from(t):
    t.bond()
    h = t.ping(frm=WRONG)
    return check_pong(t, t.read(timeout=5, kinds=(PONG,)), h)


def case_findnode_without_proof(t):
    t.send(FINDNODE, [secrets.token_bytes(64), future()])
    return no_reply(t, kinds=ANY)  # a new tester: the node has no reason to send it anything


def case_basic_findnode(t):
    t.bond()
    t.send(FINDNODE, [secrets.token_bytes(64), future()])
    r = t.read(timeout=5, kinds=(NEIGHBORS, PONG, ENRRESP))
    return None if r and r[0] == NEIGHBORS else "expected NEIGHBORS"


def case_unsolicited_neighbors(t):
    t.bond()
    fake = pubkey(secrets.randbelow(N - 1) + 1)
    t.send(NEIGHBORS, [[[bytes([1, 2, 3, 4]), 30303, 30303, fake]], future()])
    t.send(FINDNODE, [fake, future()])
    r = t.read(timeout=5, kinds=(NEIGHBORS, PONG, ENRRESP))
    if not r or r[0] != NEIGHBORS:
        return "expected NEIGHBORS, got %s" % (NAMES.get(r[0]) if r else "nothing in 5 s")
    if any(n[3] == fake for n in r[1][0]):
        return "NEIGHBORS contains the node of an unsolicited NEIGHBORS"
    return None


def case_findnode_past_expiration(t):
    t.bond()
    t.send(FINDNODE, [secrets.token_bytes(64), (-future()) % 2**64])
    return no_reply(t, kinds=(NEIGHBORS,))


def case_amplification_invalid_pong_hash(t):
    t.ping()
    got_ping = got_pong = False
    while not (got_ping and got_pong):
        r = t.read(timeout=5)
        if r is None:
            return "no PING and PONG"
        if r[0] == PING:
            t.send(PONG, [t.remote_ep(), bytes(32), future()])  # the wrong ping hash
            got_ping = True
        elif r[0] == PONG:
            got_pong = True
    t.send(FINDNODE, [secrets.token_bytes(64), future()])
    return no_reply(t, kinds=(NEIGHBORS,))


def case_amplification_wrong_ip(t):
    t.bond()
    t.send(FINDNODE, [secrets.token_bytes(64), future()], sock=t.l2)
    return no_reply(t, sock=t.l2, kinds=ANY)


def case_enr_request(t):
    t.bond()
    h = t.send(ENRREQ, [future()])
    r = t.read(timeout=5, kinds=(NEIGHBORS, PONG, ENRRESP))
    if not r or r[0] != ENRRESP:
        return "expected ENRRESPONSE"
    if r[1][0] != h:
        return "ENRRESPONSE request hash mismatch"
    rec = decode_enr(rlp(r[1][1]))
    if rec.get("pubkey") != t.remote_pub:
        return "the record is not the node's"
    return None


def case_enr_request_without_proof(t):
    t.send(ENRREQ, [future()])
    return no_reply(t, kinds=ANY)  # a new tester: the node has no reason to send it anything


def case_amplification_spoofed_ping(t):
    """A ping from a spoofed address (the victim) gets only what the protocol
    prescribes back: a PONG (the request's endpoint, its 32-byte hash and the
    EIP-868 seq) and the endpoint-proof PING, each within 40 bytes of the
    request; no NEIGHBORS, no ENRRESPONSE."""
    pkt, h = encode(t.key, PING, [4, t.local(), t.remote_ep(), future()])
    t.l1.sendto(pkt, t.remote)
    sizes, kinds = [], []
    t.l1.settimeout(2.0)
    try:
        while True:
            data, addr = t.l1.recvfrom(2048)
            if addr == t.remote:
                sizes.append(len(data))
                kinds.append(data[97])
    except socket.timeout:
        pass
    if sorted(kinds) != [PING, PONG]:
        return "replies %s, want one PING and one PONG" % [NAMES.get(k, k) for k in kinds]
    if max(sizes) > len(pkt) + 40:
        return "replies of %s bytes to a %d-byte ping" % (sizes, len(pkt))
    print("     (a %d-byte ping got replies of %s bytes)" % (len(pkt), sizes))
    return None


def case_amplification_ping_flood(t):
    """Ten pings at once from an endpoint that never answers: ten PONGs, but
    only one endpoint-proof PING in flight toward it."""
    pkts = [encode(t.key, PING, [4, t.local(), t.remote_ep(), future()])[0] for _ in range(10)]
    for pkt in pkts:  # signed first: a burst well inside the node's 500 ms reply window
        t.l1.sendto(pkt, t.remote)
    pings = pongs = 0
    while True:
        r = t.read(timeout=0.4, kinds=ANY)
        if r is None:
            break
        pings += r[0] == PING
        pongs += r[0] == PONG
    return None if pongs == 10 and pings == 1 else "%d PONG and %d PING for 10 pings" % (pongs, pings)


CASES = [
    ("Ping/Basic", case_basic_ping),
    ("Ping/WrongTo", case_wrong_to),
    ("Ping/WrongFrom", case_wrong_from),
    ("Ping/ExtraData", case_extra_data),
    ("Ping/ExtraDataWrongFrom", case_extra_data_wrong_from),
    ("Ping/PastExpiration", case_past_expiration),
    ("Ping/WrongPacketType", case_wrong_packet_type),
    ("Ping/BondThenPingWithWrongFrom", case_bond_then_ping_wrong_from),
    ("Findnode/WithoutEndpointProof", case_findnode_without_proof),
    ("Findnode/BasicFindnode", case_basic_findnode),
    ("Findnode/UnsolicitedNeighbors", case_unsolicited_neighbors),
    ("Findnode/PastExpiration", case_findnode_past_expiration),
    ("Amplification/InvalidPongHash", case_amplification_invalid_pong_hash),
    ("Amplification/WrongIP", case_amplification_wrong_ip),
    ("Amplification/SpoofedPing", case_amplification_spoofed_ping),
    ("Amplification/PingFlood", case_amplification_ping_flood),
    ("ENRRequest/Basic", case_enr_request),
    ("ENRRequest/WithoutEndpointProof", case_enr_request_without_proof),
]


# ---- ENR ----

def decode_enr(raw):
    """The record's fields after checking its v4 signature; {} when invalid."""
    items = unrlp(raw)[0]
    sig, seq, kv = items[0], items[1], items[2:]
    rec = {"seq": num(seq)}
    for i in range(0, len(kv), 2):
        rec[kv[i].decode()] = kv[i + 1]
    comp = rec.get("secp256k1", b"")
    if rec.get("id") != b"v4" or len(comp) != 33:
        return {}
    x = int.from_bytes(comp[1:], "big")
    y = pow((pow(x, 3, P) + 7) % P, (P + 1) // 4, P)
    if y % 2 != comp[0] - 2:
        y = P - y
    pub = x.to_bytes(32, "big") + y.to_bytes(32, "big")
    digest = keccak256(rlp([seq, *kv]))
    if not any(recover_pub(digest, sig + bytes([v])) == pub for v in (0, 1)):
        return {}
    rec["pubkey"] = pub
    return rec


def enr_from_text(text):
    b = text[4:]
    return decode_enr(base64.urlsafe_b64decode(b + "=" * (-len(b) % 4)))


# ---- the test ----

def info(node):
    r = node.call("admin_nodeInfo")
    if "result" not in r:
        raise RuntimeError("admin_nodeInfo: %s" % r)
    return r["result"]


def wait_tables(nodes, want, seconds=40):
    deadline = time.time() + seconds
    while time.time() < deadline:
        sizes = [info(n)["discovery"]["table"] for n in nodes]
        if all(s >= want for s in sizes):
            return sizes
        time.sleep(0.5)
    return sizes


def main():
    ethc, chain_dir, work = sys.argv[1:4]
    api = ["--http.api", "eth,net,web3,admin,debug"]
    nodes = []
    try:
        off = Node(ethc, work, chain_dir, api, genesis_only=True)
        nodes.append(off)
        r = off.call("admin_nodeInfo")
        check(r.get("error", {}).get("code") == -32000, "admin_nodeInfo without p2p flags: p2p is off (-32000)")

        a = Node(ethc, work, chain_dir, api + ["--port", "0"], genesis_only=True)
        nodes.append(a)
        ia = info(a)
        boot = ia["enode"]
        b = Node(ethc, work, chain_dir, api + ["--port", "0", "--bootnodes", boot], genesis_only=True)
        c = Node(ethc, work, chain_dir, api + ["--port", "0", "--bootnodes", boot, "--maxpeers", "7"],
                 genesis_only=True)
        nodes += [b, c]

        # admin_nodeInfo: the enode, the record and the id agree
        pub = bytes.fromhex(boot[len("enode://"):boot.index("@")])
        check(ia["id"] == keccak256(pub).hex(), "admin_nodeInfo id is keccak256 of the enode's key")
        rec = enr_from_text(ia["enr"])
        check(rec.get("pubkey") == pub, "admin_nodeInfo enr verifies and holds the enode's key")
        port = ia["ports"]["discovery"]
        check(port > 0 and ia["ports"]["listener"] == port and boot.endswith("@127.0.0.1:%d" % port),
              "--port 0: one free port for TCP and UDP, in the enode")
        check(num(rec.get("udp", b"")) == port and rec.get("ip") == bytes([127, 0, 0, 1]),
              "the record's ip and udp are the node's")
        key_file = os.path.join(a.datadir, "nodekey")
        check(os.path.exists(key_file) and (os.stat(key_file).st_mode & 0o777) == 0o600,
              "DATADIR/nodekey created with mode 0600")

        sizes = wait_tables([a, b, c], 2)
        check(sizes == [2, 2, 2], "three nodes find each other (tables %s)" % sizes)
        ib, ic = info(b), info(c)
        table_b = b.call("debug_p2pTable")["result"]
        check(any(e["id"] == ic["id"] for e in table_b),
              "B learnt of C through the bootnode's Neighbors (debug_p2pTable)")

        # bad p2p flags: a clear error and exit status 2, before serving
        import shutil
        import subprocess
        import tempfile
        spare = tempfile.mkdtemp(prefix="p2p-flags-", dir=work)
        subprocess.run([ethc, "init", "--datadir", spare, os.path.join(chain_dir, "genesis.json")], check=True,
                       capture_output=True)
        busy = str(ib["ports"]["discovery"])
        for args, want in [(["--bootnodes", "enode://1234@1.2.3.4:30303"], "--bootnodes"),
                           (["--trusted-peers", boot.replace("@127.0.0.1", "@example.com")], "--trusted-peers"),
                           (["--nat", "upnp"], "--nat"),
                           (["--eth.versions", "67,68"], "--eth.versions"),
                           (["--eth.versions", ""], "--eth.versions"),
                           (["--port", busy], "UDP port " + busy)]:
            r = subprocess.run([ethc, "node", "--datadir", spare, "--http.port", "0", *args],
                               capture_output=True, text=True, timeout=30)
            code = 1 if want.startswith("UDP") else 2
            ok = r.returncode == code and want in r.stderr
            check(ok, "ethc node %s: exit %d naming %s%s" % (" ".join(args)[:40], code, want,
                                                              "" if ok else " (got %d: %s)" % (r.returncode, r.stderr)))
        shutil.rmtree(spare, ignore_errors=True)

        # go-ethereum's v4test cases against node B (bonded with the others already)
        remote_pub = bytes.fromhex(ib["enode"][len("enode://"):ib["enode"].index("@")])
        testers = []
        for name, fn in CASES:
            t = Tester(ib["ports"]["discovery"], remote_pub)
            try:
                err = fn(t)
            except Exception as e:  # a malformed or missing reply is a failure of the case
                err = "%s: %s" % (type(e).__name__, e)
            finally:
                testers.append(t)  # closed at the end: no later tester gets its port (and its stale packets)
            results.append((name, err))
            check(err is None, "v4test %s%s" % (name, "" if err is None else ": " + err))
        for t in testers:
            t.close()
        # the node still answers after all that
        check(info(b)["discovery"]["table"] >= 1, "node B still serves admin_nodeInfo")
    finally:
        for n in nodes:
            n.stop()
    print("\nv4test cases: %d/%d passed" % (sum(1 for _, e in results if e is None), len(results)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
