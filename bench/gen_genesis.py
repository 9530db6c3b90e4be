#!/usr/bin/env python3
"""Write a large geth-style genesis.json for database benchmarks (issue 11).

usage: bench/gen_genesis.py N OUT.json [--storage K] [--seed S]

N accounts with deterministic pseudo-random addresses (the first 20 bytes of
SHA-256(seed || index)) and balances (below 2^80 wei). Every 1000th account
(index 0, 1000, 2000, ...) is a contract: nonce 1, one of a few small runtime
codes, and K storage slots (default 4) with pseudo-random keys and values.
The same N, K and S always give the same file. The output is streamed, one
account at a time, so 1,000,000 accounts take a few seconds and little memory
(duplicate addresses are not checked for; with 160-bit hashes there are none).
OUT.json may be - for stdout. Standard library only.
"""
import argparse
import hashlib
import sys

# Fork schedule of ../shared/chains/ethtest/genesis.json: everything through
# Shanghai at genesis, Cancun and Prague later by time.
HEADER = """{
  "config": {
    "chainId": 1337,
    "homesteadBlock": 0,
    "eip150Block": 0,
    "eip155Block": 0,
    "eip158Block": 0,
    "byzantiumBlock": 0,
    "constantinopleBlock": 0,
    "petersburgBlock": 0,
    "istanbulBlock": 0,
    "muirGlacierBlock": 0,
    "berlinBlock": 0,
    "londonBlock": 0,
    "arrowGlacierBlock": 0,
    "grayGlacierBlock": 0,
    "mergeNetsplitBlock": 0,
    "shanghaiTime": 0,
    "cancunTime": 60,
    "pragueTime": 120,
    "terminalTotalDifficulty": 131072,
    "depositContractAddress": "0x0000000000000000000000000000000000000000",
    "ethash": {},
    "blobSchedule": {
      "cancun": {"target": 3, "max": 6, "baseFeeUpdateFraction": 3338477},
      "prague": {"target": 6, "max": 9, "baseFeeUpdateFraction": 5007716}
    }
  },
  "nonce": "0x0",
  "timestamp": "0x0",
  "extraData": "0x%s",
  "gasLimit": "0x1c9c380",
  "difficulty": "0x20000",
  "mixHash": "0x0000000000000000000000000000000000000000000000000000000000000000",
  "coinbase": "0x0000000000000000000000000000000000000000",
  "number": "0x0",
  "gasUsed": "0x0",
  "parentHash": "0x0000000000000000000000000000000000000000000000000000000000000000",
  "alloc": {
"""

# Small runtime codes: return storage slot 0; store calldata word 0 at slot 1;
# a counter (slot 0 += 1); and echo the caller.
CODES = [
    "0x5f545f5260205ff3",
    "0x5f3560015500",
    "0x5f546001015f5500",
    "0x335f5260205ff3",
]

CONTRACT_EVERY = 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, metavar="N", help="number of accounts")
    ap.add_argument("out", metavar="OUT.json", help="output file (- for stdout)")
    ap.add_argument("--storage", type=int, default=4, metavar="K",
                    help="storage slots of every 1000th account (default 4)")
    ap.add_argument("--seed", type=int, default=0, metavar="S",
                    help="pseudo-random seed (default 0)")
    a = ap.parse_args()
    if a.n < 0 or a.storage < 0:
        ap.error("N and K must not be negative")

    out = sys.stdout if a.out == "-" else open(a.out, "w", encoding="ascii",
                                                buffering=1 << 20)
    seed = a.seed.to_bytes(8, "big", signed=True)
    sha = hashlib.sha256
    w = out.write
    w(HEADER % ("gen_genesis n=%d k=%d s=%d" % (a.n, a.storage, a.seed)).encode().hex())
    for i in range(a.n):
        h = sha(seed + i.to_bytes(8, "big")).digest()
        addr = h[:20].hex()
        # balance: 10 bytes of the hash, at least 1 wei so no account is empty
        bal = int.from_bytes(h[20:30], "big") | 1
        sep = ",\n" if i + 1 < a.n else "\n"
        if i % CONTRACT_EVERY:
            w('    "%s": {"balance": "%s"}%s' % (addr, hex(bal), sep))
            continue
        slots = []
        for j in range(a.storage):
            s = sha(b"slot" + seed + i.to_bytes(8, "big") + j.to_bytes(4, "big")).digest()
            # nonzero value (a zero value would not be stored)
            v = s[16:] if any(s[16:]) else b"\x01"
            slots.append('"0x%s": "0x%s"' % (s.hex(), v.rjust(32, b"\0").hex()))
        w('    "%s": {"balance": "%s", "nonce": "0x1", "code": "%s", "storage": {%s}}%s'
          % (addr, hex(bal), CODES[(i // CONTRACT_EVERY) % len(CODES)],
             ", ".join(slots), sep))
    w("  }\n}\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
