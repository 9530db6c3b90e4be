// ChainSafe's @lodestar/light-client (1.28.1) following the dev chain's test-only beacon
// side (`ethc node --dev --dev.beacon`, src/node/dev/dev_beacon.h), the cross-check of
// tests/system/dev_beacon.py: lodestar with the "dev" network's config (lc_config.c:
// mainnet preset, fork versions XX 00 de 70, every fork from epoch 0, genesis time 0,
// one-second slots, genesis validators root sha256("ethc dev beacon genesis validators
// root")) syncs from CHECKPOINT as lodestar_lc.mjs does: the bootstrap, the updates
// from its period to the current one, then one finality and one optimistic update,
// with lodestar's clock the wall clock.
//
// usage: node lodestar_dev_lc.mjs URL CHECKPOINT
// prints one JSON line {"finalized": HEAD, "optimistic": HEAD} as `ethc beacon sync
// --json` does; exit 1 (message on stderr) when lodestar refuses the data.
import { createHash } from "node:crypto";
import { getClient } from "@lodestar/api";
import { createChainForkConfig } from "@lodestar/config";
import { networksChainConfig } from "@lodestar/config/networks";
import { Lightclient } from "@lodestar/light-client";
import { LightClientRestTransport } from "@lodestar/light-client/transport";
import { EPOCHS_PER_SYNC_COMMITTEE_PERIOD, SLOTS_PER_EPOCH } from "@lodestar/params";
import { ssz } from "@lodestar/types";

const MAX_CLOCK_DISPARITY_SEC = 10;
const [url, checkpoint] = process.argv.slice(2);
if (!url || !/^0x[0-9a-fA-F]{64}$/.test(checkpoint || "")) {
  process.stderr.write("usage: node lodestar_dev_lc.mjs URL CHECKPOINT\n");
  process.exit(2);
}

const toHex = (bytes) => "0x" + Buffer.from(bytes).toString("hex");
const version = (n) => Uint8Array.from([n, 0x00, 0xde, 0x70]);
const genesisTime = 0;
const genesisValidatorsRoot = createHash("sha256").update("ethc dev beacon genesis validators root").digest();
const config = createChainForkConfig({
  ...networksChainConfig.mainnet,
  CONFIG_NAME: "dev",
  SECONDS_PER_SLOT: 1,
  GENESIS_FORK_VERSION: version(0),
  ALTAIR_FORK_VERSION: version(1),
  ALTAIR_FORK_EPOCH: 0,
  BELLATRIX_FORK_VERSION: version(2),
  BELLATRIX_FORK_EPOCH: 0,
  CAPELLA_FORK_VERSION: version(3),
  CAPELLA_FORK_EPOCH: 0,
  DENEB_FORK_VERSION: version(4),
  DENEB_FORK_EPOCH: 0,
  ELECTRA_FORK_VERSION: version(5),
  ELECTRA_FORK_EPOCH: 0,
  FULU_FORK_VERSION: version(6),
  FULU_FORK_EPOCH: 0,
});
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

const logger = { error: console.error, warn: console.error, info: console.error, debug: () => {} };

try {
  const api = getClient({ baseUrl: url }, { config });
  const transport = new LightClientRestTransport(api);
  const lc = await Lightclient.initializeFromCheckpointRoot({
    config,
    logger,
    transport,
    genesisData: { genesisTime, genesisValidatorsRoot },
    checkpointRoot: Buffer.from(checkpoint.slice(2), "hex"),
  });
  const now = Math.floor(Date.now() / 1000);
  lc.currentSlotWithTolerance = () => slotAt(now + MAX_CLOCK_DISPARITY_SEC);
  await lc.sync(periodOf(lc.getFinalized().beacon.slot), periodOf(slotAt(now)));
  const finality = await transport.getFinalityUpdate();
  lc.processFinalizedUpdate(finality.data);
  const optimistic = await transport.getOptimisticUpdate();
  lc.processOptimisticUpdate(optimistic.data);
  process.stdout.write(JSON.stringify({ finalized: head(lc.getFinalized()), optimistic: head(lc.getHead()) }) + "\n");
  process.exit(0);
} catch (e) {
  process.stderr.write(`lodestar_dev_lc: ${e?.stack || e}\n`);
  process.exit(1);
}
