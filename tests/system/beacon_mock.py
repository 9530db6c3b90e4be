"""A mock beacon node for the light-client tests: serves recorded light-client data
(a directory such as ../shared/light-client/mainnet/deneb: bootstrap.json,
updates.json, finality_update.json, optimistic_update.json, checkpoint.json) on
the four endpoints of the beacon REST API, as a beacon node does:

  GET /eth/v1/beacon/light_client/bootstrap/{block_root}   (404 unless the checkpoint)
  GET /eth/v1/beacon/light_client/updates?start_period=P&count=N
      (the recorded updates whose attested header lies in periods P..P+N-1)
  GET /eth/v1/beacon/light_client/finality_update
  GET /eth/v1/beacon/light_client/optimistic_update

JSON, with the Eth-Consensus-Version header; with ssz=True, SSZ to a client
whose Accept header names application/octet-stream (updates as chunks of an
8-byte little-endian length of what follows, the 4-byte fork digest from
`fork_digests`, and the SSZ update). Tampering, each changing the
data served by the chosen endpoints (`targets`, default the finality update):
flip_signature flips one bit of the sync aggregate's signature, flip_participation
one bit of its participation bits, flip_execution one byte of an execution
payload header (the finalized header's where there is one, else the attested
header's). `status` maps an endpoint name to an HTTP status to answer instead,
`garbage` names endpoints that answer with a body that is not JSON, and
any_root serves the bootstrap for every block root (to test that the client
checks it against its checkpoint), `version` maps an endpoint name to a fork
name to claim instead of the recorded one, and no_updates answers every
updates request with an empty list (a server withholding the committee
handover).

Used in-process (BeaconMock(...).start() serves on a free port of 127.0.0.1 from
a thread; .url, .requests, .stop()) or standalone:
  python3 beacon_mock.py DATA_DIR [--port N] [--flip-signature] [--flip-participation]
                                  [--flip-execution] [--targets finality,optimistic,updates,bootstrap]
which prints its URL on the first line and serves until SIGTERM or SIGINT."""
import argparse
import copy
import http.server
import json
import os
import re
import signal
import sys
import threading
import urllib.parse

SLOTS_PER_PERIOD = 32 * 256  # mainnet: SLOTS_PER_EPOCH * EPOCHS_PER_SYNC_COMMITTEE_PERIOD
MAX_REQUEST_LIGHT_CLIENT_UPDATES = 128
PREFIX = "/eth/v1/beacon/light_client/"
ENDPOINTS = ("bootstrap", "updates", "finality_update", "optimistic_update")


# ---- SSZ (consensus-specs ssz/simple-serialize.md) of the light-client containers,
# for a client that asks for application/octet-stream. Capella and later shapes;
# branch depths follow the JSON (Electra's are one longer).

def _b(hexstr):
    return bytes.fromhex(hexstr[2:])


def _u64(v):
    return int(v).to_bytes(8, "little")


def _container(fields):
    """fields: (is_variable, bytes) in order -> the container's SSZ."""
    fixed_len = sum(4 if var else len(b) for var, b in fields)
    head, tail = b"", b""
    for var, b in fields:
        if var:
            head += (fixed_len + len(tail)).to_bytes(4, "little")
            tail += b
        else:
            head += b
    return head + tail


def _exec_header(e, fork):
    fields = [(False, _b(e["parent_hash"])), (False, _b(e["fee_recipient"])), (False, _b(e["state_root"])),
              (False, _b(e["receipts_root"])), (False, _b(e["logs_bloom"])), (False, _b(e["prev_randao"])),
              (False, _u64(e["block_number"])), (False, _u64(e["gas_limit"])), (False, _u64(e["gas_used"])),
              (False, _u64(e["timestamp"])), (True, _b(e["extra_data"])),
              (False, int(e["base_fee_per_gas"]).to_bytes(32, "little")), (False, _b(e["block_hash"])),
              (False, _b(e["transactions_root"])), (False, _b(e["withdrawals_root"]))]
    if fork not in ("capella",):
        fields += [(False, _u64(e["blob_gas_used"])), (False, _u64(e["excess_blob_gas"]))]
    return _container(fields)


def _lc_header(h, fork):
    b = h["beacon"]
    beacon = (_u64(b["slot"]) + _u64(b["proposer_index"]) + _b(b["parent_root"]) + _b(b["state_root"]) +
              _b(b["body_root"]))
    return _container([(False, beacon), (True, _exec_header(h["execution"], fork)),
                       (False, b"".join(_b(x) for x in h["execution_branch"]))])


def _committee(c):
    return b"".join(_b(k) for k in c["pubkeys"]) + _b(c["aggregate_pubkey"])


def _branch(br):
    return b"".join(_b(x) for x in br)


def _aggregate(a):
    return _b(a["sync_committee_bits"]) + _b(a["sync_committee_signature"])


def ssz_encode(endpoint, doc):
    """The SSZ of one {"version", "data"} document of `endpoint`."""
    fork, d = doc["version"], doc["data"]
    if endpoint == "bootstrap":
        return _container([(True, _lc_header(d["header"], fork)), (False, _committee(d["current_sync_committee"])),
                           (False, _branch(d["current_sync_committee_branch"]))])
    if endpoint == "updates":
        return _container([(True, _lc_header(d["attested_header"], fork)),
                           (False, _committee(d["next_sync_committee"])),
                           (False, _branch(d["next_sync_committee_branch"])),
                           (True, _lc_header(d["finalized_header"], fork)), (False, _branch(d["finality_branch"])),
                           (False, _aggregate(d["sync_aggregate"])), (False, _u64(d["signature_slot"]))])
    if endpoint == "finality_update":
        return _container([(True, _lc_header(d["attested_header"], fork)),
                           (True, _lc_header(d["finalized_header"], fork)), (False, _branch(d["finality_branch"])),
                           (False, _aggregate(d["sync_aggregate"])), (False, _u64(d["signature_slot"]))])
    return _container([(True, _lc_header(d["attested_header"], fork)), (False, _aggregate(d["sync_aggregate"])),
                       (False, _u64(d["signature_slot"]))])


def _flip_hex(value, byte_index, mask):
    """The 0x-hex string `value` with byte `byte_index` (negative: from the end)
    XORed with mask."""
    raw = bytearray(bytes.fromhex(value[2:]))
    raw[byte_index] ^= mask
    return "0x" + raw.hex()


def tamper(data, flip_signature=False, flip_participation=False, flip_execution=False):
    """The `data` object of a light-client response with the chosen changes."""
    d = copy.deepcopy(data)
    agg = d.get("sync_aggregate")
    if flip_signature and agg:
        agg["sync_committee_signature"] = _flip_hex(agg["sync_committee_signature"], -1, 0x01)
    if flip_participation and agg:
        agg["sync_committee_bits"] = _flip_hex(agg["sync_committee_bits"], 0, 0x01)
    if flip_execution:
        header = d.get("finalized_header") or d.get("attested_header") or d.get("header")
        if header and "execution" in header:
            header["execution"]["block_hash"] = _flip_hex(header["execution"]["block_hash"], 0, 0xFF)
    return d


class BeaconMock:
    def __init__(self, data_dir, flip_signature=False, flip_participation=False, flip_execution=False,
                 targets=("finality_update",), status=None, garbage=(), any_root=False, version=None,
                 no_updates=False, port=0, ssz=False, fork_digests=None):
        def load(name):
            with open(os.path.join(data_dir, name)) as f:
                return json.load(f)

        self.checkpoint = load("checkpoint.json")["checkpoint"].lower()
        self.flips = dict(flip_signature=flip_signature, flip_participation=flip_participation,
                          flip_execution=flip_execution)
        self.targets = set(targets)
        self.status = dict(status or {})
        self.garbage = set(garbage)
        self.any_root = any_root
        self.version = dict(version or {})
        self.no_updates = no_updates
        # ssz: answer SSZ to a client whose Accept header names application/octet-stream
        # (updates: chunks of length, fork digest from fork_digests[version], SSZ)
        self.ssz = ssz
        self.fork_digests = dict(fork_digests or {})
        self.requests = []  # (path with query, Accept header) of every GET, in order
        self.docs = {
            "bootstrap": self._maybe_tamper("bootstrap", load("bootstrap.json")),
            "updates": [self._maybe_tamper("updates", u) for u in load("updates.json")],
            "finality_update": self._maybe_tamper("finality_update", load("finality_update.json")),
            "optimistic_update": self._maybe_tamper("optimistic_update", load("optimistic_update.json")),
        }
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = None

    def _maybe_tamper(self, endpoint, doc):
        version = self.version.get(endpoint, doc["version"])
        if endpoint not in self.targets or not any(self.flips.values()):
            return {"version": version, "data": doc["data"]}
        return {"version": version, "data": tamper(doc["data"], **self.flips)}

    def _updates(self, query):
        try:
            start = int(query["start_period"][0])
            count = int(query["count"][0])
            if start < 0 or count < 0:
                raise ValueError
        except (KeyError, ValueError, IndexError):
            return 400, {"code": 400, "message": "Invalid query: start_period and count must be unsigned integers"}
        count = min(count, MAX_REQUEST_LIGHT_CLIENT_UPDATES)
        out = []
        if self.no_updates:
            return 200, out
        for u in self.docs["updates"]:
            period = int(u["data"]["attested_header"]["beacon"]["slot"]) // SLOTS_PER_PERIOD
            if start <= period < start + count:
                out.append(u)
        return 200, out

    def _route(self, path):
        """(endpoint name or None, status, JSON document, consensus version)."""
        url = urllib.parse.urlsplit(path)
        if not url.path.startswith(PREFIX):
            return None, 404, {"code": 404, "message": "Not found"}, None
        rest = url.path[len(PREFIX):]
        m = re.fullmatch(r"bootstrap/(0x[0-9a-fA-F]{64})", rest)
        if m:
            if m.group(1).lower() != self.checkpoint and not self.any_root:
                return "bootstrap", 404, {"code": 404, "message": "LC bootstrap unavailable"}, None
            doc = self.docs["bootstrap"]
            return "bootstrap", 200, doc, doc["version"]
        if rest.startswith("bootstrap/"):
            return "bootstrap", 400, {"code": 400, "message": "Invalid block root"}, None
        if rest == "updates":
            status, doc = self._updates(urllib.parse.parse_qs(url.query))
            version = doc[0]["version"] if status == 200 and doc else None
            return "updates", status, doc, version
        if rest in ("finality_update", "optimistic_update"):
            doc = self.docs[rest]
            return rest, 200, doc, doc["version"]
        return None, 404, {"code": 404, "message": "Not found"}, None

    def _handler(self):
        mock = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

            def do_GET(self):
                mock.requests.append((self.path, self.headers.get("Accept", "")))
                endpoint, status, doc, version = mock._route(self.path)
                body = json.dumps(doc).encode()
                ctype = "application/json"
                wants_ssz = "application/octet-stream" in self.headers.get("Accept", "")
                if mock.ssz and wants_ssz and status == 200 and endpoint not in mock.status and \
                        endpoint not in mock.garbage:
                    ctype = "application/octet-stream"
                    if endpoint == "updates":
                        body = b""
                        for u in doc:
                            chunk = bytes.fromhex(mock.fork_digests[u["version"]]) + ssz_encode("updates", u)
                            body += len(chunk).to_bytes(8, "little") + chunk
                    else:
                        body = ssz_encode(endpoint, doc)
                if endpoint in mock.status:
                    status = mock.status[endpoint]
                    body = json.dumps({"code": status, "message": "mock failure"}).encode()
                elif endpoint in mock.garbage:
                    body = b"<html>not json</html>"
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if version and status == 200:
                    self.send_header("Eth-Consensus-Version", version)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def start(self):
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    ap = argparse.ArgumentParser(description="serve recorded light-client data as a beacon node's REST API")
    ap.add_argument("data_dir")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--flip-signature", action="store_true")
    ap.add_argument("--flip-participation", action="store_true")
    ap.add_argument("--flip-execution", action="store_true")
    ap.add_argument("--targets", default="finality_update",
                    help="comma-separated endpoints whose data is tampered: " + ",".join(ENDPOINTS))
    a = ap.parse_args()
    targets = [t for t in a.targets.split(",") if t]
    for t in targets:
        if t not in ENDPOINTS:
            ap.error("unknown target %r (one of %s)" % (t, ", ".join(ENDPOINTS)))
    mock = BeaconMock(a.data_dir, a.flip_signature, a.flip_participation, a.flip_execution, targets, port=a.port)
    print(mock.url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        mock.server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    mock.server.server_close()


if __name__ == "__main__":
    main()
