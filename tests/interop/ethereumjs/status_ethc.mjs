// Dials ENODE with @ethereumjs/devp2p (eth/68) as a node of NETWORK standing at
// its genesis (GENESIS_HASH given: a fact of the network), exchanges Status and
// prints what it got: ethereumjs checks ethc's network id, genesis hash and
// EIP-2124 fork id against its own chain tables, and ethc checks ethereumjs's.
// usage: node status_ethc.mjs ENODE mainnet|sepolia|holesky|hoodi GENESIS_HASH
//   (tests/system/light_status.py runs it)
import { randomBytes } from 'node:crypto'
import { Common, Holesky, Hoodi, Mainnet, Sepolia } from '@ethereumjs/common'
import { ETH, RLPx } from '@ethereumjs/devp2p'
import { bigIntToBytes, bytesToHex, hexToBytes } from '@ethereumjs/util'

const m = /^enode:\/\/([0-9a-f]{128})@([\d.]+):(\d+)/.exec(process.argv[2] ?? '')
const chain = { mainnet: Mainnet, sepolia: Sepolia, holesky: Holesky, hoodi: Hoodi }[process.argv[3]]
const genesis = process.argv[4]
if (!m || !chain || !/^0x[0-9a-f]{64}$/.test(genesis ?? '')) {
  console.log('usage: node status_ethc.mjs ENODE NETWORK GENESIS_HASH')
  process.exit(2)
}
const common = new Common({ chain, hardfork: 'chainstart' })
const difficulty = BigInt(chain.genesis.difficulty)
const rlpx = new RLPx(randomBytes(32), {
  maxPeers: 1,
  capabilities: [ETH.eth68],
  common,
  clientId: new TextEncoder().encode('ethereumjs-devp2p/status_ethc'),
})
rlpx.events.on('peer:added', (peer) => {
  const eth = peer.getProtocols()[0]
  eth.events.on('status', (s) => {
    const [hash, next] = s.forkId
    console.log(`status: network=${BigInt(bytesToHex(s.chainId))} genesis=${bytesToHex(s.genesisHash)} ` +
      `best=${bytesToHex(s.bestHash)} td=${s.td.length ? BigInt(bytesToHex(s.td)) : 0n} ` +
      `forkid=${bytesToHex(hash)}/${next.length ? BigInt(bytesToHex(next)) : 0n}`)
    // stay a moment: a refusal by ethc would come now
    setTimeout(() => {
      console.log('still connected')
      rlpx.destroy()
      process.exit(0)
    }, 1000)
  })
  eth.sendStatus({ td: bigIntToBytes(difficulty), bestHash: hexToBytes(genesis), genesisHash: hexToBytes(genesis) })
})
rlpx.events.on('peer:removed', (peer, reason, disconnectWe) => {
  console.log(`removed: reason=${reason} by=${disconnectWe ? 'us' : 'peer'}`)
  rlpx.destroy()
  process.exit(1)
})
rlpx.events.on('peer:error', (peer, err) => console.log(`error: ${err.message}`))
rlpx.connect({ id: Uint8Array.from(Buffer.from(m[1], 'hex')), address: m[2], tcpPort: Number(m[3]) }).catch((err) => {
  console.log(`connect failed: ${err.message}`)
  process.exit(1)
})
setTimeout(() => {
  console.log('timeout')
  process.exit(1)
}, 20000)
