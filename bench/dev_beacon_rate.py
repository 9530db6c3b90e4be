#!/usr/bin/env python3
"""The cost of `ethc node --dev --dev.beacon` (test-only beacon side) on the dev
chain: blocks per second of anvil_mine without it, with it idle (the beacon side
works only when asked: no cost), and with a light client polling
/light_client/optimistic_update as fast as it answers (each answer catches up
with the new blocks and signs the head); the first request after N blocks (the
beacon headers of N blocks made at once); and the latency of one optimistic update
for a new head (catch-up of one block plus one signature). Not run by ctest.
usage: dev_beacon_rate.py ETHC WORKDIR [BLOCKS]"""
import os
import shutil
import statistics
import sys
import threading
import time
import urllib.request

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "system"))
import dev_beacon  # noqa: E402


def rate(node, blocks, batch=100):
    t0 = time.perf_counter()
    for _ in range(blocks // batch):
        node.call("anvil_mine", hex(batch))
    return blocks / (time.perf_counter() - t0)


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read()


def main():
    ethc, workdir = sys.argv[1], sys.argv[2]
    blocks = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    os.makedirs(workdir, exist_ok=True)
    node = dev_beacon.DevNode(ethc, workdir, beacon=False)
    try:
        rate(node, 200)  # warm-up
        r_off = rate(node, blocks)
    finally:
        node.stop()
        shutil.rmtree(node.tmp, ignore_errors=True)
    node = dev_beacon.DevNode(ethc, workdir)
    try:
        opt = node.beacon + "/eth/v1/beacon/light_client/optimistic_update"
        rate(node, 200)
        fetch(opt)
        r_idle = rate(node, blocks)
        t0 = time.perf_counter()
        fetch(opt)
        first = time.perf_counter() - t0
        stop = threading.Event()
        polls = [0]

        def poll():
            while not stop.is_set():
                fetch(opt)
                polls[0] += 1

        th = threading.Thread(target=poll)
        th.start()
        r_polled = rate(node, blocks)
        stop.set()
        th.join()
        lat = []
        for _ in range(50):
            node.call("evm_mine")
            t0 = time.perf_counter()
            fetch(opt)
            lat.append((time.perf_counter() - t0) * 1000)
    finally:
        node.stop()
        shutil.rmtree(node.tmp, ignore_errors=True)
    print("without --dev.beacon:        %.0f blocks/s (anvil_mine, %d blocks)" % (r_off, blocks))
    print("with --dev.beacon, idle:     %.0f blocks/s (anvil_mine, %d blocks)" % (r_idle, blocks))
    print("first optimistic_update after %d blocks: %.3f s (%.1f us per block)" % (blocks, first, first / blocks * 1e6))
    print("with a client polling optimistic_update: %.0f blocks/s (%d polls answered)" % (r_polled, polls[0]))
    print("optimistic_update for a new head (1 block, 1 signature): p50 %.2f ms, max %.2f ms" %
          (statistics.median(lat), max(lat)))


if __name__ == "__main__":
    main()
