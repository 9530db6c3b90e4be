// ChainSafe's @lodestar/light-client (1.28.1) syncing from a beacon node's light-client
// REST API, the reference the ethc beacon light client is checked against
// (tests/system/beacon_lodestar.py). It does what `ethc beacon sync` does: the bootstrap
// for CHECKPOINT (checked against the root), the sync-committee updates from the
// bootstrap's period to the current one, then the finality and the optimistic update,
// each validated and processed by lodestar's spec code with the mainnet config.
//
// The clock is lodestar's own (slot from genesis time and wall time) set to AT, the
// time the recorded data were current, as `ethc beacon sync --at AT` does: recorded
// updates are otherwise too old for the current sync committee period. The driving is
// explicit (sync, then one finality and one optimistic update) rather than start()'s
// endless loop with an event stream the mock does not serve.
//
// usage: node lodestar_lc.mjs URL CHECKPOINT AT
// prints one JSON line {"finalized": HEAD, "optimistic": HEAD}, HEAD = {slot,
// beacon_root, block_number, block_hash, state_root} as `ethc beacon sync --json` does;
// exit 1 (message on stderr) when lodestar refuses the data. Also prints on stderr
// "lodestar_lc: sync N ms" (bootstrap to optimistic head, without node's start-up and
// the module loading).
import { getClient } from "@lodestar/api";
import { createChainForkConfig } from "@lodestar/config";
import { genesisData, networksChainConfig } from "@lodestar/config/networks";
import { Lightclient } from "@lodestar/light-client";
import { LightClientRestTransport } from "@lodestar/light-client/transport";
import { EPOCHS_PER_SYNC_COMMITTEE_PERIOD, SLOTS_PER_EPOCH } from "@lodestar/params";
import { ssz } from "@lodestar/types";

const MAX_CLOCK_DISPARITY_SEC = 10; // lodestar's own tolerance (lib/index.js)

function usage(msg) {
  process.stderr.write(`lodestar_lc: ${msg}\nusage: node lodestar_lc.mjs URL CHECKPOINT AT\n`);
  process.exit(2);
}

const [url, checkpoint, atArg] = process.argv.slice(2);
if (!url || !/^0x[0-9a-fA-F]{64}$/.test(checkpoint || "") || !/^\d+$/.test(atArg || "")) {
  usage("need a URL, a 0x-hex checkpoint root and a unix time");
}
const at = Number(atArg);

const toHex = (bytes) => "0x" + Buffer.from(bytes).toString("hex");
const { genesisTime, genesisValidatorsRoot } = genesisData.mainnet;
const config = createChainForkConfig(networksChainConfig.mainnet);
const slotAt = (t) => Math.floor((t - genesisTime) / config.SECONDS_PER_SLOT);
const periodOf = (slot) => Math.floor(Math.floor(slot / SLOTS_PER_EPOCH) / EPOCHS_PER_SYNC_COMMITTEE_PERIOD);

function head(header) {
  return {
    slot: header.beacon.slot,
    beacon_root: toHex(ssz.phase0.BeaconBlockHeader.hashTreeRoot(header.beacon)),
    block_number: Number(header.execution.blockNumber),
    block_hash: toHex(header.execution.blockHash),
    state_root: toHex(header.execution.stateRoot),
  };
}

// lodestar's log lines go to stderr: stdout carries the JSON only
const logger = { error: console.error, warn: console.error, info: console.error, debug: () => {} };

try {
  const t0 = performance.now();
  const api = getClient({ baseUrl: url }, { config });
  const transport = new LightClientRestTransport(api);
  const lc = await Lightclient.initializeFromCheckpointRoot({
    config,
    logger,
    transport,
    genesisData: { genesisTime, genesisValidatorsRoot },
    checkpointRoot: Buffer.from(checkpoint.slice(2), "hex"),
  });
  // the clock at AT, with lodestar's tolerance for updates from slightly in the future
  lc.currentSlotWithTolerance = () => slotAt(at + MAX_CLOCK_DISPARITY_SEC);

  // sync() processes the updates through processSyncCommitteeUpdate and throws on the
  // first one lodestar refuses
  await lc.sync(periodOf(lc.getFinalized().beacon.slot), periodOf(slotAt(at)));
  const finality = await transport.getFinalityUpdate();
  lc.processFinalizedUpdate(finality.data);
  const optimistic = await transport.getOptimisticUpdate();
  lc.processOptimisticUpdate(optimistic.data);

  process.stderr.write(`lodestar_lc: sync ${(performance.now() - t0).toFixed(0)} ms\n`);
  process.stdout.write(JSON.stringify({ finalized: head(lc.getFinalized()), optimistic: head(lc.getHead()) }) + "\n");
  process.exit(0);
} catch (e) {
  process.stderr.write(`lodestar_lc: ${e?.stack || e}\n`);
  process.exit(1);
}
