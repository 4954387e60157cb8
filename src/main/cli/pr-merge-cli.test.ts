import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, SLIPWAY_BIN, type CliRun } from '../testing/cli-process'
import { git, TeamRepos } from '../testing/team-repos'
import { removeDir, tempDir } from '../testing/temp-dir'

// `slipway pr merge` as people run it: two clones of one bare origin, two identities and data
// folders, real processes. The merge-result test waits for a gate file, so the test decides
// when it ends; meanwhile Ben pushes to main from his own clone, so Ana's merge finds that
// origin's main moved when it pushes.

/** A CLI process on a pseudo-terminal (`script`), its output (stdout and stderr) as it comes. */
class TerminalRun {
  output = ''
  readonly exited: Promise<number | null>
  private readonly child

  constructor(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
    const line = [process.execPath, SLIPWAY_BIN, ...args].map(quote).join(' ')
    this.child = spawn('script', ['-q', '-e', '-c', line, '/dev/null'], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    this.child.stdout.on('data', (b: Buffer) => (this.output += b.toString()))
    this.child.stderr.on('data', (b: Buffer) => (this.output += b.toString()))
    this.exited = new Promise((done) => this.child.on('close', (code) => done(code)))
  }

  /** Resolves once the output matches `pattern`; fails after `ms`. */
  async waitFor(pattern: RegExp, ms = 240_000): Promise<void> {
    const until = Date.now() + ms
    while (!pattern.test(this.output)) {
      if (Date.now() > until) throw new Error(`no ${pattern} in:\n${this.output}`)
      if (this.child.exitCode !== null) throw new Error(`exited before ${pattern}:\n${this.output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  type(text: string): void {
    this.child.stdin.write(text)
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL')
  }
}

async function waitForFile(path: string): Promise<void> {
  const until = Date.now() + 240_000
  while (!existsSync(path)) {
    if (Date.now() > until) throw new Error(`${path} never appeared`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('slipway pr merge: progress, and asking again after origin main moved', () => {
  let repos: TeamRepos
  let ana: string
  let ben: string
  let gates: string
  const dirs: string[] = []
  const envs = new Map<string, NodeJS.ProcessEnv>()

  const as = async (who: string, ...args: string[]): Promise<CliRun> =>
    runCli(args, { cwd: who, env: envs.get(who) ?? process.env, timeoutMs: 240_000 })
  const ok = async (who: string, ...args: string[]): Promise<string> => {
    const r = await as(who, ...args)
    expect(r.code, `slipway ${args.join(' ')}: ${r.stderr}`).toBe(0)
    return r.stdout
  }
  const commit = (path: string, file: string, subject: string): string => {
    writeFileSync(join(path, file), `${subject}\n`)
    git(path, ['add', file])
    git(path, ['commit', '--quiet', '-m', subject])
    return git(path, ['rev-parse', 'HEAD'])
  }
  /** Ana opens a pull request for a new branch; Ben approves it from his clone. */
  const approvedPull = async (branch: string): Promise<string> => {
    git(ana, ['switch', '--quiet', '-c', branch, 'origin/main'])
    const head = commit(ana, `${branch}.txt`, `${branch} work`)
    git(ana, ['switch', '--quiet', 'main'])
    await ok(ana, 'pr', 'open', branch)
    await ok(ben, 'sync')
    await ok(ben, 'pr', 'approve', branch)
    return head
  }
  /** Ben pushes a commit to main from his own clone. */
  const benPushesToMain = (subject: string): string => {
    git(ben, ['switch', '--quiet', 'main'])
    git(ben, ['pull', '--quiet', '--ff-only', 'origin', 'main'])
    const sha = commit(ben, `${subject.replace(/\W+/g, '-')}.txt`, subject)
    git(ben, ['push', '--quiet', 'origin', 'main'])
    return sha
  }

  beforeAll(async () => {
    repos = TeamRepos.create()
    gates = await tempDir('slipway-merge-gates-')
    dirs.push(gates)
    const seed = repos.clone('seed', 'Seed', 'seed@example.com')
    // Each merge-result test waits until the test creates its gate (the branch's name).
    writeFileSync(
      join(seed, 'slipway.yml'),
      `project: orders
tickets:
  pattern: 'ORD-[0-9]+'
test:
  command: 'touch "$GATES/$SLIPWAY_BRANCH.started"; while [ ! -e "$GATES/$SLIPWAY_BRANCH" ]; do sleep 0.2; done'
  timeoutSeconds: 200
  concurrency: 1
  env: { GATES: '${gates}' }
pullRequests:
  approvals: 1
`
    )
    git(seed, ['add', 'slipway.yml'])
    git(seed, ['commit', '--quiet', '-m', 'Pipeline'])
    git(seed, ['push', '--quiet', 'origin', 'main'])
    ana = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    ben = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    for (const who of [ana, ben]) {
      const dir = await tempDir('slipway-merge-cli-')
      dirs.push(dir)
      envs.set(who, { ...process.env, SLIPWAY_DATA_DIR: dir, SLIPWAY_DEBUG: '' })
    }
    const warm = await as(ana, '--version')
    expect(warm.code, warm.stderr).toBe(0)
    for (const env of envs.values()) env.SLIPWAY_SKIP_BUILD = '1'
  }, 240_000)
  afterAll(async () => {
    repos.remove()
    for (const d of dirs) await removeDir(d)
  })

  it('on a terminal: follows the merge-result test, retests after Ben pushed to main, asks again and merges', async () => {
    const head = await approvedPull('ORD-1-gated')
    let benMain = ''
    const run = new TerminalRun(['pr', 'merge', 'ORD-1-gated', '--trust'], ana, envs.get(ana) ?? {})
    try {
      // Never tested: the merge starts the merge-result test and waits for it, saying so.
      await run.waitFor(/merge-result test of ORD-1-gated with main at [0-9a-f]{8}: running…/)
      benMain = benPushesToMain('Hotfix from Ben')
      // Progress while it runs, not silence.
      await run.waitFor(/merge-result test of ORD-1-gated .*: still running \(\d+ s\)…/)
      writeFileSync(join(gates, 'ORD-1-gated'), '')
      await run.waitFor(/passed in [0-9.]+ s/)
      // The push finds origin's main moved: the merge result is retested at Ben's commit.
      await run.waitFor(/origin's main moved to [0-9a-f]{8} while merging; nothing was merged/)
      await run.waitFor(
        new RegExp(
          `the merge result with main at ${benMain.slice(0, 8)} passed\\. Merge again\\? \\[y/N\\]`
        )
      )
      expect(git(repos.origin, ['rev-parse', 'main'])).toBe(benMain)
      run.type('y\n')
      expect(await run.exited, run.output).toBe(0)
    } finally {
      run.kill()
    }
    expect(run.output).toMatch(/Merged ORD-1-gated into main: [0-9a-f]{8} \(pushed to origin\)/)
    const originMain = git(repos.origin, ['rev-parse', 'main'])
    const parents = git(repos.origin, ['rev-list', '--parents', '-1', originMain]).split(' ')
    expect(parents.slice(1)).toEqual([benMain, head])
  }, 600_000)

  it('without a terminal: exits 1 naming what to run once the retest passed', async () => {
    await approvedPull('ORD-2-gated')
    const merging = as(ana, 'pr', 'merge', 'ORD-2-gated', '--trust')
    // Ben pushes while Ana's merge waits for its merge-result test.
    await waitForFile(join(gates, 'ORD-2-gated.started'))
    const benMain = benPushesToMain('More from Ben')
    writeFileSync(join(gates, 'ORD-2-gated'), '')
    const r = await merging
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain(
      'slipway: testing the merge result with main (the merge waits for it)…'
    )
    expect(r.stderr).toMatch(/origin's main moved to [0-9a-f]{8} while merging/)
    expect(r.stderr).toContain(
      `slipway: not merged; once the merge result with main at ${benMain.slice(0, 8)} passed, run: slipway pr merge ORD-2-gated\n`
    )
    expect(git(repos.origin, ['rev-parse', 'main'])).toBe(benMain)
  }, 600_000)
})
