import { spawn, spawnSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, stopDemoApp } from '../api/deploy-test-support'
import { removeDir, tempDir } from '../api/temp-repo'
import { buildDemoRepository } from '../services/workspace'

// Run the way users run it: bin/slipway (which builds out/ first when stale).
const root = resolve(import.meta.dirname, '../../..')
const bin = join(root, 'bin', 'slipway')

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

describe('slipway release / deploy / status / rollback (real process, demo workspace)', () => {
  let demo: string
  let dataDir: string
  let env: NodeJS.ProcessEnv
  let port: number

  const run = (...args: string[]): Promise<Run> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, [bin, ...args, '--workspace', demo], {
        cwd: demo,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
      child.on('error', fail)
      child.on('close', (code) => {
        clearTimeout(timer)
        done({ code, stdout, stderr })
      })
    })

  beforeAll(async () => {
    dataDir = await tempDir('slipway-deploy-cli-')
    demo = join(dataDir, 'orders')
    await mkdir(demo)
    await buildDemoRepository(demo)
    // The demo's fixed port may be taken by another suite or the user's own demo.
    port = await freePort()
    const yml = join(demo, 'slipway.yml')
    await writeFile(yml, (await readFile(yml, 'utf8')).replace('port: 4301', `port: ${port}`))
    env = { ...process.env, SLIPWAY_DATA_DIR: dataDir, SLIPWAY_DEBUG: '' }
    const warm = spawnSync(process.execPath, [bin, '--version'], { env, encoding: 'utf8' })
    expect(warm.status, warm.stderr).toBe(0)
    // Others may edit src/ while this suite runs; do not rebuild mid-way.
    env.SLIPWAY_SKIP_BUILD = '1'
  }, 120_000)

  afterAll(async () => {
    await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await removeDir(dataDir)
  })

  it('creates releases, deploys, reports status as JSON, and rolls back', async () => {
    const first = await run('release', 'create')
    expect(first.code, first.stderr).toBe(0)
    const firstId = first.stdout.trim()
    expect(firstId).toMatch(/^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/)
    expect(first.stderr).toContain(`release ${firstId}`)

    const deployed = await run('deploy', firstId, 'staging', '--reason', 'cli test')
    expect(deployed.code, deployed.stderr).toBe(0)
    expect(deployed.stdout.trim()).toBe('succeeded')
    expect(deployed.stderr).toMatch(/staging-1: upload/)
    expect(deployed.stderr).toMatch(/staging-1: health/)
    expect(deployed.stderr).toContain('deploy succeeded')

    const status = await run('status', 'staging', '--json')
    expect(status.code, status.stderr).toBe(0)
    const rows = JSON.parse(status.stdout) as Array<Record<string, unknown>>
    expect(rows).toEqual([
      expect.objectContaining({ host: 'staging-1', release: firstId, healthy: true, lock: null })
    ])

    const second = await run('release', 'create', '--json')
    expect(second.code, second.stderr).toBe(0)
    const secondId = (JSON.parse(second.stdout) as { id: string }).id
    expect(secondId).not.toBe(firstId)
    const latest = await run('deploy', 'latest', 'staging')
    expect(latest.code, latest.stderr).toBe(0)
    expect(latest.stderr).toContain(secondId)

    const back = await run('rollback', 'staging')
    expect(back.code, back.stderr).toBe(0)
    expect(back.stderr).toContain('rollback succeeded')
    const after = JSON.parse((await run('status', 'staging', '--json')).stdout) as Array<
      Record<string, unknown>
    >
    expect(after[0]).toMatchObject({ release: firstId, previous: secondId, healthy: true })
    const text = await run('status', 'staging')
    expect(text.stdout).toMatch(
      new RegExp(`^staging-1\\s+${firstId.replace('.', '\\.')}\\s+healthy`, 'm')
    )
  }, 120_000)

  it('fails with exit 1 and one line for an unknown release or environment; 2 for bad usage', async () => {
    const missing = await run('deploy', '20990101.0000-abcdef1', 'staging')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^slipway: .*20990101\.0000-abcdef1/m)
    const nowhere = await run('status', 'nowhere')
    expect(nowhere.code).toBe(1)
    expect(nowhere.stderr).toContain('no environment "nowhere"')
    const hostile = await run('deploy', '$(touch pwned)', 'staging')
    expect(hostile.code).toBe(2)
    const usage = await run('deploy', 'only-one-argument')
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('missing an environment')
    const trust = await run('hosts', 'trust', 'staging')
    expect(trust.code, trust.stderr).toBe(0)
    expect(trust.stdout).toContain('staging-1: local folder')
  }, 60_000)
})
