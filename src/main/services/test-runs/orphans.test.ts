import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { processStart, selfIdentity } from '../process-identity'
import { removeDir, tempDir } from '../../testing/temp-dir'
import {
  findOrphanedTestProcesses,
  reapOrphanedTestProcesses,
  removeDeadRunHomes,
  TEST_OWNER_VARIABLE,
  testOwnerMarker
} from './orphans'

const started: ChildProcess[] = []
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL')
})

/** A shell that stays (ignoring SIGTERM when `stubborn`) with a test owner in its environment. */
function testProcess(owner: string, stubborn = false): ChildProcess {
  const script = stubborn ? "trap '' TERM; while :; do sleep 0.1; done" : 'sleep 60'
  const child = spawn('sh', ['-c', script], {
    env: { PATH: process.env.PATH, [TEST_OWNER_VARIABLE]: owner },
    stdio: 'ignore'
  })
  started.push(child)
  return child
}

async function deadOwner(): Promise<string> {
  const child = spawn('sleep', ['30'])
  const pid = child.pid as number
  const start = processStart(pid) as number
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
  return testOwnerMarker({ ...selfIdentity(), pid, start })
}

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null

describe('test processes of a Slipway that is gone', () => {
  it('are found by the owner in their environment and ended, even one ignoring SIGTERM', async () => {
    const owner = await deadOwner()
    const orphan = testProcess(owner)
    const stubborn = testProcess(owner, true)
    const mine = testProcess(testOwnerMarker())
    await new Promise((r) => setTimeout(r, 200))
    const found = findOrphanedTestProcesses().map((p) => p.pid)
    expect(found).toEqual(expect.arrayContaining([orphan.pid, stubborn.pid]))
    expect(found).not.toContain(mine.pid)
    const ended = await reapOrphanedTestProcesses(500)
    expect(ended.map((p) => p.pid)).toEqual(expect.arrayContaining([orphan.pid, stubborn.pid]))
    expect(ended[0]?.why).toMatch(/is no longer running/)
    await new Promise((r) => setTimeout(r, 300))
    expect(alive(orphan)).toBe(false)
    expect(alive(stubborn)).toBe(false)
    expect(alive(mine)).toBe(true)
  })

  it('run folders of gone processes are removed, live ones kept', async () => {
    const root = await tempDir('slipway-run-homes-')
    try {
      const gone = spawn('true')
      await new Promise((r) => gone.once('exit', r))
      await mkdir(join(root, `run-${gone.pid}-abc123`))
      await mkdir(join(root, `run-${process.pid}-def456`))
      await mkdir(join(root, 'run-Xy12ab'))
      expect(await removeDeadRunHomes(root)).toBe(2)
      expect(await readdir(root)).toEqual([`run-${process.pid}-def456`])
    } finally {
      await removeDir(root)
    }
  })
})
