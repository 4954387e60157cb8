import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isProcessAlive, KILL_GRACE_MS, runInProcessGroup } from './process-tree'

const dir = mkdtempSync(join(tmpdir(), 'slipway-pgroup-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function run(command: string, extra: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const out: Buffer[] = []
  const ended = runInProcessGroup(command, {
    cwd: dir,
    env: { ...process.env, GREETING: 'hello; rm -rf /' },
    onOutput: (b) => {
      out.push(b)
    },
    ...extra
  })
  return { ended, output: () => Buffer.concat(out).toString('utf8') }
}

/** The pids still alive after a moment's grace (a killed process needs a moment to be a zombie). */
async function survivors(pids: readonly number[]): Promise<number[]> {
  for (let i = 0; i < 40 && pids.some(isProcessAlive); i += 1) {
    await new Promise((r) => setTimeout(r, 25))
  }
  return pids.filter(isProcessAlive)
}

const pidsIn = (file: string): number[] =>
  readFileSync(join(dir, file), 'utf8').trim().split('\n').map(Number)

describe('runInProcessGroup', () => {
  it('answers the exit code and streams stdout and stderr; env values stay data', async () => {
    const r = run('echo "$GREETING"; echo oops >&2; exit 4')
    expect(await r.ended).toEqual({ kind: 'exited', exitCode: 4 })
    expect(r.output()).toContain('hello; rm -rf /\n')
    expect(r.output()).toContain('oops\n')
  })

  it('kills what the command left in the background when it exits by itself', async () => {
    const r = run(`sleep 1000 & echo $! > bg.pids; sleep 1000 & echo $! >> bg.pids; exit 0`)
    expect(await r.ended).toEqual({ kind: 'exited', exitCode: 0 })
    expect(await survivors(pidsIn('bg.pids'))).toEqual([])
  })

  it('stops waiting for pipes held by a process that left the group, after the grace', async () => {
    const start = Date.now()
    // setsid puts the child in a new session: it escapes the group kill and holds stdout open
    // far longer than the test's timeout, so waiting for its pipe would fail the test.
    const r = run(
      `setsid sh -c 'echo $$ > escaped.pids; exec sleep 600' & ` +
        `while [ ! -s escaped.pids ]; do sleep 0.05; done; exit 0`
    )
    try {
      expect(await r.ended).toEqual({ kind: 'exited', exitCode: 0 })
      expect(Date.now() - start).toBeGreaterThanOrEqual(KILL_GRACE_MS)
    } finally {
      for (const pid of pidsIn('escaped.pids')) process.kill(pid, 'SIGKILL')
    }
  })

  it('a cancel before the start runs nothing', async () => {
    const abort = new AbortController()
    abort.abort()
    const r = run('echo ran > never.txt', { signal: abort.signal })
    expect(await r.ended).toEqual({ kind: 'killed', reason: 'cancel', signal: 'none' })
    expect(() => readFileSync(join(dir, 'never.txt'))).toThrow()
  })

  it('a timeout ends a tree that exits on SIGTERM without waiting for the SIGKILL', async () => {
    const r = run(`sleep 1000 & echo $! > t.pids; sleep 1000`, { timeoutMs: 200 })
    // Ended by the SIGTERM: a run that waited for the SIGKILL would report that signal.
    expect(await r.ended).toEqual({ kind: 'killed', reason: 'timeout', signal: 'SIGTERM' })
    expect(await survivors(pidsIn('t.pids'))).toEqual([])
  })

  it('pauses reading while the consumer is behind, and still gets every byte', async () => {
    let bytes = 0
    let waits = 0
    let pending = false
    let callsWhilePending = 0
    const end = await runInProcessGroup('head -c 3000000 /dev/zero', {
      cwd: dir,
      env: process.env,
      onOutput: (b) => {
        bytes += b.length
        // Paused means no chunk at all until the consumer's promise settles.
        if (pending) callsWhilePending += 1
        if (waits >= 5) return undefined
        waits += 1
        pending = true
        return new Promise((r) =>
          setTimeout(() => {
            pending = false
            r()
          }, 30)
        )
      }
    })
    expect(end).toEqual({ kind: 'exited', exitCode: 0 })
    expect(bytes).toBe(3_000_000)
    expect(waits).toBe(5)
    expect(callsWhilePending).toBe(0)
  })
})
