import { createPublicKey, verify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { EphemeralAgent } from './ephemeral-agent'

// The fan-out's own agent makes a fresh ed25519 key per deployment. ssh2 writes 1 pair in 256
// that it cannot read back (a public key starting with a zero byte loses it); a loaded run
// failed a deployment's preflight with "Malformed OpenSSH private key". 2,000 agents meet such a
// pair with odds of 1 - (255/256)^2000, over 99.9 %.

/** The raw 32-byte ed25519 public key of an authorized_keys line. */
function rawPublic(line: string): Buffer {
  const blob = Buffer.from(line.split(' ')[1] ?? '', 'base64')
  const typeLength = blob.readUInt32BE(0)
  const keyLength = blob.readUInt32BE(4 + typeLength)
  return blob.subarray(8 + typeLength, 8 + typeLength + keyLength)
}

describe('EphemeralAgent', () => {
  it('always makes a whole key pair that signs what its public key verifies', () => {
    const data = Buffer.from('session id and request')
    for (let i = 0; i < 2000; i++) {
      const agent = new EphemeralAgent(`slipway-fanout-${i}`)
      const raw = rawPublic(agent.publicLine)
      expect(raw.length).toBe(32)
      let signature: Buffer | undefined
      agent.getIdentities((err, keys) => {
        expect(err).toBeNull()
        agent.sign(keys?.[0] as never, data, (e, s) => {
          expect(e).toBeNull()
          signature = s
        })
      })
      // The same key, seen by node's crypto from its raw bytes (SPKI DER of ed25519).
      const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw])
      const key = createPublicKey({ key: spki, format: 'der', type: 'spki' })
      expect(verify(null, data, key, signature as Buffer)).toBe(true)
      agent.close()
    }
  })

  it('signs nothing once closed', () => {
    const agent = new EphemeralAgent('slipway-fanout-closed')
    agent.getIdentities((_e, keys) => {
      const key = keys?.[0]
      agent.close()
      agent.getIdentities((_e2, after) => expect(after).toEqual([]))
      agent.sign(key as never, Buffer.from('x'), (e) =>
        expect(e?.message).toBe('this agent holds no such key')
      )
    })
  })
})
