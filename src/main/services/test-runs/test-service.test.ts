import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import { isFinished, type TestRun } from '../../../shared/test-models'
import type { ErrorLog } from '../log'
import { isProcessAlive } from './process-tree'
import { TestService } from './test-service'
import type { TestServiceEvent } from './test-service-options'
import { TestRepo } from '../../testing/test-repo'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function newRepo(files: Record<string, string>): TestRepo {
  const repo = TestRepo.create({ files, prefix: 'slipway-tests-' })
  cleanups.push(() => repo.remove())
  return repo
}

interface Started {
  readonly service: TestService
  readonly events: TestServiceEvent[]
  readonly dataDir: string
}

async function startService(
  repo: TestRepo,
  test: Record<string, unknown>,
  dataDir = tempDir('slipway-tests-data-'),
  log: ErrorLog = () => {}
): Promise<Started> {
  const events: TestServiceEvent[] = []
  const service = new TestService({
    workspacePath: repo.path,
    dataDir,
    config: SlipwayConfigSchema.parse({ test }),
    mainBranch: 'main',
    fetchIntervalMs: 0,
    onEvent: (e) => events.push(e),
    log
  })
  cleanups.push(() => service.stop())
  await service.start()
  return { service, events, dataDir }
}

async function waitFor<T>(
  what: string,
  probe: () => T | null | undefined | false,
  // A hang guard: on the shared machine under load, runs take many times their idle time.
  ms = 60_000
): Promise<T> {
  const start = Date.now()
  for (;;) {
    const value = probe()
    if (value) return value
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

const idle = (s: TestService): boolean =>
  s.queue().running.length === 0 && s.queue().queued.length === 0

function runOf(s: TestService, kind: TestRun['kind'], sha: string): TestRun | undefined {
  return s.runs({ sha }).find((r) => r.kind === kind)
}

const finishedRun = (s: TestService, kind: TestRun['kind'], sha: string) => () => {
  const r = runOf(s, kind, sha)
  return r && isFinished(r.status) ? r : undefined
}

const TEST_SH = [
  'echo "branch=$SLIPWAY_BRANCH commit=$SLIPWAY_COMMIT ci=$CI kind=$SLIPWAY_TEST_KIND"',
  'if [ -f ok ]; then exit 0; fi',
  'printf \'<testsuite name="cart"><testcase name="adds &amp; rounds"><failure message="1 &lt; 2"/></testcase></testsuite>\' > report.xml',
  'echo "ok is missing" >&2',
  'exit 3',
  ''
].join('\n')

describe('TestService', () => {
  it('tests every branch at its exact commit, reuses results by sha, and keeps them across a restart', async () => {
    const repo = newRepo({ 'test.sh': TEST_SH, ok: 'yes\n' })
    const main = repo.sha('main')
    const failing = repo.commitTo('feat/ORD-1-fail', { ok: null })
    const before = repo.snapshot()
    const { service, events, dataDir } = await startService(repo, {
      command: 'sh test.sh',
      concurrency: 2,
      junit: 'report.xml',
      timeoutSeconds: 20
    })

    const mainRun = await waitFor('main tip', finishedRun(service, 'tip', main))
    const failRun = await waitFor('branch tip', finishedRun(service, 'tip', failing))
    const mergeRun = await waitFor('merge result', finishedRun(service, 'merge', failing))
    expect(mainRun).toMatchObject({
      status: 'passed',
      exitCode: 0,
      branch: 'main',
      reason: 'startup'
    })
    expect(failRun).toMatchObject({
      status: 'failed',
      exitCode: 3,
      branch: 'feat/ORD-1-fail',
      summary: '1 test failed',
      failedTests: [{ suite: 'cart', name: 'adds & rounds', message: '1 < 2' }]
    })
    expect(mergeRun).toMatchObject({ status: 'failed', mainSha: main, exitCode: 3 })
    expect(failRun.durationMs).toBeGreaterThanOrEqual(0)

    // The log is on disk, complete, and was streamed live too.
    const log = await service.readLog(failRun.id, 0, 1 << 20)
    expect(log.totalBytes).toBe(failRun.logBytes)
    expect(log.text).toContain(`branch=feat/ORD-1-fail commit=${failing} ci=true kind=tip`)
    expect(log.text).toContain('ok is missing')
    const live = events
      .filter((e): e is Extract<TestServiceEvent, { kind: 'log' }> => e.kind === 'log')
      .filter((e) => e.runId === failRun.id)
      .map((e) => e.chunk)
      .join('')
    expect(live).toBe(log.text)
    expect((await service.readLog(failRun.id, 7, 5)).text).toBe(log.text.slice(7, 12))
    // The last line says how it ended, once: "failed: 1 test failed", never "passed: passed".
    expect(log.text).toContain('[slipway] failed: 1 test failed')
    const mainLog = (await service.readLog(mainRun.id, 0, 1 << 20)).text
    const ending = mainLog.trimEnd().split('\n').at(-1) ?? ''
    expect(ending).toContain('[slipway] passed')
    expect(ending).not.toContain('passed: passed')

    // A branch appearing at an already tested sha reuses the result: no new run.
    const runsBefore = service.runs().length
    repo.git(['branch', 'copy-of-main', main])
    await waitFor('copy-of-main in branch states', () =>
      service.branchStates().find((b) => b.branch === 'copy-of-main')
    )
    expect(service.runs().length).toBe(runsBefore)
    const copy = service.branchStates().find((b) => b.branch === 'copy-of-main')
    expect(copy?.tip?.id).toBe(mainRun.id)
    const failState = service.branchStates().find((b) => b.branch === 'feat/ORD-1-fail')
    expect(failState).toMatchObject({ tip: { id: failRun.id }, merge: { id: mergeRun.id } })

    // Nothing Slipway did touched a ref, HEAD or the user's working tree.
    repo.git(['branch', '-D', 'copy-of-main'])
    expect(repo.snapshot()).toBe(before)

    // A new instance on the same data folder knows every result and queues nothing new.
    await service.stop()
    expect(repo.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1)
    const again = await startService(repo, { command: 'sh test.sh', concurrency: 2 }, dataDir)
    expect(idle(again.service)).toBe(true)
    expect(again.service.run(failRun.id)).toEqual(service.run(failRun.id))
    expect(again.service.runs().map((r) => r.id)).toEqual(service.runs().map((r) => r.id))
    expect((await again.service.readLog(failRun.id, 0, 1 << 20)).text).toBe(log.text)
    // A forced re-run makes a new run of the same sha.
    const rerun = await again.service.request({ branch: 'main', force: true })
    expect(rerun.id).not.toBe(mainRun.id)
    expect(rerun).toMatchObject({ status: 'queued', reason: 'manual', sha: main })
    // Without force, the finished result is answered.
    const reused = await again.service.request({ sha: failing.slice(0, 10) })
    expect(reused.id).toBe(failRun.id)
    await expect(again.service.request({ branch: 'no/such' })).rejects.toMatchObject({
      code: 'not-found'
    })
    await expect(again.service.request({ sha: '--output=x' })).rejects.toMatchObject({
      code: 'bad-request'
    })
  })

  it('notices a commit made by hand and tests it without being asked', async () => {
    const repo = newRepo({ 'test.sh': TEST_SH, ok: 'yes\n' })
    const { service } = await startService(repo, { command: 'sh test.sh', concurrency: 1 })
    await waitFor('startup runs', () => idle(service) && service.runs().length > 0)
    repo.git(['checkout', '--quiet', '-b', 'feature/ORD-7-by-hand'])
    writeFileSync(join(repo.path, 'note.txt'), 'by hand\n')
    repo.git(['add', 'note.txt'])
    repo.git(['commit', '--quiet', '-m', 'ORD-7: by hand'])
    const sha = repo.sha('HEAD')
    const run = await waitFor('the new tip tested', finishedRun(service, 'tip', sha))
    expect(run).toMatchObject({
      status: 'passed',
      branch: 'feature/ORD-7-by-hand',
      reason: 'new-commit'
    })
    // Its merge result into main is queued alongside.
    const merge = await waitFor('the merge result', finishedRun(service, 'merge', sha))
    expect(merge.status).toBe('passed')
  })

  it('never runs more than the cap at once; main first, tips before merge results', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    for (let i = 0; i < 4; i += 1) repo.commitTo(`feat/ORD-${i}`, { 'x.txt': `x${i}\n` })
    const times = join(tempDir('slipway-tests-times-'), 'times.txt')
    const record = (what: string): string =>
      `echo "${what} $(date +%s%N) $SLIPWAY_TEST_KIND $SLIPWAY_BRANCH" >> '${times}'`
    const { service } = await startService(repo, {
      command: `${record('start')}; sleep 0.3; ${record('end')}`,
      concurrency: 2
    })
    await waitFor('all runs', () => idle(service) && service.runs().length === 9)
    const lines = readFileSync(times, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
    expect(lines).toHaveLength(18)
    const timeline = [...lines].sort((a, b) =>
      Number(BigInt(a[1] as string) - BigInt(b[1] as string))
    )
    let now = 0
    let most = 0
    for (const [what] of timeline) {
      now += what === 'start' ? 1 : -1
      most = Math.max(most, now)
    }
    expect(most).toBe(2)
    const starts = lines.filter((l) => l[0] === 'start')
    // main's tip is dispatched first; with two slots the second starts at the same moment.
    expect(starts.slice(0, 2).map((l) => l.slice(2).join(' '))).toContain('tip main')
    const lastTip = starts.map((l) => l[2]).lastIndexOf('tip')
    const firstMerge = starts.map((l) => l[2]).indexOf('merge')
    expect(lastTip).toBeLessThan(firstMerge)
    expect(service.runs().every((r) => r.status === 'passed')).toBe(true)
  })

  it('a newer commit supersedes the queued run of the older one', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    const old = repo.commitTo('feat/ORD-2', { 'x.txt': 'old\n' })
    // main's run holds the only slot until the gate file exists: however slow the watcher is,
    // the old tip is still queued when it sees the new commit.
    const gate = join(tempDir('slipway-tests-gate-'), 'open')
    const { service } = await startService(repo, {
      command: `if [ "$SLIPWAY_BRANCH" = main ]; then while [ ! -e '${gate}' ]; do sleep 0.05; done; fi`,
      concurrency: 1
    })
    await waitFor('old tip queued', () => runOf(service, 'tip', old)?.status === 'queued')
    const newer = repo.commitTo('feat/ORD-2', { 'x.txt': 'new\n' })
    const superseded = await waitFor('the old run superseded', () => {
      const r = runOf(service, 'tip', old)
      return r?.status === 'cancelled' ? r : undefined
    })
    expect(superseded.summary).toBe(`superseded by ${newer.slice(0, 8)}`)
    expect(runOf(service, 'merge', old)).toMatchObject({ status: 'cancelled' })
    writeFileSync(gate, '')
    await waitFor('the new tip tested', finishedRun(service, 'tip', newer))
    expect(runOf(service, 'tip', newer)?.status).toBe('passed')
  })

  it('a timeout and a cancel kill the whole process tree, leaving no process behind', async () => {
    const dir = tempDir('slipway-tests-pids-')
    const pids = join(dir, 'pids')
    const repo = newRepo({ 'x.txt': 'x\n' })
    // Children and a grandchild, all ignoring SIGTERM, so only the SIGKILL after the grace ends them.
    const command = [
      `trap '' TERM`,
      `sleep 1000 & echo $! >> '${pids}'`,
      `sh -c 'sleep 1000 & echo $! >> "${pids}"; wait' &`,
      `echo $! >> '${pids}'`,
      `while [ "$(wc -l < '${pids}')" -lt 3 ]; do sleep 0.05; done`,
      `sleep 1000`
    ].join('\n')
    // 10 s, not 1: at load 17 on 2 cores the shell had not started all three within 1 s, and
    // the rerun below was cancelled only after its 1 s had run out.
    const { service } = await startService(repo, { command, concurrency: 1, timeoutSeconds: 10 })
    const main = repo.sha('main')
    const timedOut = await waitFor('the timeout', finishedRun(service, 'tip', main))
    expect(timedOut).toMatchObject({ status: 'timed-out', summary: 'timed out after 10 s' })
    const first = readFileSync(pids, 'utf8').trim().split('\n').map(Number)
    expect(first).toHaveLength(3)
    // Killed processes are gone once the run has finished (a moment's grace for the kernel to
    // turn a dying process into a zombie, which is dead).
    await waitFor('no process left', () => first.filter(isProcessAlive).length === 0)

    rmSync(pids)
    const rerun = await service.request({ branch: 'main', force: true })
    await waitFor('children started', () => {
      try {
        return readFileSync(pids, 'utf8').trim().split('\n').length === 3
      } catch {
        return false
      }
    })
    await service.cancel(rerun.id)
    expect(service.run(rerun.id)).toMatchObject({ status: 'cancelled', summary: 'cancelled' })
    const second = readFileSync(pids, 'utf8').trim().split('\n').map(Number)
    expect(second).toHaveLength(3)
    await waitFor('no process left', () => second.filter(isProcessAlive).length === 0)
  })

  it('checks the merge result without changing any ref, and names conflicting files', async () => {
    const repo = newRepo({ 'a.txt': 'line\n', 'test.sh': 'test -f b.txt && grep -q main a.txt\n' })
    repo.commitTo('main', { 'a.txt': 'line from main\n' })
    const clean = repo.commitTo('feat/ORD-3-clean', { 'b.txt': 'b\n' }, 'b', 'main~1')
    const conflict = repo.commitTo(
      'feat/ORD-4-conflict',
      { 'a.txt': 'other line\n', 'b.txt': 'b\n' },
      'c',
      'main~1'
    )
    const before = repo.snapshot()
    const { service } = await startService(repo, { command: 'sh test.sh', concurrency: 2 })
    const cleanMerge = await waitFor('clean merge', finishedRun(service, 'merge', clean))
    const conflictMerge = await waitFor(
      'conflicting merge',
      finishedRun(service, 'merge', conflict)
    )
    await waitFor('idle', () => idle(service))
    // The branch alone lacks main's change; merged into main it has both and passes.
    expect(runOf(service, 'tip', clean)?.status).toBe('failed')
    expect(cleanMerge).toMatchObject({ status: 'passed', mainSha: repo.sha('main') })
    expect(conflictMerge).toMatchObject({
      status: 'failed',
      summary: 'merge conflict in a.txt',
      conflicts: ['a.txt'],
      exitCode: null
    })
    expect(repo.snapshot()).toBe(before)
    // A worktree that held a conflicted merge is reset before it is lent again.
    const again = await service.request({ branch: 'feat/ORD-3-clean', kind: 'merge', force: true })
    await waitFor('merge re-run', () => isFinished(service.run(again.id).status))
    expect(service.run(again.id).status).toBe('passed')
    expect(repo.snapshot()).toBe(before)
  })

  it('caches the setup step per lockfile and reuses worktrees', async () => {
    const dir = tempDir('slipway-tests-setup-')
    const counter = join(dir, 'setups')
    const repo = newRepo({ 'package-lock.json': '{"v":1}\n', 'x.txt': 'x\n' })
    const sameLock = repo.commitTo('feat/same-lock', { 'x.txt': 'y\n' })
    const newLock = repo.commitTo('feat/new-lock', { 'package-lock.json': '{"v":2}\n' })
    const { service, dataDir } = await startService(repo, {
      command: 'test "$(cat node_modules/pkg/index.js)" = "$(cat package-lock.json)"',
      setup: `echo run >> '${counter}'; mkdir -p node_modules/pkg && cp package-lock.json node_modules/pkg/index.js`,
      concurrency: 1
    })
    await waitFor('all runs', () => idle(service) && service.runs().length === 5)
    expect(service.runs().map((r) => [r.kind, r.status])).toEqual(
      Array(5).fill(expect.arrayContaining(['passed']))
    )
    // main and feat/new-lock missed; feat/same-lock and both merge results hit.
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(2)
    const sameLog = await service.readLog(runOf(service, 'tip', sameLock)?.id as string, 0, 1 << 16)
    expect(sameLog.text).toMatch(/setup: cache hit/)
    const newLog = await service.readLog(runOf(service, 'tip', newLock)?.id as string, 0, 1 << 16)
    expect(newLog.text).toMatch(/setup \(cache miss/)
    expect(readdirSync(join(dataDir, 'worktrees'))).toEqual([
      expect.stringMatching(/^wt-\d+-\w+-0$/)
    ])
    const entries = readdirSync(join(dataDir, 'setup-cache')).filter((n) => !n.startsWith('.'))
    expect(entries).toHaveLength(2)
  })

  it('pausing stops automatic runs; a paused service still runs what a person asks for', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    const { service, events } = await startService(repo, { command: 'true', concurrency: 1 })
    await waitFor('startup run', () => idle(service) && service.runs().length === 1)
    service.setPaused(true)
    expect(events.at(-1)).toMatchObject({ kind: 'queue', queue: { paused: true } })
    const sha = repo.commitTo('feat/ORD-5', { 'x.txt': 'y\n' })
    // The watcher has seen the commit (the branch shows it), and queued nothing for it.
    await waitFor('the new branch seen', () =>
      service.branchStates().some((b) => b.branch === 'feat/ORD-5' && b.sha === sha)
    )
    expect(runOf(service, 'tip', sha)).toBeUndefined()
    expect(service.queue()).toMatchObject({ paused: true, running: [], queued: [] })
    const manual = await service.request({ branch: 'feat/ORD-5' })
    await waitFor('manual run', () => service.run(manual.id).status === 'passed')
    service.setPaused(false)
    await waitFor('merge result after resume', finishedRun(service, 'merge', sha))
  })

  it('runs that were queued or running at a crash come back as errors and are run again', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    const dataDir = tempDir('slipway-tests-data-')
    const main = repo.sha('main')
    const crashed: TestRun = {
      id: 'crashed-1',
      kind: 'tip',
      sha: main,
      mainSha: null,
      branch: 'main',
      status: 'running',
      reason: 'startup',
      queuedAt: '2026-01-01T00:00:00.000Z',
      startedAt: '2026-01-01T00:00:01.000Z',
      finishedAt: null,
      durationMs: null,
      exitCode: null,
      summary: 'running',
      conflicts: [],
      failedTests: [],
      logBytes: 0
    }
    // The last line was cut short by the crash.
    writeFileSync(join(dataDir, 'test-results.jsonl'), `${JSON.stringify(crashed)}\n{"id":"torn`)
    const logged: string[] = []
    const { service } = await startService(repo, { command: 'true' }, dataDir, (m) =>
      logged.push(m)
    )
    expect(logged).toEqual([expect.stringContaining('torn last line')])
    expect(service.run('crashed-1')).toMatchObject({
      status: 'error',
      summary: 'interrupted (Slipway stopped)'
    })
    const rerun = await waitFor('a new run of main', () =>
      service.runs({ sha: main }).find((r) => r.id !== 'crashed-1' && r.status === 'passed')
    )
    expect(rerun.reason).toBe('startup')
    await service.stop()
    const lines = readFileSync(join(dataDir, 'test-results.jsonl'), 'utf8').trim().split('\n')
    expect(lines.every((l) => JSON.parse(l) !== null)).toBe(true)
  })

  it('fetches origin on an interval and tests what arrived; a failing fetch is retried quietly', async () => {
    const origin = newRepo({ 'x.txt': 'x\n' })
    const clonePath = tempDir('slipway-tests-clone-')
    origin.git(['clone', '--quiet', '--end-of-options', origin.path, clonePath])
    const clone = TestRepo.open(clonePath)
    const logged: string[] = []
    const events: TestServiceEvent[] = []
    const service = new TestService({
      workspacePath: clone.path,
      dataDir: tempDir('slipway-tests-data-'),
      config: SlipwayConfigSchema.parse({ test: { command: 'true', concurrency: 1 } }),
      mainBranch: 'main',
      fetchIntervalMs: 200,
      onEvent: (e) => events.push(e),
      log: (m) => logged.push(m)
    })
    cleanups.push(() => service.stop())
    await service.start()
    const pushed = origin.commitTo('feat/ORD-9-remote', { 'x.txt': 'remote\n' })
    const run = await waitFor('the fetched tip tested', finishedRun(service, 'tip', pushed))
    expect(run).toMatchObject({ status: 'passed', branch: 'origin/feat/ORD-9-remote' })
    rmSync(origin.path, { recursive: true, force: true })
    await waitFor('a failed fetch', () => logged.some((m) => m.includes('fetching origin failed')))
    expect(service.queue().paused).toBe(false)
    // Still testing after the failed fetch: a forced run of main passes.
    const again = await service.request({ branch: 'main', force: true })
    expect(again).toMatchObject({ branch: 'main', reason: 'manual' })
    await waitFor('main tested again', () => service.run(again.id).status === 'passed')
  })

  it('without a test command it lists branches, runs nothing and says why', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    const events: TestServiceEvent[] = []
    const service = new TestService({
      workspacePath: repo.path,
      dataDir: tempDir('slipway-tests-data-'),
      config: SlipwayConfigSchema.parse({}),
      mainBranch: 'main',
      fetchIntervalMs: 0,
      onEvent: (e) => events.push(e),
      log: () => {}
    })
    cleanups.push(() => service.stop())
    await service.start()
    expect(service.branchStates()).toEqual([
      { branch: 'main', sha: repo.sha('main'), tip: null, merge: null, history: [] }
    ])
    await expect(service.request({ branch: 'main' })).rejects.toMatchObject({ code: 'bad-config' })
    expect(() => service.run('nope')).toThrow(expect.objectContaining({ code: 'not-found' }))
    expect(events).toEqual([])
  })

  it('a fresh commit and the focused branch jump the startup backlog', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    for (let i = 0; i < 3; i += 1) repo.commitTo(`feat/ORD-1${i}`, { 'x.txt': `${i}\n` })
    // The first run holds the only slot until the test ends (the gate never opens).
    const gate = join(tempDir('slipway-tests-gate-'), 'open')
    const { service } = await startService(repo, {
      command: `while [ ! -e '${gate}' ]; do sleep 0.05; done`,
      concurrency: 1
    })
    service.setFocus('feat/ORD-12')
    const fresh = repo.commitTo('feat/ORD-11', { 'x.txt': 'fresh\n' })
    await waitFor('the fresh tip queued', () => runOf(service, 'tip', fresh))
    const order = service.queue().queued.map((r) => `${r.kind} ${r.branch} ${r.reason}`)
    expect(order.slice(0, 3)).toEqual([
      'tip feat/ORD-12 startup',
      'merge feat/ORD-12 startup',
      'tip feat/ORD-11 new-commit'
    ])
    expect(order.at(-1)).toMatch(/^merge /)
  })

  it('stores a big log whole, streams it coalesced, and reads it back in slices', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    // 10 MiB of numbered lines, as fast as the shell can write them.
    const command = `seq 1 1300000 | sed 's/$/ some log text/'`
    const { service, events } = await startService(repo, { command, concurrency: 1 })
    const run = await waitFor('the run', finishedRun(service, 'tip', repo.sha('main')))
    expect(run.status).toBe('passed')
    const total = (await service.readLog(run.id, 0, 0)).totalBytes
    expect(total).toBe(run.logBytes)
    expect(total).toBeGreaterThan(10_000_000)
    const tail = await service.readLog(run.id, total - 2000, 2000)
    expect(tail.text).toContain('1300000 some log text\n')
    const chunks = events.filter((e) => e.kind === 'log' && e.runId === run.id)
    const seconds = (run.durationMs as number) / 1000
    expect(chunks.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 3)
    const live = chunks.reduce((n, e) => n + (e.kind === 'log' ? Buffer.byteLength(e.chunk) : 0), 0)
    expect(live).toBe(total)
  })

  it('keeps only the newest runs and their logs across a restart', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    const dataDir = tempDir('slipway-tests-data-')
    const make = (): TestService =>
      new TestService({
        workspacePath: repo.path,
        dataDir,
        config: SlipwayConfigSchema.parse({ test: { command: 'echo hi', concurrency: 1 } }),
        mainBranch: 'main',
        fetchIntervalMs: 0,
        keepRuns: 2,
        onEvent: () => {},
        log: () => {}
      })
    const first = make()
    cleanups.push(() => first.stop())
    await first.start()
    await waitFor('the startup run', () => idle(first) && first.runs().length === 1)
    for (let i = 0; i < 3; i += 1) {
      const run = await first.request({ branch: 'main', force: true })
      await waitFor('the run', () => isFinished(first.run(run.id).status))
    }
    await waitFor('idle', () => idle(first))
    const all = first.runs()
    expect(all).toHaveLength(4)
    await first.stop()
    const second = make()
    cleanups.push(() => second.stop())
    await second.start()
    expect(second.runs().map((r) => r.id)).toEqual(all.slice(0, 2).map((r) => r.id))
    expect(readdirSync(join(dataDir, 'logs')).sort()).toEqual(
      all
        .slice(0, 2)
        .map((r) => `${r.id}.log`)
        .sort()
    )
    const lines = readFileSync(join(dataDir, 'test-results.jsonl'), 'utf8').trim().split('\n')
    expect(lines).toHaveLength(2)
  })

  it('cancels everything at once: queued runs and the running one', async () => {
    const repo = newRepo({ 'x.txt': 'x\n' })
    repo.commitTo('feat/ORD-20', { 'x.txt': 'y\n' })
    // Far longer than the test's timeout: a cancelAll that waited for the command would fail.
    const { service } = await startService(repo, { command: 'sleep 600', concurrency: 1 })
    await waitFor('one running', () => service.queue().running.length === 1)
    expect(service.queue().queued.length).toBe(2)
    await service.cancelAll()
    expect(service.queue()).toMatchObject({ running: [], queued: [] })
    expect(service.runs().map((r) => [r.status, r.summary])).toEqual(
      Array(3).fill(['cancelled', 'cancelled'])
    )
  })
})
