import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import { isFinished, type TestRun } from '../../../shared/test-models'
import { TestRepo } from '../../testing/test-repo'
import { bwrapAvailable } from '../sandbox'
import { TestService } from './test-service'

// A branch written by an attacker: it looks for the release manager's SSH agent, private keys
// and secrets, by variable and by guessing the absolute paths, and prints what it found.
const SECRET = 's3cret-token-value-7f1c'
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface Victim {
  readonly home: string
  readonly socket: string
  connections: number
}

let victim: Victim
let agent: Server
let holder: ChildProcess
const saved = { ...process.env }

beforeEach(async () => {
  // The user running Slipway: a home with a private key, an agent socket, secret variables.
  const home = tempDir('slipway-victim-home-')
  mkdirSync(join(home, '.ssh'), { mode: 0o700 })
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY MATERIAL\n', { mode: 0o600 })
  const socket = join(tempDir('slipway-agent-'), 'agent.sock')
  victim = { home, socket, connections: 0 }
  agent = createServer((c) => {
    victim.connections++
    c.destroy()
  })
  await new Promise<void>((r) => agent.listen(socket, r))
  Object.assign(process.env, {
    HOME: home,
    SSH_AUTH_SOCK: socket,
    SLIPWAY_TEST_SECRET_TOKEN: SECRET,
    AWS_SECRET_ACCESS_KEY: SECRET
  })
  // Another process of the same user that carries the secret in its environment (as the
  // Slipway process started from a shell does): readable through /proc unless isolated.
  holder = spawn('sleep', ['60'], { env: { ...process.env }, stdio: 'ignore' })
})

afterEach(async () => {
  holder.kill('SIGKILL')
  await new Promise<void>((r) => agent.close(() => r()))
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
})

function probeScript(v: Victim): string {
  return [
    'echo "agent_var=${SSH_AUTH_SOCK:-unset}"',
    'echo "secret_var=${SLIPWAY_TEST_SECRET_TOKEN:-unset}"',
    'echo "aws_var=${AWS_SECRET_ACCESS_KEY:-unset}"',
    'echo "configured=${GREETING:-unset}"',
    'if [ -e "$HOME/.ssh" ]; then echo home_ssh=present; else echo home_ssh=absent; fi',
    `if cat '${v.home}/.ssh/id_ed25519' >/dev/null 2>&1; then echo real_key=readable; else echo real_key=unreadable; fi`,
    `node -e "const s=require('net').connect(process.argv[1]);s.on('connect',()=>{console.log('agent=connected');s.destroy()});s.on('error',()=>console.log('agent=unreachable'))" '${v.socket}'`,
    `if grep -qs '${SECRET}' /proc/[0-9]*/environ; then echo proc_env=leaked; else echo proc_env=clean; fi`,
    'echo "home=$HOME"',
    'echo "tmp=$TMPDIR"'
  ].join('\n')
}

async function runProbe(
  sandbox: 'none' | 'bwrap'
): Promise<{ found: Map<string, string>; dataDir: string }> {
  const repo = TestRepo.create({ files: { 'x.txt': 'x\n' }, prefix: 'slipway-secrets-' })
  cleanups.push(() => repo.remove())
  const sha = repo.commitTo('feat/ORD-666-probe', { 'probe.sh': probeScript(victim) })
  const dataDir = tempDir('slipway-secrets-data-')
  const service = new TestService({
    workspacePath: repo.path,
    dataDir,
    config: SlipwayConfigSchema.parse({
      test: { command: 'sh probe.sh', concurrency: 1, sandbox, env: { GREETING: 'hello' } }
    }),
    mainBranch: 'main',
    fetchIntervalMs: 0,
    onEvent: () => {},
    log: () => {}
  })
  cleanups.push(() => service.stop())
  // As `slipway test` does: only the run asked for, no continual testing.
  service.setPaused(true)
  await service.start()
  const run: TestRun = await service.request({ sha, kind: 'tip', force: true })
  const start = Date.now()
  let done = service.run(run.id)
  while (!isFinished(done.status)) {
    if (Date.now() - start > 60_000) throw new Error('the probe run did not finish')
    await new Promise((r) => setTimeout(r, 50))
    done = service.run(run.id)
  }
  const { text } = await service.readLog(run.id, 0, 1 << 20)
  expect(done.status, text).toBe('passed')
  const found = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)=(.*)$/.exec(line.trim())
    if (m) found.set(m[1] as string, m[2] as string)
  }
  return { found, dataDir }
}

describe('branch code gets no secrets', () => {
  it('never sees the agent, the secrets or ~/.ssh by name; HOME and TMPDIR are per run', async () => {
    const { found, dataDir } = await runProbe('none')
    expect(found.get('agent_var')).toBe('unset')
    expect(found.get('secret_var')).toBe('unset')
    expect(found.get('aws_var')).toBe('unset')
    expect(found.get('configured')).toBe('hello')
    expect(found.get('home_ssh')).toBe('absent')
    expect(found.get('home')?.startsWith(join(dataDir, 'run-homes'))).toBe(true)
    expect(found.get('tmp')?.startsWith(join(dataDir, 'run-homes'))).toBe(true)
    // The run's HOME and TMPDIR are gone with the run.
    expect(readdirSync(join(dataDir, 'run-homes'))).toEqual([])
    // Without a sandbox the command is the same Unix user: a path it guesses is reachable.
    // This is what the README says is not isolated, and what test.sandbox: bwrap closes.
    expect(found.get('real_key')).toBe('readable')
    expect(found.get('agent')).toBe('connected')
  }, 90_000)

  it.skipIf(!bwrapAvailable())(
    'with test.sandbox: bwrap, not even a guessed path reaches the key, the agent or /proc',
    async () => {
      const { found } = await runProbe('bwrap')
      expect(found.get('agent_var')).toBe('unset')
      expect(found.get('secret_var')).toBe('unset')
      expect(found.get('configured')).toBe('hello')
      expect(found.get('home_ssh')).toBe('absent')
      expect(found.get('real_key')).toBe('unreadable')
      expect(found.get('agent')).toBe('unreachable')
      expect(found.get('proc_env')).toBe('clean')
      expect(victim.connections).toBe(0)
    },
    90_000
  )
})
