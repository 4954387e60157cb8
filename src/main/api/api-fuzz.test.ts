import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contract, METHODS, type Method } from '../../shared/contract'
import { memorySettingsStore } from '../services/workspace'
import { mutateRequest, randomRequest, randomValue, rng } from '../testing/fuzz'
import { TestRepo } from '../testing/test-repo'
import { createRouter, type Router } from './router'

// Every API method gets generated and mutated requests (seeded: a failure names the seed and
// the request, and replays). None may answer `internal` (a bug): bad input is `bad-request`,
// the rest expected failures. The workspace is untrusted, so nothing it configures runs.
// A request already sent twice to a method is mutated instead of sent again: repeating `{}`
// to a method that reads git teaches nothing and costs a git process each time.
// FUZZ_API_REQUESTS / FUZZ_SEED make the longer run of `npm run bench:fuzz`.
const TOTAL = Number(process.env.FUZZ_API_REQUESTS ?? 3_000)
const SEED = Number(process.env.FUZZ_SEED ?? 12)
const MAX_REPEATS = 2

const PLAUSIBLE: Record<string, unknown[]> = {
  path: ['/', '/nonexistent', '/tmp'],
  name: ['main', 'feature/ORD-1-a', 'no/such', '-x', 'HEAD'],
  branch: ['main', 'feature/ORD-1-a', 'nope'],
  sha: ['0'.repeat(40), 'abc1234', 'HEAD', '--all'],
  kind: ['tip', 'merge', 'other'],
  force: [true, false],
  refresh: [true, false],
  limit: [1, 10, 1000, 0, -1],
  id: ['run-1', '../x', 'd-1'],
  offset: [0, 10, -1, 2 ** 40],
  length: [1, 1024, 2 ** 30],
  paused: [true, false],
  environment: ['staging', 'production', '../x'],
  release: ['latest', '20261126.1204-abc1234', '$(id)'],
  reason: ['because', ''],
  to: ['20261126.1204-abc1234', null],
  commit: ['HEAD', 'main', '0'.repeat(40)],
  keep: [1, 5, 0],
  host: ['127.0.0.1', 'app1.internal', '-oProxyCommand=x'],
  port: [22, 0, 70000],
  keyType: ['ssh-ed25519', 'ssh-rsa', ''],
  key: ['AAAAC3NzaC1lZDI1NTE5AAAAIJ', '!!'],
  keyFile: ['/root/.ssh/id_ed25519', ''],
  passphrase: ['secret', ''],
  fingerprint: ['sha256:00', '']
}

function keysOf(method: Method): string[] {
  const shape = (contract[method].request as unknown as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape) : []
}

describe('API fuzz', () => {
  let repo: TestRepo
  let dataDir: string
  let markers: string
  let router: Router

  beforeAll(async () => {
    // Every command of the workspace would leave a file here.
    markers = mkdtempSync(join(tmpdir(), 'slipway-fuzz-ran-'))
    const touch = (name: string): string => `touch ${join(markers, name)}`
    repo = TestRepo.create({
      files: {
        'slipway.yml': [
          `test: { command: ${touch('test')}, setup: ${touch('setup')} }`,
          `build: { command: ${touch('build')}, artifact: dist }`,
          'environments:',
          '  - name: staging',
          '    hosts: [{ local: .slipway/hosts/s1, port: 4301 }]',
          `    hooks: { afterActivate: ${touch('hook')} }`,
          `    healthCheck: { command: ${touch('health')} }`,
          ''
        ].join('\n')
      },
      prefix: 'slipway-fuzz-'
    })
    repo.commitTo('feature/ORD-1-a', { 'a.txt': 'a\n' })
    dataDir = mkdtempSync(join(tmpdir(), 'slipway-fuzz-data-'))
    router = createRouter({
      host: 'serve',
      version: '0.0.0',
      dataDir,
      settings: memorySettingsStore(),
      log: () => {}
    })
    const opened = await router.openWorkspace(repo.path)
    expect(opened.ok).toBe(true)
    // Folders that are no repository, and the fuzz repository itself (never Slipway's own).
    PLAUSIBLE.path = [...(PLAUSIBLE.path ?? []), dataDir, repo.path]
  }, 120_000)
  afterAll(async () => {
    await router?.dispose()
    repo?.remove()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(markers, { recursive: true, force: true })
  })

  it(`answers ${TOTAL} generated requests over every method without one internal error`, async () => {
    const r = rng(SEED)
    const perMethod = Math.ceil(TOTAL / METHODS.length)
    const counts: Record<string, Record<string, number>> = {}
    const timeMs: Record<string, number> = {}
    const internal: string[] = []
    let sent = 0
    let mutated = 0
    const started = performance.now()
    for (const method of METHODS) {
      const keys = keysOf(method)
      const tally: Record<string, number> = {}
      const seen = new Map<string, number>()
      for (let i = 0; i < perMethod; i++) {
        let request = randomRequest(r, keys, PLAUSIBLE)
        for (let tries = 0; (seen.get(JSON.stringify(request)) ?? 0) >= MAX_REPEATS; tries++) {
          request = tries < 20 ? mutateRequest(r, request) : randomValue(r)
          mutated++
        }
        const text = JSON.stringify(request)
        seen.set(text, (seen.get(text) ?? 0) + 1)
        const t0 = performance.now()
        const result = await router.invoke(method, request)
        timeMs[method] = (timeMs[method] ?? 0) + performance.now() - t0
        sent++
        const code = result.ok ? 'ok' : result.error.code
        tally[code] = (tally[code] ?? 0) + 1
        if (code === 'internal') internal.push(`${method} ${text?.slice(0, 300)}`)
        // Stay on the fuzz workspace (opening another, or the demo, is a valid answer).
        const current = await router.call('workspace.current', {})
        if (!current.ok || current.value?.path !== repo.path) {
          expect((await router.openWorkspace(repo.path)).ok).toBe(true)
        }
      }
      counts[method] = tally
    }
    // Names that are no method at all, and bodies that are not objects.
    for (let i = 0; i < 200; i++) {
      const result = await router.invoke(String(randomValue(r, 0)), randomValue(r))
      sent++
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.code).not.toBe('internal')
    }
    const seconds = (performance.now() - started) / 1000
    const slowest = Object.entries(timeMs)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([m, t]) => `${m} ${(t / 1000).toFixed(1)} s`)
    console.log(
      `api fuzz: seed ${SEED}, ${sent} requests over ${METHODS.length} methods in ${seconds.toFixed(1)} s ` +
        `(${((seconds * 1000) / sent).toFixed(2)} ms/request; ${mutated} repeats mutated); slowest: ${slowest.join(', ')}`
    )
    if (process.env.FUZZ_VERBOSE) console.log(JSON.stringify(counts, null, 1))
    expect(internal.slice(0, 5)).toEqual([])
    expect(sent).toBeGreaterThanOrEqual(TOTAL)
    // Untrusted: nothing the workspace configures ran.
    expect(readdirSync(markers)).toEqual([])
  }, 600_000)
})
