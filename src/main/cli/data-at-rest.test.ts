import { chmod, lstat, readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../shared/errors'
import type { TestRun } from '../../shared/test-models'
import { removeDir, tempDir } from '../testing/temp-dir'
import { TestRepo } from '../testing/test-repo'
import { createConfSettingsStore, createRouter, type Router } from '../api'
import { createFileLog } from './file-log'
import { trustOpenWorkspace } from '../testing/trust'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

// Git checkouts (worktrees, the setup cache's copies) keep git's modes; the private folders
// above them are what keeps other users out.
const GIT_MADE = /(^|\/)(worktrees|setup-cache)\/./

async function walk(
  root: string,
  dir = root
): Promise<{ path: string; mode: number; dir: boolean }[]> {
  const out: { path: string; mode: number; dir: boolean }[] = []
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    const rel = relative(root, path)
    const info = await lstat(path)
    if (info.isSymbolicLink()) continue
    if (GIT_MADE.test(rel)) continue
    out.push({ path: rel, mode: info.mode & 0o777, dir: info.isDirectory() })
    if (info.isDirectory()) out.push(...(await walk(root, path)))
  }
  return out
}

// Security review finding 8: test logs, results, release tarballs, slipway.log and settings
// were 0644 in a folder others could enter.
describe('files at rest', () => {
  let repo: TestRepo
  let dataDir: string
  let router: Router

  beforeAll(async () => {
    repo = TestRepo.create({
      prefix: 'slipway-at-rest-',
      files: {
        'slipway.yml':
          'test: { command: echo tested, timeoutSeconds: 60 }\n' +
          'build: { command: mkdir -p dist && echo app > dist/app.txt, artifact: dist }\n'
      }
    })
    dataDir = await tempDir('slipway-at-rest-data-')
    await chmod(dataDir, 0o755)
    router = createRouter({
      host: 'serve',
      version: '0.0.0',
      dataDir,
      settings: createConfSettingsStore(dataDir),
      log: createFileLog(join(dataDir, 'slipway.log'), () => undefined, false)
    })
  })
  afterAll(async () => {
    await router.dispose()
    repo.remove()
    await removeDir(dataDir)
  })

  it('keeps the data folder 0700 and every file Slipway writes 0600', async () => {
    value(await router.openWorkspace(repo.path))
    await trustOpenWorkspace(router)
    const done = new Promise<TestRun>((resolve) =>
      router.onEvent((e) => {
        if (e.event === 'tests.runChanged' && e.payload.run.status === 'passed') {
          resolve(e.payload.run)
        }
      })
    )
    value(await router.call('tests.request', { branch: 'main' }))
    await done
    value(await router.call('releases.create', {}))
    value(
      await router.call('hosts.trustKey', {
        host: 'example.test',
        port: 22,
        keyType: 'ssh-ed25519',
        key: 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl'
      })
    )
    createFileLog(join(dataDir, 'slipway.log'), () => undefined, false)('a bug', new Error('x'))

    const entries = await walk(dataDir)
    const files = entries.filter((e) => !e.dir).map((e) => e.path)
    // The flow wrote what the review found readable: settings, results, logs, a tarball.
    expect(files).toEqual(
      expect.arrayContaining([
        'settings.json',
        'slipway.log',
        'trusted_hosts',
        expect.stringMatching(/test-results\.jsonl$/),
        expect.stringMatching(/\.log$/),
        expect.stringMatching(/\.tar\.gz$/),
        expect.stringMatching(/release\.json$/)
      ])
    )
    expect((await lstat(dataDir)).mode & 0o777).toBe(0o700)
    const wrong = entries
      .filter((e) => e.mode !== (e.dir ? 0o700 : 0o600))
      .map((e) => `${e.path} ${e.mode.toString(8)}`)
    expect(wrong).toEqual([])
  })
})
