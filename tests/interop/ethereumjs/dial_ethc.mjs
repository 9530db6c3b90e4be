// Dials ENODE with @ethereumjs/devp2p's RLPx (EIP-8 auth, eth/68 offered) and
// prints the Hello it gets and the Disconnect reason that ends the connection.
// usage: node dial_ethc.mjs ENODE   (tests/system/p2p_hello.py runs it)
import { randomBytes } from 'node:crypto'
import { Common, Mainnet } from '@ethereumjs/common'
import { ETH, RLPx } from '@ethereumjs/devp2p'

const m = /^enode:\/\/([0-9a-f]{128})@([\d.]+):(\d+)/.exec(process.argv[2] ?? '')
if (!m) {
  console.log('usage: node dial_ethc.mjs ENODE')
  process.exit(2)
}
const id = Uint8Array.from(Buffer.from(m[1], 'hex'))
const rlpx = new RLPx(randomBytes(32), {
  maxPeers: 1,
  capabilities: [ETH.eth68],
  common: new Common({ chain: Mainnet }),
  clientId: new TextEncoder().encode('ethereumjs-devp2p/dial_ethc'),
})
rlpx.events.on('peer:added', (peer) => {
  const h = peer.getHelloMessage()
  const caps = h.capabilities.map((c) => `${c.name}/${c.version}`).join(',')
  console.log(`hello: client="${h.clientId}" p2p=${h.protocolVersion} caps=${caps} port=${h.port}`)
})
rlpx.events.on('peer:removed', (peer, reason, disconnectWe) => {
  console.log(`removed: reason=${reason} by=${disconnectWe ? 'us' : 'peer'}`)
  rlpx.destroy()
  process.exit(0)
})
rlpx.events.on('peer:error', (peer, err) => console.log(`error: ${err.message}`))
rlpx.connect({ id, address: m[2], tcpPort: Number(m[3]) }).catch((err) => {
  console.log(`connect failed: ${err.message}`)
  process.exit(1)
})
setTimeout(() => {
  console.log('timeout')
  process.exit(1)
}, 20000)
