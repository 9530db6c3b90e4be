#!/usr/bin/env python3
"""DNS node discovery (EIP-1459, src/p2p/dnsdisc*.c) against `ethc node`:
a tiny DNS server (UDP, TXT answers from a zone built here) on a free port
of 127.0.0.1 serves node lists signed with test keys (the pure-Python
secp256k1 of dev_node.py); node B gets them with --discovery.dns and
--discovery.dns.server and must:
- walk the good tree and its linked tree, find node A's record there and dial
  A: A appears in B's admin_peers (a real ethc peer, same genesis);
- read a record longer than 255 bytes (two TXT strings);
- dial a node of the linked tree (its "dnsdisc: dialling" line);
- refuse a tree whose root is signed by another key, a record whose content
  does not hash to its name, a malformed record, a link in the node subtree,
  each with its log line, dialling none of their nodes, and not crash;
- refuse a bad --discovery.dns URL at start with a clear error.
usage: p2p_dns.py ETHC CHAIN_DIR WORKDIR"""
import base64
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from dev_node import G, N, ec_mul, keccak256  # noqa: E402
from p2p_disc import rlp, sign  # noqa: E402
import p2p_sync  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


# ---- keys, node records, trees ----

def compressed(d):
    q = ec_mul(d, G)
    return bytes([2 + (q[1] & 1)]) + q[0].to_bytes(32, "big")


def b32(b):
    return base64.b32encode(b).decode().rstrip("=")


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def make_enr(d, tcp, udp, ip=b"\x7f\x00\x00\x01", seq=1, pad=0):
    """A v4 node record of key d (EIP-778); pad: an extra entry of that many
    bytes (an unknown key, kept and ignored)."""
    kv = [b"id", b"v4", b"ip", ip, b"secp256k1", compressed(d), b"tcp", tcp, b"udp", udp]
    if pad:
        kv += [b"zz", b"\x01" * pad]
    sig = sign(d, keccak256(rlp([seq, *kv])))[:64]
    return "enr:" + b64url(rlp([sig, seq, *kv]))


def name_of(txt):
    return b32(keccak256(txt.encode())[:16])


def tree(key, domain, enrs=(), links=(), seq=1, tamper=None):
    """{name: TXT} of a tree at domain signed by key. tamper(zone, root_parts)
    may break it after it is built."""
    zone = {}

    def branch(items):
        for t in items:
            zone[name_of(t) + "." + domain] = t
        txt = "enrtree-branch:" + ",".join(name_of(t) for t in items)
        zone[name_of(txt) + "." + domain] = txt
        return name_of(txt)

    e, l = branch(list(enrs)), branch(list(links))
    body = f"enrtree-root:v1 e={e} l={l} seq={seq}"
    zone[domain] = body + " sig=" + b64url(sign(key, keccak256(body.encode())))
    if tamper:
        tamper(zone)
    return zone


def url(key, domain):
    return f"enrtree://{b32(compressed(key))}@{domain}"


# ---- the DNS server ----

class DnsServer:
    """Answers TXT queries of the zone (NXDOMAIN otherwise) on 127.0.0.1."""

    def __init__(self, zone):
        self.zone = {k.lower(): v for k, v in zone.items()}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.queries = 0
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                q, addr = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                self.sock.sendto(self.answer(q), addr)
            except (ValueError, IndexError, struct.error):
                pass

    def answer(self, q):
        qid, flags = struct.unpack(">HH", q[:4])
        i, labels = 12, []
        while q[i]:
            labels.append(q[i + 1:i + 1 + q[i]].decode())
            i += 1 + q[i]
        qtype, _ = struct.unpack(">HH", q[i + 1:i + 5])
        question = q[12:i + 5]
        self.queries += 1
        txt = self.zone.get(".".join(labels).lower())
        rd = flags & 0x0100
        if txt is None or qtype != 16:
            rcode = 0 if txt is not None else 3
            return struct.pack(">HHHHHH", qid, 0x8400 | rd | rcode, 1, 0, 0, 0) + question
        data = txt.encode()
        strings = b"".join(bytes([len(data[k:k + 255])]) + data[k:k + 255] for k in range(0, len(data), 255))
        rr = struct.pack(">HHHIH", 0xC00C, 16, 1, 60, len(strings)) + strings
        return struct.pack(">HHHHHH", qid, 0x8400 | rd, 1, 1, 0, 0) + question + rr

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


# ---- ethc nodes ----

class Ethc(p2p_sync.Ethc):
    """p2p_sync's `ethc node` (free ports, a log file, stopped by PID) with
    discovery on unless the flags say --nodiscover."""

    def __init__(self, ethc, datadir, extra):
        super().__init__(ethc, datadir, datadir + ".log", extra, discover=True)

    def result(self, method, *params):
        return self.call(method, *params)["result"]

    def peer_ids(self):
        return [p["id"] for p in self.result("admin_peers")]


def main():
    ethc, chain, work = sys.argv[1], sys.argv[2], sys.argv[3]
    tmp = os.path.join(work, f"p2p_dns.{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    genesis = os.path.join(chain, "genesis.json")
    t0 = time.time()
    for n in ("a", "b"):
        p2p_sync.init(ethc, os.path.join(tmp, n), genesis)
    a = Ethc(ethc, os.path.join(tmp, "a"), ["--nodiscover"])
    b = server = None
    try:
        if not check(a.enode is not None, "node A started"):
            return
        a_enr = a.result("admin_nodeInfo")["enr"]
        a_id = a.enode[len("enode://"):].split("@")[0]

        # keys: the good tree's, the linked tree's, a stranger's; nodes that do not exist
        k_good, k_link, k_other = 0x1111, 0x2222, 0x3333
        # the linked tree's record is over 255 bytes: its TXT record has two strings
        fake = {n: make_enr(0x5000 + i, 1 + i, 1 + i, pad=100 if n == "linked" else 0) for i, n in enumerate(
            ["linked", "badsig", "badhash"])}
        check(len(fake["linked"]) > 255, f"a {len(fake['linked'])}-character record (two TXT strings)")

        def bad_hash(zone):  # a leaf changed after it was named
            for k, v in zone.items():
                if v == fake["badhash"]:
                    zone[k] = make_enr(0x6000, 9, 9)

        zone = {}
        zone.update(tree(k_good, "good.test", [a_enr], [url(k_link, "linked.test")]))
        zone.update(tree(k_link, "linked.test", [fake["linked"]]))
        zone.update(tree(k_good, "badsig.test", [fake["badsig"]]))  # served with k_other's URL
        zone.update(tree(k_other, "badhash.test", [fake["badhash"]], tamper=bad_hash))
        zone.update(tree(k_other, "malformed.test", ["enr:!!!not-base64!!!"]))
        zone.update(tree(k_other, "misplaced.test", [url(k_link, "linked.test")]))
        server = DnsServer(zone)
        urls = ",".join([url(k_good, "good.test"), url(k_other, "badsig.test"), url(k_other, "badhash.test"),
                         url(k_other, "malformed.test"), url(k_other, "misplaced.test")])
        b = Ethc(ethc, os.path.join(tmp, "b"),
                 ["--discovery.dns", urls, "--discovery.dns.server", f"127.0.0.1:{server.port}"])
        if not check(b.enode is not None, "node B started with --discovery.dns"):
            print(b.log()[-3000:])
            return
        walked = b.wait_log(r"dnsdisc: walked", 20) is not None
        check(walked, "B walked the trees (" + next((l for l in b.log().splitlines() if "dnsdisc: walked" in l), "") + ")")
        m = re.search(r"dnsdisc: walked (\d+) trees with (\d+) queries: (\d+) node records", b.log())
        check(m is not None and m.group(1) == "6" and m.group(3) == "2",
              "6 trees walked (5 given, 1 linked), 2 node records accepted (A, the linked tree's)")
        deadline = time.time() + 20
        while a_id not in b.peer_ids() and time.time() < deadline and b.proc.poll() is None:
            time.sleep(0.2)
        peered = a_id in b.peer_ids()
        check(peered, "B dialled A, found in the DNS tree: A is in B's admin_peers")
        check(all(p["network"]["trusted"] is False for p in b.result("admin_peers")), "the peer is not a trusted one")
        log = b.log()
        check("dialling enode://" + a_id in log, "B logs the dial of A")
        dialled = set(re.findall(r"dnsdisc: dialling enode://([0-9a-f]{128})", log))
        def hexpub(d):
            q = ec_mul(d, G)
            return (q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big")).hex()

        names = list(fake)
        check(hexpub(0x5000 + names.index("linked")) in dialled, "B dials the node of the linked tree")
        for n in ("badsig", "badhash"):
            check(hexpub(0x5000 + names.index(n)) not in dialled, f"no node of the {n} tree is dialled")
        check(re.search(r"dnsdisc: badsig\.test: bad root signature", log) is not None,
              "wrong signature: 'bad root signature' logged")
        check(re.search(r"dnsdisc: \w+\.badhash\.test: hash mismatch", log) is not None,
              "hash mismatch: logged")
        check(re.search(r"dnsdisc: \w+\.malformed\.test: malformed record", log) is not None,
              "malformed record: logged")
        check(re.search(r"dnsdisc: \w+\.misplaced\.test: a link in the node subtree", log) is not None,
              "a link in the node subtree: logged")
        check(b.proc.poll() is None, "B still runs")
        print("DNS queries answered:", server.queries)
        print("".join(l + "\n" for l in b.log().splitlines() if "dnsdisc" in l), end="")
        rc = b.stop()
        check(rc == 0, f"B stops cleanly (exit {rc})")
        b = None

        # a bad URL is refused at start
        r = subprocess.run([ethc, "node", "--datadir", os.path.join(tmp, "b"), "--http.port", "0", "--port", "0",
                            "--discovery.dns", "enrtree://NOTAKEY@x.test"], capture_output=True, text=True,
                           timeout=30)
        check(r.returncode != 0 and "invalid enrtree URL" in r.stderr,
              f"a bad --discovery.dns URL is refused (exit {r.returncode}: {r.stderr.strip()[-120:]})")
        # --nodiscover: no DNS discovery either
        c = Ethc(ethc, os.path.join(tmp, "b"), ["--nodiscover", "--discovery.dns", urls, "--discovery.dns.server",
                                                f"127.0.0.1:{server.port}"])
        time.sleep(1.5)
        check("dnsdisc" not in c.log(), "--nodiscover: no DNS discovery")
        c.stop()
    finally:
        for n in (b, a):
            if n:
                n.stop()
        if server:
            server.close()
    print(f"p2p_dns: {time.time() - t0:.1f} s")
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    print(f"{len(failures)} failed" if failures else "all passed")
    sys.exit(1 if failures else 0)
