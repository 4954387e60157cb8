import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import { ExpectedError } from '../errors'
import {
  createRelease,
  getRelease,
  listReleases,
  pruneReleases,
  readReleases,
  type CreateReleaseOptions,
  type ReleaseProgress
} from '.'
import { buildConfig } from '../../testing/fixture-repos'
import { TestRepo } from '../../testing/test-repo'

const temps: string[] = []
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temps.push(dir)
  return dir
}

// A build like a real one: compiles into dist/, stamps the release, keeps an executable.
const BUILD = [
  'mkdir -p dist/lib',
  'cp app.js dist/',
  'cp lib/*.js dist/lib/',
  'printf "%s\\n" "$SLIPWAY_RELEASE" > dist/RELEASE',
  'printf "%s %s\\n" "$CI" "$SLIPWAY_COMMIT" > dist/BUILD_ENV',
  'printf "#!/bin/sh\\necho start\\n" > dist/start.sh && chmod +x dist/start.sh',
  'echo "built $SLIPWAY_RELEASE"'
].join(' && ')

let repo: TestRepo
let first: string
beforeAll(() => {
  repo = TestRepo.create({ prefix: 'slipway-release-repo-' })
  temps.push(repo.path)
  first = repo.commitFiles('ORD-1 Start the app', {
    'app.js': 'console.log("app")\n',
    'lib/util.js': 'export const u = 1\n',
    '.gitignore': 'dist/\n'
  })
})
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

function options(dir: string, extra: Partial<CreateReleaseOptions> = {}): CreateReleaseOptions {
  return {
    workspacePath: repo.path,
    dir,
    config: buildConfig(BUILD),
    mainBranch: 'main',
    ticketPattern: 'ORD-[0-9]+',
    createdBy: 'ada@laptop',
    ...extra
  }
}

function extract(tarball: string): string {
  const into = temp('slipway-unpacked-')
  execFileSync('tar', ['-xzf', tarball, '-C', into])
  return into
}

async function failure(promise: Promise<unknown>): Promise<ExpectedError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(ExpectedError)
  return err as ExpectedError
}

/** The store holds nothing but published releases: no staging folder left behind. */
function storeFolders(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

describe('createRelease', () => {
  it('builds in a worktree, packs the artifact and records the manifest', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const progress: ReleaseProgress[] = []
    const release = await createRelease(options(dir, { onProgress: (p) => progress.push(p) }))

    expect(release.id).toMatch(new RegExp(`^\\d{8}\\.\\d{4}-${first.slice(0, 7)}$`))
    expect(release).toMatchObject({
      commit: first,
      subject: 'ORD-1 Start the app',
      createdBy: 'ada@laptop',
      previousId: null,
      tickets: ['ORD-1'],
      commits: [{ sha: first, subject: 'ORD-1 Start the app' }]
    })
    expect(Math.abs(Date.parse(release.createdAt) - Date.now())).toBeLessThan(60_000)
    const bytes = readFileSync(release.tarballPath)
    expect(release.tarballPath).toBe(join(dir, release.id, 'release.tar.gz'))
    expect(release.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(release.sizeBytes).toBe(bytes.length)

    const x = extract(release.tarballPath)
    expect(readdirSync(x).sort()).toEqual(['BUILD_ENV', 'RELEASE', 'app.js', 'lib', 'start.sh'])
    expect(readFileSync(join(x, 'RELEASE'), 'utf8')).toBe(`${release.id}\n`)
    expect(readFileSync(join(x, 'BUILD_ENV'), 'utf8')).toBe(`true ${first}\n`)
    expect(readFileSync(join(x, 'lib', 'util.js'), 'utf8')).toBe('export const u = 1\n')
    expect(statSync(join(x, 'start.sh')).mode & 0o777).toBe(0o755)

    expect(progress[0]).toEqual({ kind: 'worktree' })
    expect(progress).toContainEqual({ kind: 'build', line: `built ${release.id}` })
    expect(progress).toContainEqual({ kind: 'pack', files: 6 })
    expect(progress.at(-1)).toMatchObject({ kind: 'done', release: { id: release.id } })

    // The user's checkout is untouched and the build worktree is gone.
    expect(existsSync(join(repo.path, 'dist'))).toBe(false)
    expect(repo.git(['status', '--porcelain'])).toBe('')
    expect(repo.worktrees()).toEqual([repo.path])
    expect(storeFolders(dir)).toEqual([release.id])
    expect(readdirSync(join(dir, release.id)).sort()).toEqual(['release.json', 'release.tar.gz'])

    expect(await getRelease(dir, release.id)).toEqual(release)
    expect(await listReleases(dir)).toEqual([release])
  })

  it('builds with an allow-listed environment: build.env and its own HOME, no secrets', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, { SSH_AUTH_SOCK: '/tmp/agent.sock', GITHUB_TOKEN: 'ghp_secret' })
    try {
      const dump = 'mkdir -p dist && env > dist/ENV && ls -A "$HOME" > dist/HOME_FILES'
      const config = SlipwayConfigSchema.parse({
        build: { command: dump, artifact: 'dist', env: { NODE_ENV: 'production' } }
      })
      const dir = temp('slipway-releases-')
      const stored = await createRelease(options(dir, { config }))
      const out = extract(stored.tarballPath)
      const env = readFileSync(join(out, 'ENV'), 'utf8')
      expect(env).toContain('NODE_ENV=production')
      expect(env).toContain('CI=true')
      expect(env).toMatch(new RegExp(`^HOME=${dir}/`, 'm'))
      expect(env).not.toContain('SSH_AUTH_SOCK')
      expect(env).not.toContain('ghp_secret')
      expect(readFileSync(join(out, 'HOME_FILES'), 'utf8')).toBe('')
      expect(readdirSync(join(dir, stored.id))).not.toContain('run-home')
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    }
  })

  it('gives byte-identical tarballs for two builds of the same commit, under new ids', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const config = buildConfig('mkdir -p dist && cp -r app.js lib dist/')
    const one = await createRelease(options(dir, { config }))
    const two = await createRelease(options(dir, { config }))
    expect(two.id).not.toBe(one.id)
    // Same minute: the suffix rule; otherwise a later minute.
    if (two.id.slice(0, 13) === one.id.slice(0, 13)) expect(two.id).toBe(`${one.id}-2`)
    expect(two.sha256).toBe(one.sha256)
    expect(readFileSync(two.tarballPath).equals(readFileSync(one.tarballPath))).toBe(true)
    // The same commit again: the previous release is that one, and nothing is new.
    expect(two).toMatchObject({ previousId: one.id, commits: [], tickets: [] })
    expect((await listReleases(dir)).map((r) => r.id)).toEqual([two.id, one.id])
  })

  it('lists the commits and tickets since the previous release of the same line', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const base = await createRelease(options(dir))
    // A side branch merged into main, with a subject full of shell metacharacters.
    repo.git(['checkout', '--quiet', '-b', "feature/ORD-3-$(touch${IFS}pwned)';`id`"])
    const side = repo.commitFiles("ORD-3 Refunds $(touch /tmp/pwned) `id` 'quoted' ; rm -rf /", {
      'lib/refund.js': 'export const r = 1\n'
    })
    repo.git(['checkout', '--quiet', 'main'])
    const direct = repo.commitFiles('ORD-2 Totals (and ORD-1 follow-up)', {
      'lib/totals.js': 'export const t = 1\n'
    })
    repo.git([
      'merge',
      '--quiet',
      '--no-ff',
      '-m',
      'Merge ORD-3',
      "feature/ORD-3-$(touch${IFS}pwned)';`id`"
    ])
    const merge = repo.git(['rev-parse', 'HEAD'])

    const next = await createRelease(options(dir))
    expect(next.previousId).toBe(base.id)
    expect(next.commit).toBe(merge)
    expect(next.subject).toBe('Merge ORD-3')
    expect(next.commits.map((c) => c.sha).sort()).toEqual([merge, side, direct].sort())
    expect(next.commits[0]).toEqual({ sha: merge, subject: 'Merge ORD-3' })
    expect(next.commits).toContainEqual({
      sha: side,
      subject: "ORD-3 Refunds $(touch /tmp/pwned) `id` 'quoted' ; rm -rf /"
    })
    expect([...next.tickets].sort()).toEqual(['ORD-1', 'ORD-2', 'ORD-3'])
    expect(existsSync('/tmp/pwned')).toBe(false)
    expect(existsSync(join(repo.path, 'pwned'))).toBe(false)
    expect(readdirSync(extract(next.tarballPath)).sort()).toEqual([
      'BUILD_ENV',
      'RELEASE',
      'app.js',
      'lib',
      'start.sh'
    ])

    // An older commit of main is built too; its previous release is the one before it.
    const old = await createRelease(options(dir, { commit: first }))
    expect(old.commit).toBe(first)
    expect(old.previousId).toBe(base.id)
  })

  it('reports a failing build with its last error line and leaves nothing behind', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const lines: string[] = []
    const err = await failure(
      createRelease(
        options(dir, {
          config: buildConfig('echo compiling; echo "error: no compiler for lib/x.c" >&2; exit 3'),
          onProgress: (p) => p.kind === 'build' && lines.push(p.line)
        })
      )
    )
    expect(err.code).toBe('build-failed')
    expect(err.message).toBe('build failed (exit 3): error: no compiler for lib/x.c')
    expect((err.details as { log?: string }).log).toBe('compiling\nerror: no compiler for lib/x.c')
    expect(lines).toEqual(['compiling', 'error: no compiler for lib/x.c'])
    expect(repo.worktrees()).toEqual([repo.path])
    expect(storeFolders(dir)).toEqual([])
  })

  it('names a missing artifact folder', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const err = await failure(
      createRelease(options(dir, { config: buildConfig('echo nothing to do', 'build/out') }))
    )
    expect(err.code).toBe('build-failed')
    expect(err.message).toBe('the build did not produce the artifact folder build/out')
    expect(repo.worktrees()).toEqual([repo.path])
    expect(storeFolders(dir)).toEqual([])
  })

  it('refuses a config without build, an artifact outside the checkout and commits off main', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const noBuild = { ...buildConfig('true') }
    delete (noBuild as { build?: unknown }).build
    const a = await failure(createRelease(options(dir, { config: noBuild })))
    expect(a.code).toBe('bad-config')
    expect(a.message).toMatch(/^slipway.yml has no build section/)

    const b = await failure(createRelease(options(dir, { config: buildConfig('true', '../..') })))
    expect(b.code).toBe('bad-config')

    repo.git(['checkout', '--quiet', '-b', 'side-only'])
    const off = repo.commitFiles('not on main', { 'side.txt': 'x' })
    repo.git(['checkout', '--quiet', 'main'])
    const c = await failure(createRelease(options(dir, { commit: off })))
    expect(c.code).toBe('bad-request')
    expect(c.message).toMatch(/is not on main/)

    const d = await failure(createRelease(options(dir, { commit: '--output=/tmp/x' })))
    expect(d.code).toBe('not-found')
    expect(repo.worktrees()).toEqual([repo.path])
    expect(storeFolders(dir)).toEqual([])
  })

  it('cancels a running build: the whole process group is killed', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const controller = new AbortController()
    let child = 0
    const err = await failure(
      createRelease(
        options(dir, {
          // A grandchild that would outlive a plain kill of the shell, and the test's timeout.
          config: buildConfig('sleep 600 & echo "child $!"; wait'),
          signal: controller.signal,
          onProgress: (p) => {
            if (p.kind === 'build' && p.line.startsWith('child ')) {
              child = Number(p.line.slice(6))
              controller.abort()
            }
          }
        })
      )
    )
    expect(err.code).toBe('cancelled')
    expect(child).toBeGreaterThan(0)
    // A killed process needs a moment to become a zombie (which counts as gone).
    for (let i = 0; i < 200 && isRunning(child); i++) await new Promise((r) => setTimeout(r, 25))
    expect(isRunning(child)).toBe(false)
    expect(repo.worktrees()).toEqual([repo.path])
    expect(storeFolders(dir)).toEqual([])
  })

  it('times out a build that takes too long', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const err = await failure(
      createRelease(options(dir, { config: buildConfig('sleep 20'), buildTimeoutMs: 300 }))
    )
    expect(err.code).toBe('timeout')
    expect(repo.worktrees()).toEqual([repo.path])
  })

  it('keeps long names and symlinks and refuses a link out of the artifact', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const long = `${'long-folder-name-'.repeat(5)}/${'long-file-name-'.repeat(8)}.txt`
    const build = [
      `mkdir -p "dist/${long.split('/')[0]}"`,
      `echo long > "dist/${long}"`,
      'ln -s app.js dist/current.js',
      'cp app.js dist/'
    ].join(' && ')
    const release = await createRelease(options(dir, { config: buildConfig(build) }))
    const x = extract(release.tarballPath)
    expect(readFileSync(join(x, long), 'utf8')).toBe('long\n')
    expect(readlinkSync(join(x, 'current.js'))).toBe('app.js')

    const escape = await failure(
      createRelease(options(dir, { config: buildConfig('mkdir dist && ln -s ../../etc dist/etc') }))
    )
    expect(escape.code).toBe('build-failed')
    expect(escape.message).toMatch(/symlink etc points outside the artifact/)
    expect(repo.worktrees()).toEqual([repo.path])
  })
})

describe('release store', () => {
  it('prunes the oldest releases, never a protected one', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const config = buildConfig('mkdir dist && echo "$SLIPWAY_RELEASE" > dist/id')
    const made = []
    for (let i = 0; i < 4; i += 1) made.push(await createRelease(options(dir, { config })))
    const [oldest, second, third, newest] = made
    expect((await listReleases(dir)).map((r) => r.id)).toEqual(made.map((r) => r.id).reverse())

    const removed = await pruneReleases(dir, 1, [oldest!.id])
    expect(removed).toEqual([third!.id, second!.id])
    expect((await listReleases(dir)).map((r) => r.id)).toEqual([newest!.id, oldest!.id])
    expect(storeFolders(dir)).toEqual([oldest!.id, newest!.id].sort())
    expect(await pruneReleases(dir, 5)).toEqual([])
    await expect(pruneReleases(dir, -1)).rejects.toMatchObject({ code: 'bad-request' })
  })

  it('skips and reports damaged folders; checks ids from outside', async () => {
    const dir = join(temp('slipway-store-'), 'releases')
    const good = await createRelease(options(dir, { config: buildConfig('mkdir dist') }))
    mkdirSync(join(dir, '20260101.0000-abcdef0'))
    writeFileSync(join(dir, '20260101.0000-abcdef0', 'release.json'), '{ not json')
    mkdirSync(join(dir, 'not-a-release'))
    const problems: string[] = []
    expect(await listReleases(dir, (p) => problems.push(p.folder))).toEqual([good])
    expect(problems.sort()).toEqual(['20260101.0000-abcdef0', 'not-a-release'])
    expect((await readReleases(dir)).problems).toHaveLength(2)

    await expect(getRelease(dir, '../../etc/passwd')).rejects.toMatchObject({ code: 'bad-request' })
    await expect(getRelease(dir, '20260101.0000-abcdef1')).rejects.toMatchObject({
      code: 'not-found'
    })
    await expect(getRelease(dir, '20260101.0000-abcdef0')).rejects.toMatchObject({
      code: 'not-found'
    })
    expect(await listReleases(join(dir, 'missing'))).toEqual([])
  })
})

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // A zombie (killed, not yet reaped by init in a container) is not running.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return !/^\d+ \(.*\) Z/.test(stat)
}
