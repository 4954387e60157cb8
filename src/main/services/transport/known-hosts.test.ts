import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HostTrustStore } from './host-trust-store'
import {
  checkHostKey,
  fingerprintOf,
  hashHostName,
  keyTypeOf,
  matchesHostPatterns,
  parseKnownHosts
} from './known-hosts'

let dir: string
const keys: { type: string; blob: Buffer; line: string; file: string }[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-known-hosts-'))
  for (const [i, type] of ['ed25519', 'ecdsa', 'rsa', 'ed25519'].entries()) {
    const file = join(dir, `key${i}`)
    const args = ['-q', '-t', type, '-N', '', '-f', file, ...(type === 'rsa' ? ['-b', '2048'] : [])]
    expect(spawnSync('ssh-keygen', args).status).toBe(0)
    const line = (await readFile(`${file}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ')
    keys.push({
      type: line.split(' ')[0],
      blob: Buffer.from(line.split(' ')[1], 'base64'),
      line,
      file
    })
  }
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('known_hosts', () => {
  it('computes the same SHA256 fingerprints as ssh-keygen -lf', () => {
    for (const k of keys) {
      const lf = spawnSync('ssh-keygen', ['-lf', `${k.file}.pub`], { encoding: 'utf8' })
      expect(fingerprintOf(k.blob)).toBe(lf.stdout.split(' ')[1])
      expect(keyTypeOf(k.blob)).toBe(k.type)
    }
  })

  it('matches plain, [host]:port, comma lists, wildcards and negation', () => {
    expect(matchesHostPatterns('web1,10.0.0.5', 'web1')).toBe(true)
    expect(matchesHostPatterns('web1,10.0.0.5', '10.0.0.5')).toBe(true)
    expect(matchesHostPatterns('web1', '[web1]:2222')).toBe(false)
    expect(matchesHostPatterns('[web1]:2222', '[web1]:2222')).toBe(true)
    expect(matchesHostPatterns('*.example.com,!bad.example.com', 'a.example.com')).toBe(true)
    expect(matchesHostPatterns('*.example.com,!bad.example.com', 'bad.example.com')).toBe(false)
    expect(matchesHostPatterns('web?', 'web7')).toBe(true)
    expect(matchesHostPatterns('web?', 'web77')).toBe(false)
    expect(matchesHostPatterns('WEB1', 'web1')).toBe(true)
    expect(matchesHostPatterns('web.1', 'webx1')).toBe(false)
  })

  it('agrees with ssh-keygen -F on hashed entries written by ssh-keygen -H', async () => {
    const file = join(dir, 'hashed')
    const names = ['[127.0.0.11]:2201', 'db.internal', '[::1]:22022']
    await writeFile(file, names.map((n, i) => `${n} ${keys[i].line}\n`).join(''))
    expect(spawnSync('ssh-keygen', ['-q', '-H', '-f', file]).status).toBe(0)
    const entries = parseKnownHosts(await readFile(file, 'utf8'))
    expect(entries.every((e) => e.patterns.startsWith('|1|'))).toBe(true)
    for (const [i, name] of [...names, 'other', '[127.0.0.11]:2202'].entries()) {
      const found = spawnSync('ssh-keygen', ['-F', name, '-f', file], { encoding: 'utf8' })
      const ours = entries.filter((e) => matchesHostPatterns(e.patterns, name))
      expect(ours.length > 0).toBe(found.status === 0)
      if (i < names.length) expect(ours[0].key.equals(keys[i].blob)).toBe(true)
    }
    const salt = randomBytes(20)
    expect(matchesHostPatterns(hashHostName('web1', salt), 'web1')).toBe(true)
    expect(matchesHostPatterns(hashHostName('web1', salt), 'web2')).toBe(false)
  })

  it('tells trusted, unknown, changed and revoked apart; never trusts a @cert-authority key', () => {
    const [ed, ecdsa, rsa, ed2] = keys
    const text = [
      '# a comment',
      '',
      `web1 ${ed.line} comment words`,
      `[web1]:2222 ${ecdsa.line}`,
      `@cert-authority *.example.com ${rsa.line}`,
      `@revoked * ${ed2.line}`,
      'garbage line',
      `web3 ssh-ed25519 not*base64`
    ].join('\n')
    const entries = parseKnownHosts(text, 'kh')
    // The CA line is read (host matching agrees with OpenSSH) but its key is no host key.
    expect(entries.map((e) => e.marker)).toEqual([null, null, 'cert-authority', 'revoked'])
    expect(checkHostKey(entries, 'web1', 22, ed.blob)).toEqual({ kind: 'trusted', source: 'kh:3' })
    expect(checkHostKey(entries, 'web1', 2222, ecdsa.blob).kind).toBe('trusted')
    expect(checkHostKey(entries, 'web1', 2222, ed.blob)).toEqual({
      kind: 'unknown',
      otherTypes: ['ecdsa-sha2-nistp256']
    })
    expect(checkHostKey(entries, 'web2', 22, ed.blob)).toEqual({ kind: 'unknown', otherTypes: [] })
    expect(checkHostKey(entries, 'a.example.com', 22, rsa.blob).kind).toBe('unknown')
    expect(checkHostKey(entries, 'web1', 22, ed2.blob)).toEqual({ kind: 'revoked', source: 'kh:6' })
    const changed = checkHostKey(parseKnownHosts(`web1 ${ed.line}`), 'web1', 22, ed2.blob)
    expect(changed).toMatchObject({ kind: 'changed', knownFingerprints: [fingerprintOf(ed.blob)] })
  })

  it('trust() writes one replaceable line per host and type, and verify() answers with details', async () => {
    const [ed, , , ed2] = keys
    const store = new HostTrustStore({
      knownHostsFiles: [],
      trustedFile: join(dir, 'sub', 'trusted')
    })
    await expect(store.verify('10.1.1.1', 2200, ed.blob)).rejects.toMatchObject({
      code: 'host-key-unknown',
      details: { host: '10.1.1.1', port: 2200, fingerprint: fingerprintOf(ed.blob) }
    })
    await store.trust('10.1.1.1', 2200, 'ssh-ed25519', ed.blob.toString('base64'))
    await store.verify('10.1.1.1', 2200, ed.blob)
    await expect(store.verify('10.1.1.1', 2200, ed2.blob)).rejects.toMatchObject({
      code: 'host-key-changed'
    })
    await store.trust('10.1.1.1', 2200, 'ssh-ed25519', ed2.blob.toString('base64'))
    await store.verify('10.1.1.1', 2200, ed2.blob)
    expect(await readFile(join(dir, 'sub', 'trusted'), 'utf8')).toBe(
      `[10.1.1.1]:2200 ssh-ed25519 ${ed2.blob.toString('base64')}\n`
    )
    await expect(
      store.trust('x y', 22, 'ssh-ed25519', ed.blob.toString('base64'))
    ).rejects.toMatchObject({
      code: 'bad-request'
    })
    await expect(store.trust('h', 22, 'ssh-rsa', ed.blob.toString('base64'))).rejects.toMatchObject(
      {
        code: 'bad-request'
      }
    )
  })
})
