import { describe, expect, it } from 'vitest'
import type { BranchEnv, BranchEnvLeftover } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { createFakeClient, deferred } from '../test/fake-client'
import { BRANCH_ENVS_DEFAULTS, createBranchEnvsStore, envOfBranch } from './branch-envs-store'

function makeEnv(overrides: Partial<BranchEnv> = {}): BranchEnv {
  return {
    id: 'e1',
    target: { kind: 'branch', branch: 'feature/x' },
    label: 'feature/x',
    sha: 'a'.repeat(40),
    newerSha: null,
    port: 43121,
    url: 'http://127.0.0.1:43121/',
    state: { kind: 'starting', step: 'checkout' },
    startedAt: '2026-12-02T19:00:00.000Z',
    logBytes: 0,
    ...overrides
  }
}

describe('branch environments store', () => {
  it('asks nothing when the workspace has no branchEnvironments', async () => {
    const client = createFakeClient()
    const store = createBranchEnvsStore(client)
    await store.getState().load(false)
    expect(client.calls).toEqual([])
    expect(store.getState().availability).toEqual({
      unconfigured: 'slipway.yml has no branchEnvironments'
    })
  })

  it('keeps what events said while a load was in flight: its older answer never undoes them', async () => {
    const starting = makeEnv()
    const running = makeEnv({ state: { kind: 'running', healthyAt: '2026-12-02T19:00:05.000Z' } })
    const other = makeEnv({ id: 'e2', label: 'feature/y' })
    const leftover: BranchEnvLeftover = { label: 'feature/z', port: 43122, pgid: 77, processes: [] }
    const list = deferred<BranchEnv[]>()
    const client = createFakeClient({
      'branchEnvs.list': () => list.promise,
      'branchEnvs.leftovers': () => [leftover]
    })
    const store = createBranchEnvsStore(client)
    const loading = store.getState().load(true)
    store.getState().changed(running)
    store.getState().leftoversFound([])
    list.resolve([starting, other])
    await loading
    expect(store.getState().envs).toEqual({ e1: running, e2: other })
    expect(store.getState().leftovers).toEqual([])

    // An older load answering after a newer one changes nothing.
    const slow = deferred<BranchEnv[]>()
    client.handlers['branchEnvs.list'] = () => slow.promise
    const older = store.getState().load(true)
    client.handlers['branchEnvs.list'] = () => [running]
    await store.getState().load(true)
    slow.resolve([starting])
    await older
    expect(store.getState().envs).toEqual({ e1: running })
  })

  it('starts a branch, opens its log, and places live chunks after what it read', async () => {
    const env = makeEnv()
    const log = 'checking out\n'
    const client = createFakeClient({
      'branchEnvs.list': () => [],
      'branchEnvs.leftovers': () => [],
      'branchEnvs.start': () => env,
      'branchEnvs.log': ({ offset, length }) => ({
        text: log.slice(offset, offset + length),
        totalBytes: log.length
      })
    })
    const store = createBranchEnvsStore(client)
    await store.getState().load(true)
    expect(store.getState().availability).toBe('ready')
    await store.getState().start({ branch: 'feature/x' })
    expect(client.callsOf('branchEnvs.start')).toEqual([{ branch: 'feature/x' }])
    expect(store.getState().openId).toBe('e1')
    expect(store.getState().log?.lines).toEqual(['checking out', ''])
    store.getState().logChunk({ id: 'e1', chunk: 'listening\n', offset: log.length, bytes: 10 })
    // A chunk already read, or another environment's, changes nothing.
    store.getState().logChunk({ id: 'e1', chunk: 'checking out\n', offset: 0, bytes: 13 })
    store.getState().logChunk({ id: 'e2', chunk: 'other\n', offset: 23, bytes: 6 })
    expect(store.getState().log?.lines).toEqual(['checking out', 'listening', ''])
    expect(store.getState().log?.endByte).toBe(23)
  })

  it('marks a branch while its environment is not stopped', () => {
    const store = createBranchEnvsStore(createFakeClient())
    store.getState().changed(makeEnv({ state: { kind: 'running', healthyAt: 'now' } }))
    expect(envOfBranch(store.getState().envs, 'feature/x')?.port).toBe(43121)
    expect(envOfBranch(store.getState().envs, 'feature/y')).toBeNull()
    store.getState().changed(makeEnv({ state: { kind: 'stopped', reason: 'stopped' } }))
    expect(envOfBranch(store.getState().envs, 'feature/x')).toBeNull()
  })

  it('keeps a refused action as its error, and clears leftovers once ended', async () => {
    const client = createFakeClient({
      'branchEnvs.stop': () => {
        throw new ApiCallError({ code: 'not-found', message: 'no branch environment e9' })
      },
      'branchEnvs.cleanLeftovers': () => ({ ended: 1 })
    })
    const store = createBranchEnvsStore(client)
    await store.getState().stop('e9')
    expect(store.getState().error).toEqual({
      code: 'not-found',
      message: 'no branch environment e9'
    })
    store.getState().leftoversFound([
      {
        label: 'feature/old',
        port: 4000,
        pgid: 77,
        processes: [{ pid: 78, command: 'node app' }]
      }
    ])
    await store.getState().cleanLeftovers()
    expect(store.getState().leftovers).toEqual([])
    store.getState().reset()
    expect(store.getState()).toMatchObject(BRANCH_ENVS_DEFAULTS)
  })
})
