import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { bootId, processStart } from '../process-identity'
import { describeLock, newLockRecord, parseLock } from './host-lock'

const HOUR = 3_600_000

/** A real process that has exited: its pid and start time name nobody now. */
async function deadProcess(): Promise<{ pid: number; start: number }> {
  const child = spawn('sleep', ['30'])
  const pid = child.pid as number
  const start = processStart(pid) as number
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
  return { pid, start }
}

describe('a lock names the Slipway process that holds it', () => {
  it('records pid, start time and boot id; a live holder with a fresh heartbeat is not stale', () => {
    const record = newLockRecord('ana@laptop', 'd-1', 'staging', 'release 12')
    expect(record).toMatchObject({ pid: process.pid, machine: hostname(), bootId: bootId() })
    expect(record.pidStart).toBe(processStart(process.pid))
    const lock = parseLock(JSON.stringify(record), HOUR)
    expect(lock).toMatchObject({ stale: false })
    expect(lock?.holderGone).toBeUndefined()
    expect(lock?.suggestedReason).toBeUndefined()
  })

  it('a lock of a Slipway on this machine that is gone is stale at once, with a reason to break it', async () => {
    const dead = await deadProcess()
    const record = {
      ...newLockRecord('ana@laptop', 'd-7', 'staging', ''),
      pid: dead.pid,
      pidStart: dead.start
    }
    const lock = parseLock(JSON.stringify(record), HOUR)
    expect(lock?.stale).toBe(true)
    expect(lock?.holderGone).toBe(
      `the Slipway that took it on this machine is gone: its process (pid ${dead.pid}) is no longer running`
    )
    expect(lock?.suggestedReason).toBe(
      `left by a Slipway that stopped without releasing it during deployment d-7 (its process (pid ${dead.pid}) is no longer running)`
    )
    expect(describeLock(lock!)).toContain(`stale: the Slipway that took it on this machine is gone`)
  })

  it('a reused pid is not the holder: its start time differs', () => {
    // This process's pid with another start time: the holder was an earlier process.
    const record = { ...newLockRecord('ana', 'd-8', 'staging', ''), pidStart: 1 }
    expect(parseLock(JSON.stringify(record), HOUR)?.holderGone).toContain(
      'the pid now names another process'
    )
  })

  it('a lock written before this boot is left by a gone Slipway', () => {
    const record = { ...newLockRecord('ana', 'd-9', 'staging', ''), bootId: 'another-boot' }
    expect(parseLock(JSON.stringify(record), HOUR)?.holderGone).toContain(
      'this machine has restarted since'
    )
  })

  it("another machine's lock, or one without a process, goes by its heartbeat only", async () => {
    const dead = await deadProcess()
    const other = {
      ...newLockRecord('ben', 'd-2', 'staging', ''),
      machine: 'elsewhere',
      pid: dead.pid
    }
    expect(parseLock(JSON.stringify(other), HOUR)).toMatchObject({ stale: false })
    const old = { holder: 'ben', machine: hostname(), reason: '', since: new Date().toISOString() }
    expect(parseLock(JSON.stringify({ ...old, heartbeatAt: old.since }), HOUR)).toMatchObject({
      stale: false
    })
  })
})
