#!/usr/bin/env python3
"""The cost of `ethc node --dev --dev.beacon` (test-only beacon side) on the dev
chain: blocks per second of anvil_mine and the node's CPU time per block without
it, with it idle (the miner asks it for each parent's beacon root, EIP-4788: it
makes each beacon block as the dev block is mined), and with a light client polling
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


def cpu(node):
    """The node process's CPU seconds so far (user + system): steadier than wall
    time on a shared machine."""
    with open("/proc/%d/stat" % node.proc.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU = {}


def rate(node, blocks, batch=100, label=None):
    """Blocks per second of anvil_mine (wall), and the node's CPU per block in CPU[label]."""
    c0 = cpu(node)
    t0 = time.perf_counter()
    for _ in range(blocks // batch):
        node.call("anvil_mine", hex(batch))
    if label:
        CPU[label] = (cpu(node) - c0) / blocks * 1e6
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
        r_off = rate(node, blocks, label='off')
    finally:
        node.stop()
        shutil.rmtree(node.tmp, ignore_errors=True)
    node = dev_beacon.DevNode(ethc, workdir)
    try:
        opt = node.beacon + "/eth/v1/beacon/light_client/optimistic_update"
        rate(node, 200)
        fetch(opt)
        r_idle = rate(node, blocks, label='idle')
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
        r_polled = rate(node, blocks, label='polled')
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
    print("without --dev.beacon:        %.0f blocks/s (anvil_mine, %d blocks), node CPU %.0f us/block" %
          (r_off, blocks, CPU["off"]))
    print("with --dev.beacon, idle:     %.0f blocks/s (anvil_mine, %d blocks), node CPU %.0f us/block" %
          (r_idle, blocks, CPU["idle"]))
    print("first optimistic_update after %d blocks: %.3f s (%.1f us per block)" % (blocks, first, first / blocks * 1e6))
    print("with a client polling optimistic_update: %.0f blocks/s (%d polls answered), node CPU %.0f us/block" %
          (r_polled, polls[0], CPU["polled"]))
    print("optimistic_update for a new head (1 block, 1 signature): p50 %.2f ms, max %.2f ms" %
          (statistics.median(lat), max(lat)))


if __name__ == "__main__":
    main()
