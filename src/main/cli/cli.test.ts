import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SLIPWAY_BIN, runCliSync, type CliRun } from '../testing/cli-process'
import { makeSampleRepo } from '../testing/fixture-repos'
import { removeDir, tempDir } from '../testing/temp-dir'

const bin = SLIPWAY_BIN

describe('slipway CLI (real process)', () => {
  let repo: string
  let dataDir: string
  let env: NodeJS.ProcessEnv

  const run = (...args: string[]): CliRun => runCliSync(args, { cwd: repo, env })

  beforeAll(async () => {
    repo = await makeSampleRepo()
    dataDir = await tempDir('slipway-cli-data-')
    env = { ...process.env, SLIPWAY_DATA_DIR: dataDir, SLIPWAY_DEBUG: '' }
    // Build once if stale, so each test measures the CLI rather than the build.
    const warm = run('--version')
    expect(warm.code, warm.stderr).toBe(0)
    // Others may edit src/ while this suite runs; do not rebuild (and print "building…") mid-way.
    env.SLIPWAY_SKIP_BUILD = '1'
  })
  afterAll(async () => {
    await removeDir(repo)
    await removeDir(dataDir)
  })

  it('prints the version and the help', () => {
    const version = run('--version')
    expect(version.stdout).toMatch(/^slipway \d+\.\d+\.\d+/)
    const help = run('--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: slipway <command>')
    expect(help.stdout).toContain('branches')
    expect(help.stdout).toContain('serve')
  })

  it('branches --json prints every branch with name, sha, ahead, behind and tickets', () => {
    const r = run('branches', '--workspace', repo, '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    const branches = JSON.parse(r.stdout) as Array<Record<string, unknown>>
    expect(branches.map((b) => b.name).sort()).toEqual([
      'feature/ORD-1-login',
      'fix/no-ticket',
      'main'
    ])
    const feature = branches.find((b) => b.name === 'feature/ORD-1-login')
    expect(feature).toMatchObject({
      ahead: 2,
      behind: 1,
      tickets: ['ORD-1', 'ORD-2'],
      isMain: false
    })
    expect(feature?.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(branches.find((b) => b.name === 'main')).toMatchObject({
      ahead: 0,
      behind: 0,
      isMain: true
    })
  })

  it('branches without --json prints an aligned table (workspace defaults to the cwd)', () => {
    const r = run('branches')
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^BRANCH\s+SHA\s+AHEAD\s+BEHIND\s+TICKETS\s+SUBJECT$/)
    const feature = lines.find((l) => l.startsWith('feature/ORD-1-login'))
    expect(feature).toMatch(
      /feature\/ORD-1-login\s+[0-9a-f]{8}\s+2\s+1\s+ORD-1,ORD-2\s+ORD-2 remember me/
    )
    // Columns line up: SHA starts at the same offset on every row.
    const shaCol = lines[0]?.indexOf('SHA')
    for (const l of lines.slice(1, 4)) expect(l.slice(shaCol).match(/^[0-9a-f]{8}/)).not.toBeNull()
    expect(r.stdout).toMatch(/3 branches, main is main/)
  })

  it('a folder that is not a repository fails with one stderr line and exit 1', async () => {
    const plain = await tempDir('slipway-cli-plain-')
    try {
      const r = run('branches', '--workspace', plain)
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(
        `slipway: ${plain} is not a git repository: pick the repository's root folder, or run git init there\n`
      )
    } finally {
      await removeDir(plain)
    }
  })

  it('usage errors are one line and exit 2: unknown flag, missing value, unknown command', () => {
    const flag = run('branches', '--nope')
    expect(flag.code).toBe(2)
    expect(flag.stderr).toBe('slipway: unknown option --nope (try: slipway --help)\n')
    const missing = run('branches', '--workspace')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe('slipway: option --workspace needs a value\n')
    const command = run('frobnicate')
    expect(command.code).toBe(2)
    expect(command.stderr).toBe('slipway: unknown command "frobnicate" (try: slipway --help)\n')
    const deploy = run('deploy')
    expect(deploy.code).toBe(2)
    expect(deploy.stderr).toMatch(/^slipway: missing a release id \(or latest\) \(usage: .+\)\n$/)
    const port = run('serve', '--port', 'eighty')
    expect(port.code).toBe(2)
    expect(port.stderr.split('\n')).toHaveLength(2)
  })

  it('a broken slipway.yml fails branches with the file and line, exit 1', async () => {
    const broken = await makeSampleRepo()
    try {
      await writeFile(join(broken, 'slipway.yml'), 'project: x\ntickets:\n  pattern: "["\n')
      const r = run('branches', '--workspace', broken, '--json')
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr.split('\n')).toHaveLength(2)
      expect(r.stderr).toMatch(/^slipway: .*slipway\.yml:3(:\d+)?: .+\n$/)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await removeDir(broken)
    }
  })

  it('serve prints its URL, answers with the token, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--workspace', repo, '--port', '0'], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL; stderr: ${stderr}`)), 30_000)
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString()
        const m = /^Slipway is serving (\S+) at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(
          stdout
        )
        if (m?.[2]) {
          clearTimeout(timer)
          resolveUrl(m[2])
        }
      })
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)))
    })
    const { origin, searchParams } = new URL(url)
    const token = searchParams.get('token') ?? ''
    const ok = await fetch(`${origin}/api/invoke/workspace.current`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` }
    })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { value: { path: string } }).value.path).toBe(repo)
    const denied = await fetch(`${origin}/api/invoke/workspace.current`, { method: 'POST' })
    expect(denied.status).toBe(401)

    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('serve without --workspace opens the demo workspace', async () => {
    const child = spawn(process.execPath, [bin, 'serve'], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const line = await new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL; stderr: ${stderr}`)), 30_000)
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString()
        const m = /^Slipway is serving .*$/m.exec(stdout)
        if (m) {
          clearTimeout(timer)
          resolveLine(m[0])
        }
      })
    })
    const url = new URL(line.split(' at ')[1] ?? '')
    const res = await fetch(`${url.origin}/api/invoke/workspace.current`, {
      method: 'POST',
      headers: { authorization: `Bearer ${url.searchParams.get('token')}` }
    })
    const ws = ((await res.json()) as { value: { isDemo: boolean; path: string } }).value
    expect(ws.isDemo).toBe(true)
    expect(ws.path.startsWith(dataDir)).toBe(true)
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  })
})
