import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { memorySettingsStore } from '../services/workspace'
import { TeamRepos } from '../testing/team-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { trustOpenWorkspace } from '../testing/trust'
import { createRouter } from './router'

// A data folder that cannot be made (removed under a running app, a full or read-only disk)
// fails the calls that need it, with an answer; it never becomes an unhandled rejection, which
// would end the desktop app's main process (and failed a full test run once, when a test's
// teardown removed the folder while the team and ledger domains were still making theirs).

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

describe('a data folder that cannot be made', { timeout: 120_000 }, () => {
  it('fails the calls that need it, and leaves no promise rejected unhandled', async () => {
    const repos = TeamRepos.create()
    cleanup.push(async () => repos.remove())
    const repo = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    await writeFile(join(repo, 'slipway.yml'), 'project: orders\n')
    const scratch = await tempDir('slipway-bad-data-')
    cleanup.push(() => removeDir(scratch))
    // A file where the data folder's parent should be: every mkdir under it fails (ENOTDIR).
    await writeFile(join(scratch, 'file'), '')
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    cleanup.push(async () => void process.off('unhandledRejection', onUnhandled))
    const router = createRouter({
      host: 'serve',
      version: '9.9.9',
      dataDir: join(scratch, 'file', 'data'),
      settings: memorySettingsStore(),
      log: () => undefined
    })
    cleanup.push(async () => router.dispose())
    const opened = await router.openWorkspace(repo)
    expect(opened.ok).toBe(true)
    await trustOpenWorkspace(router)
    const team = await router.call('team.status', {})
    const releases = await router.call('releases.list', {})
    expect(team.ok).toBe(false)
    expect(releases.ok).toBe(false)
    // Node reports an unhandled rejection once the microtasks after it ran: give it two turns.
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r))
    expect(unhandled.map(String)).toEqual([])
  })
})
