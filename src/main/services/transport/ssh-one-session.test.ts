// A host whose sshd allows one session per connection (MaxSessions 1): the command being
// killed holds that session until its shell dies, so the kill cannot get a channel beside it.
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExpectedError } from '../errors'
import { connectTransport } from './connect'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { fleetContext } from '../../testing/sshd-deploy'
import type { TransportContext } from './types'

const unavailable = sshdUnavailableReason()

async function failure(p: Promise<unknown>): Promise<ExpectedError> {
  try {
    await p
  } catch (e) {
    return e as ExpectedError
  }
  throw new Error('expected a failure')
}

describe.skipIf(unavailable !== null)(
  `ssh transport on a host allowing one session per connection ${unavailable ?? ''}`,
  () => {
    let fleet: SshTestFleet
    let scratch: string
    let ctx: TransportContext
    beforeAll(async () => {
      fleet = await startSshFleet(1, { firstAddress: 247, maxSessions: 1 })
      scratch = await mkdtemp(join(tmpdir(), 'slipway-ssh-one-'))
      ctx = fleetContext(fleet, scratch).transport
    })
    afterAll(async () => {
      await fleet?.stop()
      if (scratch) await rm(scratch, { recursive: true, force: true })
    })

    it('kills a timed-out or cancelled command, background children included, and runs the next', async () => {
      const host = fleet.hosts[0]
      const t = await connectTransport(
        { host: `${host.address}:${host.port}`, path: host.deployPath },
        ctx
      )
      const gone = async (file: string): Promise<void> => {
        const bg = (await readFile(join(host.hostDir, file), 'utf8')).trim()
        const alive = async (): Promise<string> =>
          (await t.exec(`kill -0 ${bg} 2>/dev/null && grep -v ' Z ' /proc/${bg}/stat`)).stdout
        await expect.poll(alive, { timeout: 15_000, interval: 100 }).toBe('')
      }
      try {
        const timedOut = t.exec(`sleep 600 & echo $! > ${host.deployPath}/a.pid; wait`, {
          timeoutMs: 2000
        })
        expect(await failure(timedOut)).toMatchObject({ code: 'timeout' })
        await gone('a.pid')
        const controller = new AbortController()
        const cancelled = t.exec(`sleep 600 & echo $! > ${host.deployPath}/b.pid; wait`, {
          signal: controller.signal
        })
        await expect
          .poll(() => existsSync(join(host.hostDir, 'b.pid')), { timeout: 15_000 })
          .toBe(true)
        controller.abort()
        expect(await failure(cancelled)).toMatchObject({ code: 'cancelled' })
        await gone('b.pid')
        expect((await t.exec('echo ok')).stdout).toBe('ok\n')
      } finally {
        await t.close()
      }
    })
  }
)
