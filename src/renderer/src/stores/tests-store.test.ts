import { describe, expect, it, vi } from 'vitest'
import type { BranchTestState, TestQueue, TestRun } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { createFakeClient, deferred, makeWorkspace } from '../test/fake-client'
import { createStores } from './stores'
import { connectSubscriptions } from './subscriptions'
import { LOG_WINDOW_BYTES, TESTS_DEFAULTS, createTestsStore } from './tests-store'

let seq = 0
function makeRun(overrides: Partial<TestRun> & { branch: string; sha: string }): TestRun {
  seq++
  return {
    id: `run-${seq}`,
    kind: 'tip',
    mainSha: null,
    status: 'queued',
    reason: 'new-commit',
    queuedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    exitCode: null,
    summary: '',
    conflicts: [],
    failedTests: [],
    logBytes: 0,
    ...overrides
  }
}

const sha = (c: string): string => c.repeat(40)
const emptyQueue: TestQueue = { paused: false, concurrency: 1, running: [], queued: [] }

function stateOf(branch: string, tip: TestRun | null): BranchTestState {
  return { branch, sha: tip?.sha ?? sha('0'), tip, merge: null, history: tip ? [tip] : [] }
}

describe('tests store', () => {
  it('starts from its defaults', () => {
    expect(createTestsStore(createFakeClient(), () => {}).getState()).toMatchObject(TESTS_DEFAULTS)
  })

  it('loads branch states and the queue; bad-config means tests are not set up', async () => {
    const passed = makeRun({ branch: 'a', sha: sha('a'), status: 'passed' })
    const client = createFakeClient({
      'tests.branchStates': () => [stateOf('a', passed)],
      'tests.queue': () => emptyQueue
    })
    const store = createTestsStore(client, () => {})
    await store.getState().load()
    expect(store.getState()).toMatchObject({
      availability: { kind: 'ready' },
      queue: emptyQueue,
      states: { a: { tip: passed } },
      runs: { [passed.id]: passed }
    })

    client.handlers['tests.branchStates'] = () => {
      throw new ApiCallError({ code: 'bad-config', message: 'slipway.yml has no test.command' })
    }
    await store.getState().load()
    expect(store.getState().availability).toEqual({
      kind: 'unconfigured',
      message: 'slipway.yml has no test.command'
    })
  })

  it('applies run events to the right card: a new tip, the same sha on another branch', async () => {
    const oldTip = makeRun({ branch: 'a', sha: sha('a'), status: 'passed' })
    const other = makeRun({ branch: 'b', sha: sha('b'), status: 'passed' })
    const twin = { ...stateOf('c', null), sha: sha('d') }
    const client = createFakeClient({
      'tests.branchStates': () => [stateOf('a', oldTip), stateOf('b', other), twin],
      'tests.queue': () => emptyQueue
    })
    const store = createTestsStore(client, () => {})
    await store.getState().load()

    const next = makeRun({ branch: 'a', sha: sha('e'), status: 'queued' })
    store.getState().runChanged(next)
    expect(store.getState().states.a).toMatchObject({ sha: sha('e'), tip: { id: next.id } })
    expect(store.getState().states.a?.history.map((r) => r.id)).toEqual([next.id, oldTip.id])
    store.getState().runChanged({ ...next, status: 'running' })
    expect(store.getState().states.a?.tip?.status).toBe('running')
    expect(store.getState().states.a?.history).toHaveLength(2)
    expect(store.getState().states.b?.tip).toEqual(other)

    // Branch c sits at sha d: a result for d found on branch x shows on c's card too.
    const shared = makeRun({ branch: 'x', sha: sha('d'), status: 'passed' })
    store.getState().runChanged(shared)
    expect(store.getState().states.c?.tip?.id).toBe(shared.id)
    expect(store.getState().states.x?.tip?.id).toBe(shared.id)

    // A merge-result run lands in `merge`, not `tip`.
    const merge = makeRun({ branch: 'a', sha: sha('e'), kind: 'merge', mainSha: sha('f') })
    store.getState().runChanged(merge)
    expect(store.getState().states.a).toMatchObject({
      tip: { id: next.id },
      merge: { id: merge.id }
    })
  })

  it('keeps what events said while a load was in flight: its older answer never undoes them', async () => {
    // The board opens while runs go on: the server reads the states, the run ends and its
    // event arrives, then the (older) answer arrives. A CI run showed such a card "running"
    // for 2 minutes after its run had failed.
    const running = makeRun({ branch: 'a', sha: sha('a'), status: 'running' })
    const queued = makeRun({ branch: 'b', sha: sha('b'), status: 'queued' })
    const answer = deferred<BranchTestState[]>()
    const queueAnswer = deferred<TestQueue>()
    const client = createFakeClient({
      'tests.branchStates': () => answer.promise,
      'tests.queue': () => queueAnswer.promise
    })
    const store = createTestsStore(client, () => {})
    const loading = store.getState().load('sh check.sh')

    const failed = { ...running, status: 'failed' as const, summary: 'exit code 1' }
    const started = { ...queued, status: 'running' as const }
    store.getState().runChanged(failed)
    store.getState().runChanged(started)
    const newQueue: TestQueue = { ...emptyQueue, running: [started] }
    store.getState().queueChanged(newQueue)
    answer.resolve([stateOf('a', running), stateOf('b', queued)])
    queueAnswer.resolve({ ...emptyQueue, running: [running], queued: [queued] })
    await loading

    const state = store.getState()
    expect(state.states.a?.tip?.status).toBe('failed')
    expect(state.states.b?.tip?.status).toBe('running')
    expect(state.runs[running.id]?.status).toBe('failed')
    expect(state.runs[queued.id]?.status).toBe('running')
    expect(state.queue).toEqual(newQueue)

    // An event older than the answer (sent before the server read it) does not undo it.
    const later = deferred<BranchTestState[]>()
    client.handlers['tests.branchStates'] = () => later.promise
    client.handlers['tests.queue'] = () => emptyQueue
    const again = store.getState().load('sh check.sh')
    store.getState().runChanged(started)
    const passed = { ...started, status: 'passed' as const }
    later.resolve([stateOf('a', failed), stateOf('b', passed)])
    await again
    expect(store.getState().states.b?.tip?.status).toBe('passed')
    expect(store.getState().runs[queued.id]?.status).toBe('passed')
  })

  it('notifies once when a branch tip goes from passed to failed', async () => {
    const notes: string[] = []
    const green = makeRun({ branch: 'a', sha: sha('a'), status: 'passed' })
    const client = createFakeClient({
      'tests.branchStates': () => [stateOf('a', green), stateOf('m', null)],
      'tests.queue': () => emptyQueue
    })
    const store = createTestsStore(client, (title, body) => notes.push(`${title}: ${body}`))
    await store.getState().load()

    const red = makeRun({ branch: 'a', sha: sha('b'), status: 'running' })
    store.getState().runChanged(red)
    expect(notes).toEqual([])
    store.getState().runChanged({ ...red, status: 'failed', summary: '2 tests failed' })
    expect(notes).toEqual(['a went red: 2 tests failed'])
    // The same event again, and a red → red commit: no more notifications.
    store.getState().runChanged({ ...red, status: 'failed', summary: '2 tests failed' })
    const stillRed = makeRun({ branch: 'a', sha: sha('c'), status: 'failed' })
    store.getState().runChanged(stillRed)
    // A failure of a branch never seen green, and of a merge result, are not "went red".
    store.getState().runChanged(makeRun({ branch: 'm', sha: sha('d'), status: 'failed' }))
    store
      .getState()
      .runChanged(makeRun({ branch: 'a', sha: sha('c'), kind: 'merge', status: 'failed' }))
    expect(notes).toHaveLength(1)
  })

  it('opens a run on the tail of its log, appends live chunks, and reads earlier windows', async () => {
    const total = LOG_WINDOW_BYTES + 106 // a multiple of 50: the log ends with a newline
    const stored = Array.from({ length: total }, (_, i) => (i % 50 === 49 ? '\n' : 'x')).join('')
    const run = makeRun({ branch: 'a', sha: sha('a'), status: 'running', logBytes: total })
    const client = createFakeClient({
      'tests.run': () => run,
      'tests.log': ({ offset, length }) => ({
        text: stored.slice(offset, offset + length),
        totalBytes: stored.length
      })
    })
    const store = createTestsStore(client, () => {})
    await store.getState().openRun(run.id)
    const log = store.getState().log
    expect(log).toMatchObject({ runId: run.id, startByte: 106, endByte: total, loading: false })

    const live = (runId: string, chunk: string, offset: number) =>
      store.getState().logChunk({ runId, chunk, offset, bytes: new Blob([chunk]).size })
    live(run.id, 'live one\nlive', total)
    live('another-run', 'not mine\n', total + 13)
    live(run.id, ' two ✓\n', total + 13)
    // A chunk sent again (already loaded) changes nothing.
    live(run.id, ' two ✓\n', total + 13)
    const lines = store.getState().log?.lines ?? []
    expect(lines.slice(-3)).toEqual(['live one', 'live two ✓', ''])
    expect(store.getState().log?.endByte).toBe(total + 'live one\nlive two ✓\n'.length + 2)

    await store.getState().loadEarlier()
    const whole = store.getState().log
    expect(whole?.startByte).toBe(0)
    expect(whole?.lines.join('\n')).toBe(`${stored}live one\nlive two ✓\n`)
    expect(client.callsOf('tests.log').at(-1)).toEqual({ id: run.id, offset: 0, length: 106 })

    store.getState().closeRun()
    live(run.id, 'after close\n', total + 22)
    expect(store.getState().log).toBeNull()
  })

  it('places a chunk that arrives while the stored log is read: no byte lost, none twice', async () => {
    // The file holds "one\ntw" when it is read; the chunk "two\nthree\n" (bytes 4..14) was sent
    // meanwhile, straddling the end of what the read returned.
    const stored = 'one\ntwo\nthree\n'
    let readUpTo = 6
    let release: () => void = () => {}
    const reading = new Promise<void>((resolve) => (release = resolve))
    const run = makeRun({ branch: 'a', sha: sha('a'), status: 'running' })
    const client = createFakeClient({
      'tests.run': () => run,
      'tests.log': async ({ offset, length }) => {
        await reading
        return {
          text: stored.slice(offset, Math.min(offset + length, readUpTo)),
          totalBytes: readUpTo
        }
      }
    })
    const store = createTestsStore(client, () => {})
    const opening = store.getState().openRun(run.id)
    store.getState().logChunk({ runId: run.id, chunk: 'two\nthree\n', offset: 4, bytes: 10 })
    release()
    await opening
    expect(store.getState().log).toMatchObject({ endByte: 14, loading: false })
    expect(store.getState().log?.lines).toEqual(['one', 'two', 'three', ''])

    // A gap (a chunk lost on the way) is read from the stored log.
    readUpTo = stored.length + 5
    const more = `${stored}four\n`
    client.handlers['tests.log'] = ({ offset, length }) => ({
      text: more.slice(offset, offset + length),
      totalBytes: more.length
    })
    store.getState().logChunk({ runId: run.id, chunk: '\n', offset: 18, bytes: 1 })
    await vi.waitFor(() =>
      expect(store.getState().log?.lines).toEqual(['one', 'two', 'three', 'four', ''])
    )
  })

  it('gets events through the subscriptions: runs, log chunks and the queue', async () => {
    const client = createFakeClient({
      'tests.run': (r) => makeRun({ id: r.id, branch: 'a', sha: sha('a'), status: 'running' }),
      'tests.log': () => ({ text: '', totalBytes: 0 })
    })
    const stores = createStores(client)
    const off = connectSubscriptions(stores, client)
    const run = makeRun({ branch: 'a', sha: sha('a'), status: 'running' })
    client.emit({ event: 'tests.runChanged', payload: { run } })
    expect(stores.tests.getState().states.a?.tip?.id).toBe(run.id)
    const queue = { ...emptyQueue, running: [run] }
    client.emit({ event: 'tests.queueChanged', payload: { queue } })
    expect(stores.tests.getState().queue).toEqual(queue)
    await stores.tests.getState().openRun(run.id)
    client.emit({
      event: 'tests.log',
      payload: { runId: run.id, chunk: 'hello\n', offset: 0, bytes: 6 }
    })
    expect(stores.tests.getState().log?.lines).toEqual(['hello', ''])
    off()
  })

  it('asks nothing of a workspace without test.command: the backend could only refuse', async () => {
    const client = createFakeClient({
      'tests.branchStates': () => [],
      'tests.queue': () => emptyQueue
    })
    const stores = createStores(client)
    const off = connectSubscriptions(stores, client)
    const bare = makeWorkspace()
    client.emit({
      event: 'workspace.changed',
      payload: { workspace: { ...bare, config: { ...bare.config, test: undefined } } }
    })
    await vi.waitFor(() => expect(stores.tests.getState().availability.kind).toBe('unconfigured'))
    expect(client.callsOf('tests.branchStates')).toEqual([])
    expect(client.callsOf('tests.queue')).toEqual([])
    off()
  })

  it('re-reads the test states when the workspace is opened again (a new slipway.yml)', async () => {
    const client = createFakeClient({
      'tests.branchStates': () => {
        throw new ApiCallError({ code: 'bad-config', message: 'no test.command' })
      },
      'tests.queue': () => emptyQueue
    })
    const stores = createStores(client)
    const off = connectSubscriptions(stores, client)
    await stores.tests.getState().load()
    expect(stores.tests.getState().availability.kind).toBe('unconfigured')
    client.handlers['tests.branchStates'] = () => []
    const ws = makeWorkspace()
    const test = { command: 'npm test', timeoutSeconds: 900 }
    client.emit({
      event: 'workspace.changed',
      payload: { workspace: { ...ws, config: { ...ws.config, test } } }
    })
    await vi.waitFor(() => expect(stores.tests.getState().availability.kind).toBe('ready'))
    off()
  })

  it('re-runs with force, cancels, pauses, and keeps a failure for the UI', async () => {
    const queued = makeRun({ branch: 'a', sha: sha('a') })
    const client = createFakeClient({
      'tests.request': () => queued,
      'tests.cancel': () => null,
      'tests.setPaused': ({ paused }) => ({ ...emptyQueue, paused })
    })
    const store = createTestsStore(client, () => {})
    await store.getState().rerun('a', 'merge')
    expect(client.callsOf('tests.request')).toEqual([{ branch: 'a', kind: 'merge', force: true }])
    expect(store.getState().runs[queued.id]).toEqual(queued)
    await store.getState().setPaused(true)
    expect(store.getState().queue?.paused).toBe(true)
    await store.getState().cancel(queued.id)
    expect(client.callsOf('tests.cancel')).toEqual([{ id: queued.id }])
    await store.getState().cancelAll()
    expect(store.getState().error?.code).toBe('unknown-method')
  })
})
