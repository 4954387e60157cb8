import { describe, expect, it } from 'vitest'
import { contract, effectOf, METHODS } from './contract'
import { needsUser, type ApiError } from './errors'

describe('the contract', () => {
  it('declares for every method whether it reads or changes', () => {
    for (const method of METHODS) expect(['read', 'change']).toContain(effectOf(method))
    const changes = METHODS.filter((m) => contract[m].effect === 'change')
    expect(changes).toContain('deployments.start')
    expect(changes).toContain('hosts.trustKey')
    expect(changes).not.toContain('branches.list')
    expect(effectOf('environments.status')).toBe('read')
  })
})

describe('needsUser', () => {
  const key = {
    host: '10.0.0.5',
    port: 2222,
    keyType: 'ssh-ed25519',
    fingerprint: 'SHA256:abc',
    key: 'AAAA'
  }

  it('reads a host-key question and a passphrase question from typed details', () => {
    expect(needsUser({ code: 'host-key-unknown', message: 'm', details: key })).toEqual({
      kind: 'host-key',
      changed: false,
      details: key,
      message: 'm'
    })
    const changed: ApiError = {
      code: 'host-key-changed',
      message: 'm',
      details: { ...key, source: 'known_hosts', knownFingerprints: ['SHA256:old'], revoked: false }
    }
    expect(needsUser(changed)).toMatchObject({ kind: 'host-key', changed: true })
    const details = { keyFile: '/k', keyFiles: ['/k'], wrong: false }
    expect(needsUser({ code: 'passphrase-required', message: 'm', details })).toEqual({
      kind: 'passphrase',
      details,
      message: 'm'
    })
  })

  it('asks nothing for an ordinary failure', () => {
    expect(needsUser({ code: 'unreachable', message: 'down', details: { host: 'a' } })).toBeNull()
  })
})
