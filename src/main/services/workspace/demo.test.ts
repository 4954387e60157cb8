import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runGit } from '../git'
import { buildDemoRepository, ensureDemoWorkspace, isDemoRepository } from './demo'
import { DEMO_BRANCHES, DEMO_COMMITS } from './demo-history'
import { Team } from '../team'
import { DEMO_APPROVER, DEMO_REVIEWER, demoTeamPaths } from './demo-team'
import { loadWorkspace } from './workspace'

let dataDir: string
let demo: string

beforeAll(async () => {
  dataDir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-demo-')))
  demo = await ensureDemoWorkspace(dataDir)
})
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true })
})

async function git(...args: string[]): Promise<string> {
  return (await runGit(demo, args)).stdout.trim()
}

interface Run {
  readonly code: number | null
  readonly output: string
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {}
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, SLIPWAY_RELEASE: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** Checks `rev` out in a throwaway worktree (the demo's own checkout is never touched). */
async function withWorktree<T>(rev: string, body: (dir: string) => Promise<T>): Promise<T> {
  const sha = await git('rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`)
  const dir = join(await mkdtemp(join(tmpdir(), 'slipway-demo-wt-')), 'tree')
  await runGit(demo, ['worktree', 'add', '--quiet', '--detach', dir, sha])
  try {
    return await body(dir)
  } finally {
    await runGit(demo, ['worktree', 'remove', '--force', dir])
    await rm(join(dir, '..'), { recursive: true, force: true })
  }
}

describe('ensureDemoWorkspace', () => {
  it('creates a real repository with the demo pipeline', async () => {
    expect(demo).toBe(join(dataDir, 'demo', 'orders'))
    expect(await isDemoRepository(demo)).toBe(true)
    expect(await readdir(join(dataDir, 'demo'))).toEqual([
      'approver',
      'orders',
      'origin',
      'reviewer'
    ])
    expect(await git('status', '--porcelain')).toBe('')
    expect(await git('symbolic-ref', '--short', 'HEAD')).toBe('main')

    const ws = await loadWorkspace(demo, { isDemo: true })
    expect(ws.configProblems).toEqual([])
    expect(ws).toMatchObject({ name: 'orders', mainBranch: 'main', configSource: 'file' })
    const [staging, production] = ws.config.environments
    expect(staging).toMatchObject({ name: 'staging', deployOn: 'merge' })
    expect(staging?.hosts).toEqual([
      { local: '.slipway/hosts/staging-1', port: 4301, name: 'staging-1' }
    ])
    expect(staging?.healthCheck?.url).toBe('http://127.0.0.1:{port}/health')
    expect(production).toMatchObject({ name: 'production', promoteFrom: 'staging' })
    expect(production?.approvals?.required).toBe(1)
    expect(production?.freeze?.length).toBe(1)
    expect(production?.hosts.map((h) => h.port)).toEqual([4401, 4402])
  })

  it('has a ticketed, deterministic history on main', async () => {
    const count = Number(await git('rev-list', '--count', '--first-parent', 'main'))
    expect(count).toBeGreaterThanOrEqual(8)
    expect(count).toBeLessThanOrEqual(12)
    const subjects = (await git('log', '--first-parent', '--format=%s', 'main')).split('\n')
    expect(subjects.filter((s) => /ORD-\d+/.test(s))).toHaveLength(count)
    expect(subjects.at(-1)).toBe('ORD-101 Scaffold the orders service')
    const authors = new Set((await git('log', '--format=%an <%ae>', '--all')).split('\n'))
    expect(authors.size).toBe(4)

    // Same stream, same shas: another build matches commit for commit.
    const other = await mkdtemp(join(tmpdir(), 'slipway-demo-again-'))
    try {
      await buildDemoRepository(other)
      const refs = async (repo: string): Promise<string> =>
        (await runGit(repo, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads']))
          .stdout
      expect(await refs(other)).toBe(await refs(demo))
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  it('has the designed branches, ahead and behind main', async () => {
    const heads = (await git('for-each-ref', '--format=%(refname:short)', 'refs/heads')).split('\n')
    expect(heads.sort()).toEqual(['main', ...DEMO_BRANCHES.map((b) => b.name)].sort())
    const counts: Record<string, string> = {}
    for (const branch of DEMO_BRANCHES) {
      // left = only on main (behind), right = only on the branch (ahead)
      counts[branch.name] = await git(
        'rev-list',
        '--left-right',
        '--count',
        `refs/heads/main...refs/heads/${branch.name}`
      )
      expect(counts[branch.name]).toBe(`${branch.behind}\t${branch.ahead}`)
    }
    expect(counts).toEqual({
      'feature/ORD-120-csv-export': '8\t1',
      'feature/ORD-137-order-notes': '4\t0',
      'bugfix/rounding-cents': '2\t2',
      'feature/ORD-142-refund-endpoint': '0\t3',
      'feature/ORD-150-discount-codes': '0\t1'
    })
    for (const branch of DEMO_BRANCHES) {
      const merge = await runGit(
        demo,
        [
          'merge-tree',
          '--write-tree',
          '--name-only',
          'refs/heads/main',
          `refs/heads/${branch.name}`
        ],
        { okExitCodes: [0, 1] }
      )
      expect({ name: branch.name, conflicts: merge.exitCode === 1 }).toEqual({
        name: branch.name,
        conflicts: branch.conflictsWithMain
      })
    }
    // The rounding branch names its ticket only in commit subjects.
    const rounding = await git(
      'log',
      '--format=%s',
      'refs/heads/main..refs/heads/bugfix/rounding-cents'
    )
    expect(rounding.split('\n').every((s) => s.includes('ORD-131'))).toBe(true)
  })

  it('runs npm test green on main and every branch but ORD-150', async () => {
    for (const rev of ['main', ...DEMO_BRANCHES.map((b) => b.name)]) {
      const result = await withWorktree(`refs/heads/${rev}`, (dir) => run('npm', ['test'], dir))
      const designed = DEMO_BRANCHES.find((b) => b.name === rev)?.testsPass ?? true
      expect({ rev, passed: result.code === 0 }).toEqual({ rev, passed: designed })
      if (!designed) expect(result.output).toContain('adds tax to the subtotal')
      else expect(result.output).toMatch(/# fail 0/)
    }
    // npm test in one worktree per branch: minutes on the shared machine under load.
  }, 300_000)

  it('serves /health with the release id, from a checkout and from a build', async () => {
    const plain = await serve(demo, 'server.js')
    try {
      expect(await getJson(plain.port, '/health')).toEqual({ status: 'ok', release: 'dev' })
      const created = await fetch(`http://127.0.0.1:${plain.port}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer: 'Ada', items: [{ sku: 'TEA-1', quantity: 2, price: 10 }] })
      })
      expect(created.status).toBe(201)
      expect(await getJson(plain.port, '/orders/1')).toMatchObject({ id: '1', total: 24 })
    } finally {
      await plain.stop()
    }

    await withWorktree('refs/heads/main', async (dir) => {
      const build = await run('npm', ['run', 'build'], dir, { SLIPWAY_RELEASE: 'r-42' })
      expect(build.code).toBe(0)
      expect(await readFile(join(dir, 'dist', 'RELEASE'), 'utf8')).toBe('r-42\n')
      const built = await serve(join(dir, 'dist'), 'server.js')
      try {
        expect(await getJson(built.port, '/health')).toEqual({ status: 'ok', release: 'r-42' })
      } finally {
        await built.stop()
      }
    })
    expect(await git('status', '--porcelain')).toBe('')
  })

  it('has a team: a local bare origin with every branch, and the reviewer’s own clone', async () => {
    const { origin, reviewerClone, approverClone } = demoTeamPaths(demo)
    expect(origin).toBe(join(dataDir, 'demo', 'origin', 'orders.git'))
    expect(await git('config', 'remote.origin.url')).toBe(origin)
    const heads = async (repo: string, prefix: string): Promise<string> =>
      (await runGit(repo, ['for-each-ref', '--format=%(objectname) %(refname:lstrip=2)', prefix]))
        .stdout
    expect(await heads(origin, 'refs/heads')).toBe(await heads(demo, 'refs/heads'))
    // The checkout knows origin's branches and tracks them, as after a clone.
    const remote = await git('for-each-ref', '--format=%(refname:short)', 'refs/remotes/origin')
    expect(remote.split('\n')).toContain('origin/main')
    expect(await git('rev-parse', '--abbrev-ref', 'main@{upstream}')).toBe('origin/main')
    expect(await git('status', '--porcelain')).toBe('')
    // The reviewer works in a clone of their own, as themselves.
    const reviewer = async (...args: string[]): Promise<string> =>
      (await runGit(reviewerClone, args)).stdout.trim()
    expect(await reviewer('config', 'remote.origin.url')).toBe(origin)
    expect(await reviewer('config', 'user.name')).toBe(DEMO_REVIEWER.name)
    expect(await reviewer('config', 'user.email')).toBe(DEMO_REVIEWER.email)
    expect(await reviewer('rev-parse', 'HEAD')).toBe(await git('rev-parse', 'main'))

    // The release approver too, and she authored none of the demo's commits: she may approve
    // a promotion to production that ships them (authorCannotApprove), unlike Ben.
    const approver = async (...args: string[]): Promise<string> =>
      (await runGit(approverClone, args)).stdout.trim()
    expect(await approver('config', 'remote.origin.url')).toBe(origin)
    expect(await approver('config', 'user.email')).toBe(DEMO_APPROVER.email)
    expect(await approver('config', 'user.name')).toBe(DEMO_APPROVER.name)
    const authors = await git('log', '--all', '--format=%ae')
    expect(authors.split('\n')).not.toContain(DEMO_APPROVER.email)
    expect(authors.split('\n')).toContain(DEMO_REVIEWER.email)

    // A demo made before she joined gets her clone, and its origin is left as it is.
    const originHead = await runGit(origin, ['rev-parse', 'refs/heads/main'])
    await rm(join(dataDir, 'demo', 'approver'), { recursive: true, force: true })
    await runGit(origin, ['update-ref', 'refs/slipway/kept', 'refs/heads/main'])
    expect(await ensureDemoWorkspace(dataDir)).toBe(demo)
    expect(await approver('config', 'user.email')).toBe(DEMO_APPROVER.email)
    expect((await runGit(origin, ['rev-parse', 'refs/slipway/kept'])).stdout).toBe(
      originHead.stdout
    )

    // A deleted origin is made again from the checkout.
    await rm(join(dataDir, 'demo', 'origin'), { recursive: true, force: true })
    expect(await ensureDemoWorkspace(dataDir)).toBe(demo)
    expect(await heads(origin, 'refs/heads')).toBe(await heads(demo, 'refs/heads'))
  })

  it('tracks every ticket its history names, so each ticket chip opens a real ticket', async () => {
    const ws = await loadWorkspace(demo, { isDemo: true })
    const named = new Set<string>()
    for (const c of DEMO_COMMITS) for (const k of c.message.match(/ORD-[0-9]+/g) ?? []) named.add(k)
    for (const b of DEMO_BRANCHES) for (const k of b.tickets) named.add(k)
    const team = await Team.open({ repo: demo, config: ws.config, mainBranch: ws.mainBranch })
    const tickets = await team.tickets.list()
    expect(tickets.map((t) => t.key).sort()).toEqual([...named].sort())
    expect(tickets.every((t) => t.keyConfirmed)).toBe(true)
    const refund = await team.tickets.detail('ORD-142')
    expect(refund.ticket).toMatchObject({
      status: 'in-progress',
      assignee: 'Chen Wei',
      createdBy: { name: 'Chen Wei', email: 'chen@orders.example' }
    })
    expect(refund.branches.map((b) => b.name)).toContain('feature/ORD-142-refund-endpoint')
    expect((await team.tickets.detail('ORD-115')).ticket.status).toBe('done')
    // Kept as team state, not in the checkout.
    expect(await git('status', '--porcelain')).toBe('')
    // Ben sees them through origin after a sync, as a teammate would.
    expect((await team.sync.sync()).kind).toBe('synced')
    const ben = await Team.open({
      repo: demoTeamPaths(demo).reviewerClone,
      config: ws.config,
      mainBranch: ws.mainBranch
    })
    expect((await ben.sync.sync()).kind).toBe('synced')
    expect((await ben.tickets.list()).map((t) => t.key)).toEqual(tickets.map((t) => t.key))
    // A new ticket continues after the history's keys.
    expect((await team.tickets.create({ title: 'Export refunds for finance' })).key).toBe('ORD-151')
  })

  it('leaves a valid demo alone', async () => {
    await writeFile(join(demo, 'notes.txt'), 'mine\n')
    const main = await git('rev-parse', 'refs/heads/main')
    expect(await ensureDemoWorkspace(dataDir)).toBe(demo)
    expect(await git('rev-parse', 'refs/heads/main')).toBe(main)
    expect(await readFile(join(demo, 'notes.txt'), 'utf8')).toBe('mine\n')
    await rm(join(demo, 'notes.txt'))
  })

  it('re-creates the demo after deletion or when it is not a repository', async () => {
    const main = await git('rev-parse', 'refs/heads/main')
    await rm(demo, { recursive: true, force: true })
    expect(await ensureDemoWorkspace(dataDir)).toBe(demo)
    expect(await git('rev-parse', 'refs/heads/main')).toBe(main)

    await rm(demo, { recursive: true, force: true })
    await mkdir(demo)
    await writeFile(join(demo, 'stray.txt'), 'not a repo\n')
    expect(await isDemoRepository(demo)).toBe(false)
    expect(await ensureDemoWorkspace(dataDir)).toBe(demo)
    expect(await isDemoRepository(demo)).toBe(true)
    expect(await stat(join(demo, 'stray.txt')).catch(() => null)).toBeNull()
    expect(await readdir(join(dataDir, 'demo'))).toEqual([
      'approver',
      'orders',
      'origin',
      'reviewer'
    ])
  })

  it('survives concurrent first runs: every call returns a whole demo, team included', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'slipway-demo-race-'))
    try {
      // Checked the moment each call returns (synchronously): a call that returned while
      // another still made the team handed out a demo without its clones.
      const wholeAt = (path: string): boolean => {
        const team = demoTeamPaths(path)
        return [team.origin, team.reviewerClone, team.approverClone].every((dir) =>
          existsSync(join(dir, dir === team.origin ? 'HEAD' : 'README.md'))
        )
      }
      const paths = await Promise.all(
        Array.from({ length: 4 }, () =>
          ensureDemoWorkspace(fresh).then((path) => ({ path, whole: wholeAt(path) }))
        )
      )
      expect(paths.map((p) => p.whole)).toEqual([true, true, true, true])
      expect(new Set(paths.map((p) => p.path)).size).toBe(1)
      expect(await isDemoRepository(paths[0].path)).toBe(true)
      expect(await readdir(join(fresh, 'demo'))).toEqual([
        'approver',
        'orders',
        'origin',
        'reviewer'
      ])
      const team = demoTeamPaths(paths[0].path)
      const main = await runGit(paths[0].path, ['rev-parse', 'main'])
      const onOrigin = await runGit(team.reviewerClone, ['rev-parse', 'origin/main'])
      expect(onOrigin.stdout).toBe(main.stdout)
    } finally {
      await rm(fresh, { recursive: true, force: true })
    }
  })
})

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Starts `node <script>` in `cwd` on a free loopback port; resolves once it listens. */
async function serve(
  cwd: string,
  script: string
): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort()
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, SLIPWAY_RELEASE: undefined, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
  }
  try {
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 10_000)
      const onData = (b: Buffer): void => {
        output += b.toString()
        if (output.includes('listening on')) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`server exited with ${code}: ${output}`))
      })
    })
  } catch (err) {
    await stop()
    throw err
  }
  return { port, stop }
}

async function getJson(port: number, path: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`)
  expect(response.status).toBe(200)
  return response.json()
}
