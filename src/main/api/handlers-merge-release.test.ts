import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { MergeRelease } from '../../shared/contract-merge-release'
import type { ApiResult } from '../../shared/errors'
import { memorySettingsStore } from '../services/workspace'
import { stopDemoApp } from '../testing/deploy-support'
import { fetchText } from '../testing/host-disk'
import { freePort } from '../testing/ports'
import { trustOpenWorkspace } from '../testing/trust'
import { removeDir, tempDir } from '../testing/temp-dir'
import { TestRepo } from '../testing/test-repo'
import { createRouter, type Router } from './router'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

const REFUND = 'feature/ORD-142-refund-endpoint'
const ROUNDING = 'bugfix/rounding-cents'

describe('merge and release: a merge to main builds a release and staging deploys it by itself', () => {
  let dataDir: string
  let router: Router
  let demo: TestRepo
  let port: number
  const events: AppEvent[] = []

  /** Resolves with the merge release of `commit` once it ended. */
  const ended = (commit: string, ms = 90_000): Promise<MergeRelease> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${commit} did not end in ${ms} ms`)), ms)
      const check = (e: AppEvent): boolean => {
        if (e.event !== 'mergeReleases.changed') return false
        const m = e.payload.mergeRelease
        if (m.commit !== commit || m.finishedAt === null) return false
        clearTimeout(timer)
        off()
        resolve(m)
        return true
      }
      const off = router.onEvent(check)
      for (const e of events) if (check(e)) return
    })

  /** Merges `branch` into the demo's main with a merge commit; answers the new main sha. */
  const mergeIntoMain = (branch: string): string => {
    demo.git(['merge', '--no-ff', '--quiet', '-m', `Merge ${branch}`, '--end-of-options', branch])
    return demo.sha('main')
  }

  beforeAll(async () => {
    dataDir = await tempDir('slipway-merge-release-')
    router = createRouter({
      host: 'serve',
      version: '9.9.9',
      dataDir,
      settings: memorySettingsStore()
    })
    router.onEvent((e) => events.push(e))
    demo = TestRepo.open(value(await router.openDemo()).path)
    port = await freePort()
    const yml = join(demo.path, 'slipway.yml')
    await writeFile(yml, (await readFile(yml, 'utf8')).replace('port: 4301', `port: ${port}`))
    demo.git(['commit', '--quiet', '-am', 'Staging on a free port'])
    value(await router.openWorkspace(demo.path))
    // The board's first read starts watching main.
    expect(value(await router.call('mergeReleases.list', {}))).toEqual([])
    // Making the demo (a fast-import, its origin and the reviewer's clone) took 40 s under load.
  }, 120_000)

  it('builds nothing while slipway.yml changed and is not trusted again (workspace trust)', async () => {
    // The staging port changed slipway.yml since the demo was trusted by construction.
    demo.git(['checkout', '--quiet', '-b', 'feature/ORD-998-untrusted', 'main'])
    await writeFile(join(demo.path, 'UNTRUSTED.md'), 'merged before anyone trusted the file\n')
    demo.git(['add', 'UNTRUSTED.md'])
    demo.git(['commit', '--quiet', '-m', 'ORD-998 a change merged while untrusted'])
    demo.git(['checkout', '--quiet', 'main'])
    const merged = mergeIntoMain('feature/ORD-998-untrusted')
    const done = await ended(merged)
    expect(done).toMatchObject({ state: 'failed', release: null })
    expect(done.reason).toMatch(/not trusted yet/)
    expect(value(await router.call('releases.list', {})).map((r) => r.commit)).not.toContain(merged)
    await trustOpenWorkspace(router)
  }, 120_000)

  afterAll(async () => {
    await stopDemoApp(join(demo.path, '.slipway', 'hosts', 'staging-1'))
    await router.dispose()
    await removeDir(dataDir)
  })

  it('releases the merge commit and deploys it to staging, which serves it healthy', async () => {
    const merged = mergeIntoMain(REFUND)
    const done = await ended(merged)
    expect(done, JSON.stringify(done)).toMatchObject({
      commit: merged,
      trigger: 'main-moved',
      state: 'succeeded',
      environments: [{ environment: 'staging', state: 'succeeded' }]
    })
    // Production is promoted by hand: the merge never deploys it.
    expect(done.environments.map((e) => e.environment)).toEqual(['staging'])
    const release = value(await router.call('releases.list', {}))[0]
    expect(release).toMatchObject({ id: done.release, commit: merged })
    expect(release?.tickets).toContain('ORD-142')
    expect(JSON.parse(await fetchText(`http://127.0.0.1:${port}/health`))).toMatchObject({
      release: done.release
    })
    // Live progress went out: the build's steps, then the deployment with its id.
    const seen = events.flatMap((e) =>
      e.event === 'mergeReleases.changed' && e.payload.mergeRelease.commit === merged
        ? [e.payload.mergeRelease.state]
        : []
    )
    expect(seen).toEqual(expect.arrayContaining(['queued', 'building', 'deploying', 'succeeded']))
    const deployment = done.environments[0]?.deployment
    expect(
      events.some(
        (e) =>
          e.event === 'deployments.changed' &&
          e.payload.deployment.id === deployment &&
          e.payload.deployment.status === 'succeeded'
      )
    ).toBe(true)
    expect(value(await router.call('mergeReleases.list', {}))[0]).toMatchObject({
      commit: merged,
      state: 'succeeded'
    })
  }, 120_000)

  it('does not release a plain commit on main, only merges', async () => {
    const before = value(await router.call('mergeReleases.list', {})).length
    await writeFile(join(demo.path, 'NOTES.md'), 'a direct commit\n')
    demo.git(['add', 'NOTES.md'])
    demo.git(['commit', '--quiet', '-m', 'A direct commit on main'])
    // Longer than the watcher's debounce and a git call or two.
    await new Promise((r) => setTimeout(r, 1500))
    expect(value(await router.call('mergeReleases.list', {}))).toHaveLength(before)
  })

  it('marks the release bad for staging with the reason when its deploy fails', async () => {
    const yml = join(demo.path, 'slipway.yml')
    const text = await readFile(yml, 'utf8')
    // The hook starts the app, then fails: activation fails and staging goes back.
    await writeFile(yml, text.replace('afterActivate: sh restart.sh', "afterActivate: 'exit 7'"))
    value(await router.openWorkspace(demo.path))
    await trustOpenWorkspace(router)
    value(await router.call('mergeReleases.list', {}))
    const merged = mergeIntoMain(ROUNDING)
    const done = await ended(merged)
    expect(done.state).toBe('failed')
    const staging = done.environments[0]
    expect(staging?.state).toBe('failed')
    expect(staging?.reason).toMatch(/staging-1/)
    expect(done.reason).toMatch(/^staging: /)
    const status = value(await router.call('environments.status', { environment: 'staging' }))
    expect(status.badReleases).toContain(done.release)
    expect(status.badReasons?.[done.release ?? '']).toMatch(/staging-1/)
    // Staging still serves the release of the first merge.
    expect(status.hosts[0]?.release).not.toBe(done.release)
    expect(status.hosts[0]?.healthy).toBe(true)
    await writeFile(yml, text)
  }, 120_000)

  it('records a failed build against each merge environment, with the build error', async () => {
    value(await router.openWorkspace(demo.path))
    await trustOpenWorkspace(router)
    value(await router.call('mergeReleases.list', {}))
    demo.git(['checkout', '--quiet', '-b', 'feature/ORD-999-broken-build', 'main~1'])
    await writeFile(
      join(demo.path, 'scripts', 'build.js'),
      'console.error("no dist today")\nprocess.exit(4)\n'
    )
    demo.git(['commit', '--quiet', '-am', 'ORD-999 break the build'])
    demo.git(['checkout', '--quiet', 'main'])
    const merged = mergeIntoMain('feature/ORD-999-broken-build')
    const done = await ended(merged)
    expect(done).toMatchObject({ state: 'failed', release: null })
    expect(done.reason).toMatch(/^the build failed: build failed \(exit \d+\)/)
    expect(done.environments).toEqual([
      expect.objectContaining({ environment: 'staging', state: 'failed', reason: done.reason })
    ])
  }, 120_000)
})
