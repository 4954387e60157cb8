import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import type { TestRun } from '../../shared/test-models'
import { memorySettingsStore } from '../services/workspace'
import { createRouter, type Router } from './router'
import {
  FAILING_BRANCH,
  PASSING_BRANCH,
  makeTestedRepo,
  makeSampleRepo
} from '../testing/fixture-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { git } from '../testing/test-repo'
import { trustOpenWorkspace } from '../testing/trust'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

/** Resolves with the first run event matching `match`. */
function runEvent(router: Router, match: (run: TestRun) => boolean, ms = 20_000): Promise<TestRun> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no matching tests.runChanged in ${ms} ms`)),
      ms
    )
    const off = router.onEvent((e) => {
      if (e.event !== 'tests.runChanged' || !match(e.payload.run)) return
      clearTimeout(timer)
      off()
      resolve(e.payload.run)
    })
  })
}

const finished = (run: TestRun): boolean => run.status !== 'queued' && run.status !== 'running'

describe('tests handlers through the router, on a real repository', () => {
  let repo: string
  let dataDir: string
  let router: Router
  const events: AppEvent[] = []

  beforeAll(async () => {
    repo = await makeTestedRepo()
    dataDir = await tempDir('slipway-tests-data-')
    router = createRouter({
      host: 'serve',
      version: '0.0.0',
      dataDir,
      settings: memorySettingsStore()
    })
    router.onEvent((e) => events.push(e))
    value(await router.openWorkspace(repo))
    await trustOpenWorkspace(router)
  })
  afterAll(async () => {
    // Resolves once the service stopped (runs killed, worktrees removed).
    await router.dispose()
    await removeDir(repo)
    await removeDir(dataDir)
  })

  it('does not start testing until a tests method is called; tests.runs only reads', async () => {
    await new Promise((r) => setTimeout(r, 300))
    expect(value(await router.call('tests.runs', {}))).toEqual([])
    await new Promise((r) => setTimeout(r, 300))
    expect(events.filter((e) => e.event.startsWith('tests.'))).toEqual([])
  })

  it('tests every branch by itself once started, and branchStates shows the results', async () => {
    const failing = runEvent(
      router,
      (r) => r.branch === FAILING_BRANCH && r.kind === 'tip' && finished(r)
    )
    const passing = runEvent(
      router,
      (r) => r.branch === PASSING_BRANCH && r.kind === 'tip' && finished(r)
    )
    const states = value(await router.call('tests.branchStates', {}))
    expect(states.map((s) => s.branch).sort()).toEqual(
      [PASSING_BRANCH, FAILING_BRANCH, 'main'].sort()
    )
    expect((await failing).status).toBe('failed')
    expect((await passing).status).toBe('passed')

    const after = value(await router.call('tests.branchStates', {}))
    const bad = after.find((s) => s.branch === FAILING_BRANCH)
    expect(bad?.tip).toMatchObject({ status: 'failed', exitCode: 3, sha: bad?.sha })
    expect(after.find((s) => s.branch === PASSING_BRANCH)?.tip?.status).toBe('passed')
    expect(events.some((e) => e.event === 'tests.queueChanged')).toBe(true)
  })

  it('runs a requested re-run, streams its log as events and serves the stored log in windows', async () => {
    const requested = value(
      await router.call('tests.request', { branch: FAILING_BRANCH, force: true })
    )
    expect(requested).toMatchObject({ branch: FAILING_BRANCH, kind: 'tip' })
    const done = finished(requested)
      ? requested
      : await runEvent(router, (r) => r.id === requested.id && finished(r))
    expect(done.status).toBe('failed')
    expect(value(await router.call('tests.run', { id: done.id })).status).toBe('failed')

    const chunks = events
      .filter((e): e is Extract<AppEvent, { event: 'tests.log' }> => e.event === 'tests.log')
      .filter((e) => e.payload.runId === done.id)
      .map((e) => e.payload.chunk)
      .join('')
    expect(chunks).toContain('checking')

    const whole = value(await router.call('tests.log', { id: done.id, offset: 0, length: 1 << 20 }))
    expect(whole.text).toContain('verdict is fail')
    expect(whole.text).toContain('\x1b[32mchecking')
    expect(whole.totalBytes).toBe(Buffer.byteLength(whole.text))
    const tail = value(await router.call('tests.log', { id: done.id, offset: 5, length: 10 }))
    expect(tail.text).toBe(Buffer.from(whole.text).subarray(5, 15).toString())

    // The whole stored log is searched; a hit's offset is where its line starts in the file.
    const found = value(
      await router.call('tests.logSearch', {
        id: done.id,
        query: { kind: 'text', text: 'VERDICT' }
      })
    )
    expect(found.total).toBe(1)
    const [hit] = found.hits
    const lines = whole.text.split('\n')
    expect(hit).toMatchObject({ line: lines.findIndex((l) => l.includes('verdict is fail')) })
    const at = value(
      await router.call('tests.log', { id: done.id, offset: hit!.offset, length: 20 })
    )
    expect(at.text.startsWith('verdict is fail')).toBe(true)
    const refused = await router.invoke('tests.logSearch', {
      id: done.id,
      query: { kind: 'text', text: 'x'.repeat(201) }
    })
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } })

    const runs = value(await router.call('tests.runs', { branch: FAILING_BRANCH }))
    expect(runs.find((r) => r.id === done.id)?.status).toBe('failed')
    expect(runs.filter((r) => r.kind === 'tip').length).toBeGreaterThanOrEqual(2)
  })

  it('pauses and resumes, answers the queue, and validates requests', async () => {
    expect(value(await router.call('tests.setPaused', { paused: true })).paused).toBe(true)
    expect(value(await router.call('tests.queue', {})).paused).toBe(true)
    expect(value(await router.call('tests.setPaused', { paused: false })).paused).toBe(false)
    expect(value(await router.call('tests.focus', { branch: PASSING_BRANCH }))).toBeNull()
    const bad = await router.invoke('tests.request', {})
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    const tooBig = await router.invoke('tests.log', { id: 'x', offset: 0, length: 2 << 20 })
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    const missing = await router.call('tests.run', { id: 'no-such-run' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } })
    const noBranch = await router.call('tests.request', { branch: 'no/such-branch' })
    expect(noBranch).toMatchObject({ ok: false, error: { code: 'not-found' } })
  })

  it('answers bad-config, politely, for a workspace without test.command', async () => {
    const plain = await makeSampleRepo()
    const other = createRouter({
      host: 'serve',
      version: '0.0.0',
      dataDir,
      settings: memorySettingsStore()
    })
    try {
      value(await other.openWorkspace(plain))
      await trustOpenWorkspace(other)
      const result = await other.call('tests.branchStates', {})
      expect(result).toMatchObject({ ok: false, error: { code: 'bad-config' } })
      if (!result.ok) expect(result.error.message).toContain('test.command')
    } finally {
      await other.dispose()
      await removeDir(plain)
    }
  })

  it('keeps the results for a new router on the same data folder (a restart)', async () => {
    const again = createRouter({
      host: 'serve',
      version: '0.0.0',
      dataDir,
      settings: memorySettingsStore()
    })
    try {
      value(await again.openWorkspace(repo))
      await trustOpenWorkspace(again)
      value(await again.call('tests.setPaused', { paused: true }))
      const runs = value(await again.call('tests.runs', { branch: FAILING_BRANCH }))
      expect(runs.some((r) => r.status === 'failed')).toBe(true)
      expect(git(repo, 'status', '--porcelain')).toBe('')
    } finally {
      await again.dispose()
    }
  })
})
