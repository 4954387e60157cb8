import { mkdtemp, readFile, rm, writeFile, mkdir, symlink } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import { runHook } from '../deploy/activation'
import { createLocalTransport } from './local-transport'
import { shellQuote } from './shell-quote'
import type { Transport } from './types'

let root: string
let transport: Transport

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-local-'))
  await mkdir(join(root, 'hosts', 'a'), { recursive: true })
  transport = createLocalTransport({ folder: 'hosts/a', workspacePath: root })
})

afterAll(async () => {
  await transport.close()
  await rm(root, { recursive: true, force: true })
})

describe('local transport', () => {
  it('resolves the folder against the workspace and runs commands in it', async () => {
    expect(transport.kind).toBe('local')
    expect(transport.basePath).toBe(join(root, 'hosts', 'a'))
    expect(transport.label).toBe(join(root, 'hosts', 'a'))
    expect(transport.address).toBe('127.0.0.1')
    const r = await transport.exec('pwd; echo err >&2; exit 3')
    expect(r).toEqual({ stdout: `${join(root, 'hosts', 'a')}\n`, stderr: 'err\n', code: 3 })
  })

  it('feeds stdin and keeps hostile values inert when quoted', async () => {
    const marker = join(root, 'pwned')
    const value = `$(touch ${marker})\`touch ${marker}\`;touch ${marker}`
    const r = await transport.exec(`printf '%s' ${shellQuote(value)}; cat`, { stdin: 'from stdin' })
    expect(r.stdout).toBe(`${value}from stdin`)
    expect(existsSync(marker)).toBe(false)
  })

  it('times out and kills the whole process group', async () => {
    const pidFile = join(root, 'child.pid')
    // Far longer than the test's timeout: a timeout that waited for it would fail the test.
    const run = transport.exec(`sleep 600 & echo $! > ${shellQuote(pidFile)}; wait`, {
      timeoutMs: 300
    })
    await expect(run).rejects.toMatchObject({ code: 'timeout' })
    const pid = Number(await readFile(pidFile, 'utf8'))
    // Gone, or a zombie waiting for a reaper (pid 1 in a container may not reap); a killed
    // process needs a moment to get there.
    const dead = async (): Promise<boolean> => {
      const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'gone')
      return state === 'gone' || /^\d+ \([^)]*\) Z/.test(state)
    }
    for (let i = 0; i < 200 && !(await dead()); i++) await new Promise((r) => setTimeout(r, 25))
    expect(await dead()).toBe(true)
  })

  it('cancels on abort', async () => {
    const controller = new AbortController()
    const run = transport.exec('sleep 30', { signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
    const pre = new AbortController()
    pre.abort()
    await expect(transport.exec('true', { signal: pre.signal })).rejects.toMatchObject({
      code: 'cancelled'
    })
  })

  it('uploads with progress, byte for byte', async () => {
    const src = join(root, 'big.bin')
    const data = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff
    await writeFile(src, data)
    const seen: number[] = []
    const dest = join(transport.basePath, 'big.bin')
    await transport.upload(src, dest, { onProgress: (sent, total) => seen.push(sent / total) })
    expect((await readFile(dest)).equals(data)).toBe(true)
    expect(seen[0]).toBe(0)
    expect(seen.at(-1)).toBe(1)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
  })

  it('reports an upload into a missing folder as unreachable, with the path', async () => {
    const src = join(root, 'small.txt')
    await writeFile(src, 'x')
    await expect(transport.upload(src, join(root, 'no', 'such', 'dir', 'f'))).rejects.toMatchObject(
      { code: 'unreachable' }
    )
  })

  it('refuses work after close', async () => {
    const t = createLocalTransport({ folder: root, workspacePath: '/', label: 'tmp' })
    await t.close()
    expect(() => t.exec('true')).toThrow(/closed/)
  })
})

describe('the environment of local hosts (hooks, health commands)', () => {
  it('is the allow-list branch code gets, with the host’s own HOME: no agent, no secrets', async () => {
    const saved = { ...process.env }
    process.env.SSH_AUTH_SOCK = join(root, 'agent.sock')
    process.env.DEPLOY_TOKEN = 's3cr3t-token'
    process.env.AWS_SECRET_ACCESS_KEY = 'aws-s3cr3t'
    process.env.LANG = 'C.UTF-8'
    try {
      const base = join(root, 'hosts', 'a')
      const fresh = await transport.exec('true')
      expect(fresh.code).toBe(0)
      // A host no deployment has prepared is left as it was (a failed preflight modifies nothing).
      expect(existsSync(join(base, '.slipway'))).toBe(false)
      await mkdir(join(base, '.slipway'), { recursive: true })
      const r = await transport.exec('env; echo "home:$(ls -a "$HOME" | wc -l)"')
      expect(r.code).toBe(0)
      const env = new Map(
        r.stdout
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
      )
      expect(env.has('SSH_AUTH_SOCK')).toBe(false)
      expect(env.has('DEPLOY_TOKEN')).toBe(false)
      expect(env.has('AWS_SECRET_ACCESS_KEY')).toBe(false)
      expect(r.stdout).not.toContain('s3cr3t')
      expect(env.get('PATH')).toBe(process.env.PATH)
      expect(env.get('LANG')).toBe('C.UTF-8')
      expect(env.get('HOME')).toBe(join(base, '.slipway', 'home'))
      expect(env.get('TMPDIR')).toBe(join(base, '.slipway', 'tmp'))
      expect(existsSync(join(base, '.slipway', 'tmp'))).toBe(true)
    } finally {
      process.env = saved
    }
  })

  it('reaches an afterActivate hook with the hook contract’s variables', async () => {
    const base = join(root, 'hosts', 'a')
    await mkdir(join(base, 'releases', 'r-1'), { recursive: true })
    await symlink('releases/r-1', join(base, 'current'))
    const saved = { ...process.env }
    process.env.SSH_AUTH_SOCK = join(root, 'agent.sock')
    process.env.GITHUB_TOKEN = 'ghp-s3cr3t'
    try {
      const target = {
        transport,
        config: { local: 'hosts/a', port: 4999 },
        env: {
          name: 'staging',
          hooks: { afterActivate: 'env > hook-env.txt; echo done' }
        } as unknown as EnvironmentConfig
      }
      expect(await runHook(target, 'r-1')).toBe('done')
      const seen = await readFile(join(base, 'releases', 'r-1', 'hook-env.txt'), 'utf8')
      expect(seen).toContain('SLIPWAY_RELEASE=r-1\n')
      expect(seen).toContain('SLIPWAY_ENVIRONMENT=staging\n')
      expect(seen).toContain(`SLIPWAY_BASE=${base}\n`)
      expect(seen).toContain('SLIPWAY_PORT=4999\n')
      expect(seen).not.toContain('SSH_AUTH_SOCK')
      expect(seen).not.toContain('ghp-s3cr3t')
    } finally {
      process.env = saved
    }
  })
})
