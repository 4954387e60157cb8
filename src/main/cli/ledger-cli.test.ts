import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerRecord, LedgerVerifyReport } from '../../shared/ledger-models'
import { runCli, type CliRun } from '../testing/cli-process'
import { git, TeamRepos } from '../testing/team-repos'
import { removeDir, tempDir } from '../testing/temp-dir'

// Two people, two clones of one bare origin, each with their own git identity and data folder,
// one shared local host: Ana releases and deploys, the ledger travels by `slipway sync`, Ben
// verifies it against the host; then Ana's clone is rewritten by hand and verify says where.
describe('slipway ledger across two clones (real processes)', () => {
  let repos: TeamRepos
  let ana: string
  let ben: string
  const dirs: string[] = []
  const envs = new Map<string, NodeJS.ProcessEnv>()

  const as = (who: string, ...args: string[]): Promise<CliRun> =>
    runCli(args, { cwd: who, env: envs.get(who) ?? process.env, timeoutMs: 240_000 })
  const ok = async (who: string, ...args: string[]): Promise<string> => {
    const r = await as(who, ...args)
    expect(r.code, `slipway ${args.join(' ')}: ${r.stderr}`).toBe(0)
    return r.stdout
  }

  beforeAll(async () => {
    repos = TeamRepos.create()
    const seed = repos.clone('seed', 'Seed', 'seed@example.com')
    const host = join(repos.root, 'hosts', 'staging-1')
    writeFileSync(
      join(seed, 'slipway.yml'),
      [
        'project: orders',
        'build:',
        `  command: mkdir -p out && printf '%s' "$SLIPWAY_RELEASE" > out/RELEASE`,
        '  artifact: out',
        'environments:',
        '  - name: staging',
        '    hosts:',
        `      - { local: '${host}', name: staging-1 }`,
        ''
      ].join('\n')
    )
    git(seed, ['add', 'slipway.yml'])
    git(seed, ['commit', '--quiet', '-m', 'ORD-7 Pipeline'])
    git(seed, ['push', '--quiet', 'origin', 'main'])
    ana = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    ben = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    for (const who of [ana, ben]) {
      const dir = await tempDir('slipway-ledger-cli-')
      dirs.push(dir)
      envs.set(who, { ...process.env, SLIPWAY_DATA_DIR: dir, SLIPWAY_DEBUG: '' })
    }
    const warm = await as(ana, '--version')
    expect(warm.code, warm.stderr).toBe(0)
    for (const env of envs.values()) env.SLIPWAY_SKIP_BUILD = '1'
  }, 300_000)

  afterAll(async () => {
    repos?.remove()
    for (const d of dirs) await removeDir(d)
  })

  it('records a deploy, syncs the ledger, verifies it on the other clone and catches a rewrite', async () => {
    // --trust: Ana has read slipway.yml's build, hook and health commands (scripts say so).
    const id = (await ok(ana, 'release', 'create', '--trust')).trim()
    await ok(ana, 'deploy', id, 'staging', '--reason', 'ORD-7 first deploy', '--trust')
    const listed = JSON.parse(await ok(ana, 'ledger', 'list', '--json')) as LedgerRecord[]
    expect(listed.map((r) => r.entry.kind)).toEqual(['deployment', 'lock', 'deployment', 'release'])
    expect(await ok(ana, 'ledger', 'verify')).toMatch(/^ledger verified: 4 entries/)
    await ok(ana, 'sync')
    await ok(ben, 'sync')

    const report = JSON.parse(await ok(ben, 'ledger', 'verify', '--json')) as LedgerVerifyReport
    expect(report).toMatchObject({ ok: true, entries: 4, findings: [] })
    expect(report.hosts.checked).toBe(1)
    const csv = await as(ben, 'ledger', 'export', '--csv', '--outcome', 'succeeded')
    expect(csv.code).toBe(0)
    expect(csv.stderr).toBe('1 entry exported\n')
    expect(csv.stdout).toContain(`deployment,staging,${id},succeeded,`)
    expect(csv.stdout).toContain('Ana Lima <ana@example.com>')
    const json = JSON.parse(await ok(ben, 'ledger', 'export')) as LedgerRecord[]
    expect(json.map((r) => r.position)).toEqual([1, 2, 3, 4])

    // Someone with access to Ana's clone drops the release entry (position 1) and rebuilds the
    // chain on top of it: the tip Ana verified is gone, and so is what the entry said.
    const shas = git(ana, ['rev-list', '--reverse', 'refs/slipway/ledger']).split('\n')
    let parent = ''
    for (const sha of shas.slice(1)) {
      const raw = git(ana, ['cat-file', 'commit', sha]).replace(/^parent .*\n/m, '')
      const text = parent ? raw.replace(/^(tree .*\n)/, `$1parent ${parent}\n`) : raw
      parent = git(ana, ['hash-object', '-t', 'commit', '-w', '--stdin'], text + '\n')
    }
    git(ana, ['update-ref', 'refs/slipway/ledger', parent])
    const caught = await as(ana, 'ledger', 'verify')
    expect(caught.code).toBe(1)
    expect(caught.stdout).toMatch(/^ledger NOT verified: 2 problems in 3 entries/)
    expect(caught.stdout).toContain('history rewritten')
    expect(caught.stdout).toMatch(/#1 disappeared: release .* built by/)
    // Bad usage is exit code 2.
    expect((await as(ana, 'ledger', 'export', '--outcome', 'great')).code).toBe(2)
  }, 600_000)
})
