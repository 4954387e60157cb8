import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'
import { readHostDisk } from '../../testing/host-disk'
import { freePort } from '../../testing/ports'
import { killQuietly } from '../../testing/proc-table'
import {
  fleetContext,
  fleetEnvironment,
  hashTree,
  resetFleetHosts
} from '../../testing/sshd-deploy'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { makeTestRelease, testReleaseId } from '../../testing/test-app'
import { deployRelease, readDeploymentHistory, rollbackEnvironment } from '.'

const run = promisify(execFile)
const skip = sshdUnavailableReason()

function expectSucceeded(d: Deployment): void {
  expect(d.status, `${d.summary}\n${d.log.join('\n')}`).toBe('succeeded')
}

describe.skipIf(skip !== null)('fan-out inside an environment, real sshd hosts', () => {
  let fleet: SshTestFleet
  let scratch: string
  let appPort: number
  let r1: StoredRelease
  let r2: StoredRelease
  let big: StoredRelease
  const reference = new Map<string, string[]>()

  beforeAll(async () => {
    ;[fleet, scratch, appPort] = await Promise.all([
      startSshFleet(4, { firstAddress: 221, deployPath: '/srv/slipway-fanout-test/app' }),
      mkdtemp(join(tmpdir(), 'slipway-fanout-ssh-')),
      freePort()
    ])
    const a = randomBytes(3 << 20)
    r1 = await makeTestRelease(scratch, testReleaseId(1), {
      'data/a.bin': a,
      'data/c.bin': randomBytes(256 << 10),
      'assets/keep.txt': 'unchanged\n'
    })
    r2 = await makeTestRelease(scratch, testReleaseId(2), {
      'data/a.bin': a,
      'data/c.bin': randomBytes(256 << 10),
      'assets/keep.txt': 'unchanged\n',
      'assets/new.txt': 'new in r2\n'
    })
    big = await makeTestRelease(scratch, testReleaseId(3), {
      'data/big.bin': randomBytes(40 << 20)
    })
    for (const r of [r1, r2, big]) {
      const dir = join(scratch, `ref-${r.id}`)
      await mkdir(dir)
      await run('tar', ['-xzf', r.tarballPath, '-C', dir])
      await writeFile(join(dir, '.slipway-sha256'), `${r.sha256}\n`)
      reference.set(r.id, await hashTree(dir))
    }
  })

  afterAll(async () => {
    await fleet?.stop()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  beforeEach(() => resetFleetHosts(fleet))

  const env = () => fleetEnvironment(fleet, appPort, { strategy: { batchSize: 4, fanOut: true } })
  const ctx = () => fleetContext(fleet, scratch, [r1, r2])
  const releaseDir = (i: number, id: string): string => join(fleet.hosts[i].hostDir, 'releases', id)
  const authorizedKeys = (i: number): Promise<string> =>
    readFile(join(fleet.hosts[i].homeDir, '.ssh', 'authorized_keys'), 'utf8').catch(() => '')
  const leftovers = async (i: number): Promise<string[]> =>
    (await readdir(join(fleet.hosts[i].hostDir, '.slipway'))).filter((n) => n.startsWith('upload-'))

  it('uploads once, the peers fetch from the relay over SSH; identical trees; the delta fans out too; the key is gone after; rollback works', async () => {
    // Someone's own key, and a line a Slipway killed mid-deployment left (its key is gone).
    const own =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBMw3xkRk0hR6sdAV8s0vZ8rgN2sKiOZhR2fYyA2Sx2n ops@desk\n'
    const stale = `restrict,command="exit 1" ${own.trim().replace('ops@desk', 'slipway-fanout-d20261201T000000-abcdef')}\n`
    await mkdir(join(fleet.hosts[0].homeDir, '.ssh'), { recursive: true })
    await writeFile(join(fleet.hosts[0].homeDir, '.ssh', 'authorized_keys'), own + stale)
    const first = await deployRelease(r1, env(), ctx())
    expectSucceeded(first)
    expect(first.hosts[0].transfer?.mode).toBe('full')
    expect(first.hosts[0].transfer?.relay).toBeUndefined()
    expect(first.hosts[0].transfer?.bytesSent).toBeGreaterThanOrEqual(r1.sizeBytes)
    for (const h of first.hosts.slice(1)) {
      expect(h.transfer, first.log.join('\n')).toMatchObject({
        mode: 'full',
        fallback: null,
        relay: { host: 'host-1', bytes: r1.sizeBytes }
      })
      // Only command lines left this machine for the peers.
      expect(h.transfer?.bytesSent).toBeLessThan(32 * 1024)
    }
    // The deployment record (each host's own log, merged) keeps where the bytes came from.
    const history = await readDeploymentHistory(env(), ctx())
    const record = history.records.find((d) => d.id === first.id)
    for (const h of first.hosts) {
      expect(record?.hosts.find((x) => x.host === h.host)?.transfer).toEqual(h.transfer)
    }
    expect(first.log.join('\n')).toContain('host-1: relay for host-2, host-3, host-4')
    expect(first.log.join('\n')).toContain('fan-out preflight: 3 hosts reach their relay over SSH')
    for (const i of [0, 1, 2, 3]) {
      expect(await hashTree(releaseDir(i, r1.id))).toEqual(reference.get(r1.id))
      expect(await leftovers(i)).toEqual([])
    }
    // The relay accepted the deployment's key only while it ran; its other lines are kept.
    expect(await authorizedKeys(0)).toBe(own)
    const before = await hashTree(releaseDir(2, r1.id))

    const second = await deployRelease(r2, env(), ctx())
    expectSucceeded(second)
    expect(second.hosts[0].transfer).toMatchObject({ mode: 'delta', base: r1.id })
    const deltaBytes = second.hosts[0].transfer?.bytesSent ?? 0
    expect(deltaBytes).toBeLessThan(r2.sizeBytes / 4)
    for (const h of second.hosts.slice(1)) {
      expect(h.transfer, second.log.join('\n')).toMatchObject({
        mode: 'delta',
        base: r1.id,
        relay: { host: 'host-1' }
      })
      expect(h.transfer?.relay?.bytes).toBeLessThan(deltaBytes)
      expect(h.transfer?.bytesReused).toBe(second.hosts[0].transfer?.bytesReused)
    }
    for (const i of [0, 1, 2, 3]) {
      expect(await hashTree(releaseDir(i, r2.id))).toEqual(reference.get(r2.id))
    }
    expect(await hashTree(releaseDir(2, r1.id))).toEqual(before)

    const back = await rollbackEnvironment(env(), ctx())
    expectSucceeded(back)
    for (const [i, h] of fleet.hosts.entries()) {
      expect((await readHostDisk(h.hostDir)).current).toBe(`releases/${r1.id}`)
      expect(await hashTree(releaseDir(i, r1.id))).toEqual(before)
    }
    expect(await authorizedKeys(0)).not.toContain('slipway-fanout-')
  })

  it('the relay killed mid-transfer: its peers get direct uploads, say why, and the deploy completes', async () => {
    const relay = fleet.hosts[0]
    let killed = 0
    let polling = true
    // Kill the relay's side of every fetch (`cat` of the served file) as soon as it runs.
    const killer = (async () => {
      while (polling) {
        for (const p of relay.processes()) {
          if (p.command.includes(`upload-${big.id}.relay`) && p.command.startsWith('cat')) {
            killQuietly(p.pid)
            killed += 1
          }
        }
        await new Promise((r) => setTimeout(r, 5))
      }
    })()
    let deployment: Deployment
    try {
      deployment = await deployRelease(big, env(), ctx())
    } finally {
      polling = false
      await killer
    }
    expectSucceeded(deployment)
    expect(killed).toBeGreaterThan(0)
    const fellBack = deployment.hosts.slice(1).filter((h) => !h.transfer?.relay)
    expect(fellBack.length, deployment.log.join('\n')).toBeGreaterThan(0)
    for (const h of fellBack) {
      expect(h.transfer?.fallback).toMatch(/^fan-out: .*fetch from relay host-1 failed/)
      expect(h.transfer?.bytesSent).toBeGreaterThanOrEqual(big.sizeBytes)
      expect(deployment.log.join('\n')).toContain(
        `${h.host}: ${h.transfer?.fallback}; sending from this machine instead`
      )
    }
    for (const i of [0, 1, 2, 3]) {
      expect(await hashTree(releaseDir(i, big.id))).toEqual(reference.get(big.id))
      expect(await leftovers(i)).toEqual([])
    }
    expect(await authorizedKeys(0)).not.toContain('slipway-fanout-')
  })
})

describe.skipIf(skip !== null)('fan-out preflight, real sshd hosts', () => {
  it('refuses before anything is uploaded when a host cannot reach its relay over SSH', async () => {
    // These hosts refuse agent forwarding: the peer has no key to offer the relay.
    const fleet = await startSshFleet(2, {
      firstAddress: 225,
      deployPath: '/srv/slipway-fanout-refused/app',
      extraConfig: ['AllowAgentForwarding no']
    })
    const scratch = await mkdtemp(join(tmpdir(), 'slipway-fanout-refused-'))
    try {
      const r = await makeTestRelease(scratch, testReleaseId(1))
      const env = fleetEnvironment(fleet, await freePort(), {
        strategy: { batchSize: 2, fanOut: true }
      })
      const d = await deployRelease(r, env, fleetContext(fleet, scratch))
      expect(d.status).toBe('failed')
      expect(d.summary).toMatch(
        /^Fan-out preflight failed on host-2 \(host-2: the host refuses agent forwarding/
      )
      expect(d.summary).toContain('nothing was uploaded')
      expect(d.hosts.map((h) => h.state)).toEqual(['skipped', 'failed'])
      for (const h of fleet.hosts) {
        const disk = await readHostDisk(h.hostDir)
        expect(disk.current).toBeNull()
        expect(await readdir(join(h.hostDir, 'releases')).catch(() => [])).toEqual([])
        const state = await readdir(join(h.hostDir, '.slipway'))
        expect(state.filter((n) => n.startsWith('upload-'))).toEqual([])
      }
      const keys = await readFile(join(fleet.hosts[0].homeDir, '.ssh', 'authorized_keys'), 'utf8')
      expect(keys).not.toContain('slipway-fanout-')
    } finally {
      await fleet.stop()
      await rm(scratch, { recursive: true, force: true })
    }
  })
})
