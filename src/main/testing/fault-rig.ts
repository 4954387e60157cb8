// Runs fault-matrix cases against real sshd hosts: a deploy of the old release, the new one
// deployed with a fault injected at one step of one host, the end state read from the hosts'
// disks and from readEnvironmentStatus (what `slipway status --json` prints), the fault
// repaired, then a plain re-run of the same deploy.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../../shared/config-schema'
import type { Deployment, EnvironmentStatus } from '../../shared/deploy-models'
import { deployRelease, readEnvironmentStatus, type DeployContext } from '../services/deploy'
import { connectHosts, type ConnectedHost } from '../services/deploy/connect-hosts'
import type { StoredRelease } from '../services/releases'
import { CredentialStore, HostTrustStore } from '../services/transport'
import {
  caseName,
  deniedPath,
  expectedEnd,
  type ExpectedEnd,
  type FaultCase,
  type MatrixRow
} from './fault-cases'
import { startFaultFleet, type FaultFleet } from './fault-fleet'
import { withFaultAt } from './fault-transport'
import { readHostDisk, treeListing, type HostDiskState } from './host-disk'
import { freePort } from './ports'
import { TEST_APP_HOOK, makeTestRelease, stopTestApp, testReleaseId } from './test-app'

/** A hook that fails for the release named in `shared/hook-fails`, else restarts the app. */
const HOOK =
  `if [ "$(cat "$SLIPWAY_BASE/shared/hook-fails" 2>/dev/null)" = "$SLIPWAY_RELEASE" ]; then ` +
  `echo "hook refused $SLIPWAY_RELEASE" >&2; exit 3; fi; ${TEST_APP_HOOK}`

/** What one case ended in. */
export interface CaseResult {
  readonly deployment: Deployment
  readonly expected: ExpectedEnd
  /** Per host, right after the failed deploy (before the repair). */
  readonly disks: readonly HostDiskState[]
  readonly status: EnvironmentStatus
  /** Per host, after the repair (what a host that was frozen did late shows here). */
  readonly repaired: readonly HostDiskState[]
  readonly rerun: Deployment
  /** Broken promises: empty when the case ended as documented. */
  readonly problems: readonly string[]
}

/** Three real sshd hosts, two releases and the machinery to run cases. */
export class FaultRig {
  private constructor(
    readonly faults: FaultFleet,
    private readonly scratch: string,
    private readonly appPort: number,
    readonly oldRelease: StoredRelease,
    readonly newRelease: StoredRelease
  ) {}

  static async start(hosts = 3, firstAddress = 181): Promise<FaultRig> {
    const faults = await startFaultFleet(hosts, {
      firstAddress,
      deployPath: '/srv/slipway-faults-test/app'
    })
    const scratch = await mkdtemp(join(tmpdir(), 'slipway-faults-'))
    const oldRelease = await makeTestRelease(scratch, testReleaseId(1))
    // Big enough that an upload takes many SFTP writes and fills a full disk.
    const newRelease = await makeTestRelease(scratch, testReleaseId(2), {
      'assets/data.bin': randomBytes(4 * 1024 * 1024)
    })
    // The app listens on each host's address: never on a port one of their sshd has.
    let appPort = await freePort()
    while (faults.fleet.hosts.some((h) => h.port === appPort)) appPort = await freePort()
    return new FaultRig(faults, scratch, appPort, oldRelease, newRelease)
  }

  get hostCount(): number {
    return this.faults.fleet.hosts.length
  }

  environment(): EnvironmentConfig {
    return {
      name: 'production',
      hosts: this.faults.fleet.hosts.map((h) => ({
        host: `${h.address}:${h.port}`,
        path: h.deployPath,
        port: this.appPort,
        name: h.name
      })),
      strategy: { batchSize: 1 },
      hooks: { afterActivate: HOOK },
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 3 },
      keepReleases: 5,
      // Short enough that a frozen host costs seconds, long enough that a loaded 2-core machine
      // (load 14-20 while the suite runs) never trips them: a 3 s upload stall failed re-runs.
      timeouts: { connectSeconds: 5, commandSeconds: 15, uploadStallSeconds: 10, hookSeconds: 15 }
    }
  }

  context(): DeployContext {
    const { fleet } = this.faults
    return {
      workspacePath: this.scratch,
      dataDir: join(this.scratch, 'data'),
      transport: {
        workspacePath: this.scratch,
        trust: new HostTrustStore({
          knownHostsFiles: [fleet.knownHostsFile],
          trustedFile: join(this.scratch, 'trusted-none')
        }),
        credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
        sshConfigPath: null
      },
      actor: 'release-manager@laptop'
    }
  }

  /** Every host on the old release, serving it, nothing else there. */
  private async reset(): Promise<void> {
    for (const h of this.faults.fleet.hosts) await stopTestApp(h.hostDir, (p) => h.localPid(p))
    this.faults.wipe()
    rmSync(join(this.scratch, 'data'), { recursive: true, force: true })
    const d = await deployRelease(this.oldRelease, this.environment(), this.context())
    if (d.status !== 'succeeded') throw new Error(`baseline deploy failed: ${d.summary}`)
  }

  private inject(c: FaultCase): void {
    const h = this.faults.fleet.hosts[c.host]
    const shared = (file: string): void =>
      writeFileSync(join(h.hostDir, 'shared', file), `${this.newRelease.id}\n`)
    switch (c.fault) {
      case 'sshd killed':
        return this.faults.kill(c.host)
      case 'sshd frozen':
        return this.faults.freeze(c.host)
      case 'disk full':
        return this.faults.fillDisk(c.host)
      case 'permission denied':
        return this.faults.deny(c.host, deniedPath(c.step))
      case 'hook non-zero':
        return shared('hook-fails')
      case 'health never OK':
        return shared('broken')
    }
  }

  private async repair(c: FaultCase): Promise<void> {
    await this.faults.repair(c.host)
    const dir = this.faults.fleet.hosts[c.host].hostDir
    for (const f of ['hook-fails', 'broken']) rmSync(join(dir, 'shared', f), { force: true })
  }

  /** Runs one case end to end; never throws for a broken promise (see `problems`). */
  async run(c: FaultCase): Promise<CaseResult> {
    await this.reset()
    const { hosts } = this.faults.fleet
    const oldId = this.oldRelease.id
    const newId = this.newRelease.id
    const before = await Promise.all(
      hosts.map((h) => treeListing(join(h.hostDir, 'releases', oldId)))
    )
    const env = this.environment()
    const ctx = this.context()
    // The app reads `broken` when it starts: that fault is set just before the switch.
    const at = c.fault === 'health never OK' ? 'switch+hook' : c.step
    const connected: ConnectedHost[] = (await connectHosts(env, ctx.transport)).map((h) =>
      h.kind === 'connected' && h.index === c.host
        ? { ...h, transport: withFaultAt(h.transport, at, newId, () => this.inject(c)) }
        : h
    )
    let deployment: Deployment
    let disks: HostDiskState[]
    let status: EnvironmentStatus
    try {
      deployment = await deployRelease(this.newRelease, env, ctx, { hosts: connected })
      disks = await Promise.all(hosts.map((h) => readHostDisk(h.hostDir)))
      status = await readEnvironmentStatus(env, ctx)
    } finally {
      // Whatever happened, the next case starts from working hosts.
      await this.repair(c)
    }
    // A frozen host runs what reached it while it was stopped: give it the moment to do so.
    await new Promise((r) => setTimeout(r, c.fault === 'sshd frozen' ? 1500 : 100))
    const repaired = await Promise.all(hosts.map((h) => readHostDisk(h.hostDir)))
    const after = await readEnvironmentStatus(env, ctx)
    const expected = expectedEnd(c, hosts.length)
    const problems: string[] = []
    const name = (id: string | null): string =>
      id === `releases/${oldId}` ? 'old' : id === `releases/${newId}` ? 'new' : String(id)
    if (deployment.status !== expected.status) {
      problems.push(
        `status ${deployment.status}, expected ${expected.status}: ${deployment.summary}`
      )
    }
    for (const [i, h] of hosts.entries()) {
      const disk = disks[i]
      const late = repaired[i]
      if (name(disk.current) !== expected.releases[i])
        problems.push(`${h.name} on ${name(disk.current)}, expected ${expected.releases[i]}`)
      if (late.current !== disk.current)
        problems.push(
          `${h.name} changed after the deployment ended: ${name(disk.current)} -> ${name(late.current)}`
        )
      for (const state of [disk, late]) {
        const target = state.current && join(h.hostDir, state.current)
        if (!target || !existsSync(target))
          problems.push(`${h.name}: current dangles (${state.current})`)
      }
      const now = await treeListing(join(h.hostDir, 'releases', oldId))
      if (JSON.stringify(now) !== JSON.stringify(before[i]))
        problems.push(`${h.name}: releases/${oldId} changed`)
      const reachable = !expected.unreachable.includes(i)
      if (disk.locked && !expected.lockMayStay.includes(i))
        problems.push(`${h.name}: lock left behind`)
      // A lock the ended deployment could not remove holds nothing: the status says it is stale.
      if (late.locked && !(lockHolder(h.hostDir) === deployment.id && after.hosts[i].lock?.stale))
        problems.push(
          `${h.name}: lock left after the repair: ${JSON.stringify(after.hosts[i].lock)}`
        )
      if (reachable && disk.bad.includes(newId) !== expected.bad)
        problems.push(`${h.name}: bad mark ${disk.bad.includes(newId)}, expected ${expected.bad}`)
      const s = status.hosts[i]
      if (
        reachable &&
        (!s.reachable || name(s.release ? `releases/${s.release}` : null) !== expected.releases[i])
      )
        problems.push(`${h.name}: status says ${s.reachable ? s.release : 'unreachable'}`)
      if (!reachable && s.reachable)
        problems.push(`${h.name}: status says reachable while it is down`)
    }
    if (status.badReleases.includes(newId) !== expected.bad)
      problems.push(`status badReleases ${JSON.stringify(status.badReleases)}`)
    // The plain re-run, once the fault is fixed.
    const rerun = await deployRelease(this.newRelease, env, ctx)
    if (rerun.status !== 'succeeded') problems.push(`re-run ${rerun.status}: ${rerun.summary}`)
    for (const h of hosts) {
      const disk = await readHostDisk(h.hostDir)
      if (name(disk.current) !== 'new' || disk.locked)
        problems.push(
          `${h.name} after the re-run: ${name(disk.current)}${disk.locked ? ', locked' : ''}`
        )
    }
    return { deployment, expected, disks, status, repaired, rerun, problems }
  }

  /** The case as a row of the README's table. */
  row(c: FaultCase, r: CaseResult): MatrixRow {
    const short = (id: string | null): string =>
      id === null
        ? 'none'
        : id.endsWith(this.oldRelease.id)
          ? 'old'
          : id.endsWith(this.newRelease.id)
            ? 'new'
            : id
    const locked = r.disks.flatMap((d, i) => (d.locked ? [`host ${i + 1}`] : []))
    const lateLocked = r.repaired.flatMap((d, i) => (d.locked ? [`host ${i + 1}`] : []))
    const bad = r.disks.flatMap((d, i) => (d.bad.includes(this.newRelease.id) ? [i + 1] : []))
    return {
      name: caseName(c, this.hostCount),
      deployment: r.deployment.status,
      hosts: r.disks.map((d) => short(d.current)).join(' '),
      locks:
        locked.length === 0
          ? 'none'
          : `${locked.join(', ')}${lateLocked.length === 0 ? ' (until the host is back)' : ''}`,
      bad: bad.length === 0 ? 'no' : `hosts ${bad.join(', ')}`,
      logs: r.disks.map((d) => d.log.at(-1)?.event ?? '-').join(' '),
      status: r.status.hosts
        .map((h) =>
          h.reachable ? `${short(h.release)}${h.healthy ? '' : ' (unhealthy)'}` : 'unreachable'
        )
        .join(', '),
      rerun: r.rerun.status,
      problems: r.problems
    }
  }

  async stop(): Promise<void> {
    for (const h of this.faults.fleet.hosts) await stopTestApp(h.hostDir, (p) => h.localPid(p))
    await this.faults.stop()
    await rm(this.scratch, { recursive: true, force: true })
  }
}

function lockHolder(hostDir: string): string | null {
  try {
    return (
      (
        JSON.parse(readFileSync(join(hostDir, '.slipway', 'lock'), 'utf8')) as {
          deployment?: string
        }
      ).deployment ?? null
    )
  } catch {
    return null
  }
}
