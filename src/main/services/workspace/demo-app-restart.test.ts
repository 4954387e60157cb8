import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../testing/ports'
import { removeDir, tempDir } from '../../testing/temp-dir'
import { demoFiles, type DemoFeature } from './demo-app'
import { DEMO_COMMITS } from './demo-history'

// The demo's restart.sh (its hosts' afterActivate hook): it stops the app its pid file names
// and starts the release it belongs to. A pid file outlives its process (a reboot, a crash), and
// on a busy host the pid is soon another process's: that one must be left running.

const run = promisify(execFile)
const RELEASE = '20261203.0100-abcdef1'

let root: string
let base: string
let releaseDir: string
const strangers: ChildProcess[] = []

beforeAll(async () => {
  root = await tempDir('slipway-demo-restart-')
  // The host's folder is reached through a symlink, as /srv/app -> /data/app may be.
  await mkdir(join(root, 'real'))
  await symlink(join(root, 'real'), join(root, 'host'))
  base = join(root, 'host')
  releaseDir = join(base, 'releases', RELEASE)
  const features = new Set<DemoFeature>(DEMO_COMMITS.flatMap((c) => c.adds))
  for (const [path, content] of Object.entries(demoFiles(features))) {
    await mkdir(dirname(join(releaseDir, path)), { recursive: true })
    await writeFile(join(releaseDir, path), content)
  }
  await writeFile(join(releaseDir, 'RELEASE'), `${RELEASE}\n`)
})
afterEach(async () => {
  const pid = await recordedPid().catch(() => 0)
  if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL')
  for (const s of strangers.splice(0)) s.kill('SIGKILL')
})
afterAll(async () => {
  await removeDir(root)
})

/** Alive and not a zombie (an exited app waits there for whoever inherited it to reap it). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

async function recordedPid(): Promise<number> {
  return Number((await readFile(join(base, 'shared', 'orders.pid'), 'utf8')).trim())
}

/** Runs restart.sh as the hook does: in the release, with SLIPWAY_BASE and SLIPWAY_PORT. */
async function restart(port: number): Promise<void> {
  await run('sh', [join(releaseDir, 'scripts', 'restart.sh')], {
    cwd: releaseDir,
    env: { ...process.env, SLIPWAY_BASE: base, SLIPWAY_PORT: String(port) }
  })
}

/** The release the app on `port` names, once it answers (at most 20 s). */
async function answering(port: number): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null)
    if (res) return res.headers.get('x-release') ?? ''
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nothing answered on ${port}`)
}

describe('the demo app restart.sh', () => {
  it('stops the app its pid file names and starts the new one', async () => {
    const port = await freePort()
    await restart(port)
    expect(await answering(port)).toBe(RELEASE)
    const first = await recordedPid()

    await restart(port)
    expect(await answering(port)).toBe(RELEASE)
    const second = await recordedPid()
    expect(second).not.toBe(first)
    expect(alive(first)).toBe(false)
  })

  it('leaves alone another process that has the pid the file names', async () => {
    // A process of someone else, elsewhere: what a recycled pid names.
    const stranger = spawn('sleep', ['300'], { cwd: root, stdio: 'ignore' })
    strangers.push(stranger)
    const pid = stranger.pid as number
    await mkdir(join(base, 'shared'), { recursive: true })
    await writeFile(join(base, 'shared', 'orders.pid'), `${pid}\n`)

    const port = await freePort()
    await restart(port)
    expect(await answering(port)).toBe(RELEASE)
    expect(alive(pid)).toBe(true)
    expect(stranger.exitCode).toBeNull()
    expect(stranger.signalCode).toBeNull()
    expect(await recordedPid()).not.toBe(pid)
  })
})
