import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../../../shared/deploy-models'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { StoredRelease } from '../releases'
import { fetchText, readHostDisk } from '../../testing/host-disk'
import { freePort } from '../../testing/ports'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { makeTestRelease, testReleaseId } from '../../testing/test-app'
import {
  fleetContext,
  fleetEnvironment,
  hashTree,
  resetFleetHosts
} from '../../testing/sshd-deploy'
import { deployRelease, readDeploymentHistory, rollbackEnvironment, type DeployContext } from '.'

const run = promisify(execFile)
const skip = sshdUnavailableReason()

function expectSucceeded(d: Deployment): void {
  expect(d.status, `${d.summary}\n${d.log.join('\n')}`).toBe('succeeded')
}

describe.skipIf(skip !== null)('delta uploads to real sshd hosts', () => {
  let fleet: SshTestFleet
  let scratch: string
  let appPort: number
  let r1: StoredRelease
  let r2: StoredRelease
  /** What each release unpacks to when extracted whole here (plus the recorded sha256). */
  const reference = new Map<string, string[]>()

  beforeAll(async () => {
    ;[fleet, scratch, appPort] = await Promise.all([
      startSshFleet(3, { firstAddress: 141, deployPath: '/srv/slipway-delta-test/app' }),
      mkdtemp(join(tmpdir(), 'slipway-delta-ssh-')),
      freePort()
    ])
    const a = randomBytes(3 << 20)
    const b = randomBytes(3 << 20)
    r1 = await makeTestRelease(scratch, testReleaseId(1), {
      'data/a.bin': a,
      'data/b.bin': b,
      'data/c.bin': randomBytes(512 << 10),
      'assets/logo.txt': 'old logo\n',
      'assets/keep.txt': 'unchanged\n'
    })
    r2 = await makeTestRelease(scratch, testReleaseId(2), {
      'data/a.bin': a,
      'data/b.bin': b,
      'data/c.bin': randomBytes(512 << 10),
      'assets/keep.txt': 'unchanged\n',
      'assets/new.txt': 'new in r2\n'
    })
    for (const r of [r1, r2]) {
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

  const environment = (): EnvironmentConfig => fleetEnvironment(fleet, appPort)
  const context = (): DeployContext => fleetContext(fleet, scratch, [r1, r2])

  const releaseDir = (i: number, id: string): string => join(fleet.hosts[i].hostDir, 'releases', id)
  const health = (i: number): Promise<string> =>
    fetchText(`http://${fleet.hosts[i].address}:${appPort}/health`)

  it('sends only the changed files; every host holds a tree identical to a full unpack; the previous release is untouched; rollback works', async () => {
    const env = environment()
    const first = await deployRelease(r1, env, context())
    expectSucceeded(first)
    for (const h of first.hosts) {
      expect(h.transfer?.mode).toBe('full')
      // Counted in the transport: the whole tarball plus the command lines.
      expect(h.transfer?.bytesSent).toBeGreaterThanOrEqual(r1.sizeBytes)
      expect(h.transfer?.bytesSent).toBeLessThan(r1.sizeBytes + 64 * 1024)
    }
    // Unchanged between r1 and r2: the two 3 MiB files, keep.txt and the app's code.
    const ref = join(scratch, `ref-${r2.id}`)
    let unchangedBytes = 0
    for (const f of ['data/a.bin', 'data/b.bin', 'assets/keep.txt', 'server.cjs', 'bin/restart'])
      unchangedBytes += (await lstat(join(ref, f))).size
    const before = await Promise.all(fleet.hosts.map((_, i) => hashTree(releaseDir(i, r1.id))))
    expect(before[0]).toEqual(reference.get(r1.id))

    const second = await deployRelease(r2, env, context())
    expectSucceeded(second)
    for (const [i, h] of second.hosts.entries()) {
      expect(h.transfer, second.log.join('\n')).toMatchObject({ mode: 'delta', base: r1.id })
      // 6 MiB of 6.5 MiB reused: well under a tenth of the tarball goes over the wire.
      expect(h.transfer?.bytesReused).toBe(unchangedBytes)
      expect(h.transfer?.bytesSent).toBeLessThan(r2.sizeBytes / 10)
      expect(await hashTree(releaseDir(i, r2.id))).toEqual(reference.get(r2.id))
      expect(await hashTree(releaseDir(i, r1.id))).toEqual(before[i])
      expect(JSON.parse(await health(i))).toEqual({ status: 'ok', release: r2.id })
    }
    // The deployment record (each host's own log, merged) keeps the per-host figures.
    const history = await readDeploymentHistory(env, context())
    const record = history.records.find((d) => d.id === second.id)
    for (const [i, h] of second.hosts.entries()) {
      const logged = record?.hosts.find((x) => x.host === h.host)
      expect(logged?.last).toBe('finished')
      expect(logged?.transfer).toEqual(second.hosts[i].transfer)
    }

    const back = await rollbackEnvironment(env, context())
    expectSucceeded(back)
    for (const [i, h] of fleet.hosts.entries()) {
      expect((await readHostDisk(h.hostDir)).current).toBe(`releases/${r1.id}`)
      expect(await hashTree(releaseDir(i, r1.id))).toEqual(before[i])
      expect(JSON.parse(await health(i))).toEqual({ status: 'ok', release: r1.id })
    }
  })

  it('a file changed in the previous release on one host: that host verifies, refuses the delta and gets the whole release', async () => {
    const env = environment()
    expectSucceeded(await deployRelease(r1, env, context()))
    const tampered = join(releaseDir(1, r1.id), 'data', 'a.bin')
    const bytes = await readFile(tampered)
    bytes[1000] ^= 0xff
    await writeFile(tampered, bytes)
    const corrupt = await hashTree(releaseDir(1, r1.id))

    const second = await deployRelease(r2, env, context())
    expectSucceeded(second)
    expect(second.hosts.map((h) => h.transfer?.mode)).toEqual(['delta', 'full', 'delta'])
    const fallback = second.hosts[1].transfer?.fallback ?? ''
    expect(fallback).toContain(`delta from ${r1.id} failed`)
    expect(fallback).toContain('the assembled tree differs')
    expect(second.log.join('\n')).toContain(
      `${fleet.hosts[1].name}: ${fallback}; sending the whole release`
    )
    expect(second.hosts[1].transfer?.bytesSent).toBeGreaterThan(r2.sizeBytes)
    for (const i of [0, 1, 2]) {
      expect(await hashTree(releaseDir(i, r2.id))).toEqual(reference.get(r2.id))
      expect(JSON.parse(await health(i))).toEqual({ status: 'ok', release: r2.id })
    }
    // Never repaired nor modified: the previous release stays as the host had it.
    expect(await hashTree(releaseDir(1, r1.id))).toEqual(corrupt)
    const listing = await readdir(join(fleet.hosts[1].hostDir, '.slipway'))
    expect(listing.filter((n) => n.startsWith('upload-'))).toEqual([])
  })

  it('without the base release in the local store every host gets the whole release, and says why', async () => {
    const env = environment()
    expectSucceeded(await deployRelease(r1, env, context()))
    const ctx: DeployContext = { ...context(), findRelease: async () => null }
    const second = await deployRelease(r2, env, ctx)
    expectSucceeded(second)
    for (const [i, h] of second.hosts.entries()) {
      expect(h.transfer).toMatchObject({
        mode: 'full',
        fallback: `${r1.id} is no longer in the local release store`
      })
      expect(await hashTree(releaseDir(i, r2.id))).toEqual(reference.get(r2.id))
    }
  })
})
