// Preloaded (node --import) into @ethereumjs/client 0.10.5 by
// tests/system/p2p_engine_sync.py, the test where ethereumjs syncs from ethc.
// Two behaviours of that version keep it from syncing this chain at all, or
// make it fail at random, whatever the peer serves; this file changes them and
// nothing else (the messages it sends and checks stay its own):
//
// 1. It asks a peer for the block it guesses the peer's head to be now: the
//    last head it saw plus one block per 12 s of wall-clock time since that
//    head's timestamp (Peer.getPotentialBestHeaderNum). The devp2p test chain
//    is dated 1970 (head #600 at t = 6000 s), so it asks for block ~150,000,000,
//    gets the empty answer any node gives for an unknown block, forgets the
//    head and never starts syncing. Here the guess is the head it last saw (or
//    its sync target), as it would be for a chain whose head is current.
//
// 2. It matches an answer to its request by message code, not by request id
//    (BoundProtocol.request/handle keep one resolver per code), so two
//    GetBlockHeaders in flight on one peer (its sync loop's head check next to
//    its block fetcher, which happens after every forkchoiceUpdated that moves
//    the head) can swap answers: the fetcher then gets the head header instead
//    of the headers it asked for, finds they "don't extend canonical subchain"
//    and bans the peer. Here a peer's requests go out one at a time.
import { Peer } from './node_modules/@ethereumjs/client/dist/esm/src/net/peer/peer.js'
import { BoundProtocol } from './node_modules/@ethereumjs/client/dist/esm/src/net/protocol/boundprotocol.js'

Peer.prototype.getPotentialBestHeaderNum = function () {
  const seen = this.eth?.updatedBestHeader?.number ?? 0n
  const target = this.config.syncTargetHeight ?? 0n
  return seen > target ? seen : target
}

const request = BoundProtocol.prototype.request
BoundProtocol.prototype.request = function (name, args) {
  const next = (this.oneAtATime ?? Promise.resolve()).then(() => request.call(this, name, args))
  this.oneAtATime = next.catch(() => {})
  return next
}
