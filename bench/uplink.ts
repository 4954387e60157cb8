/**
 * Benchmark of what leaves the laptop (`npm run bench:uplink`): 8 real sshd hosts on 127.0.0.x.
 * Release 1 is a tiny HTTP app plus 50 MiB of incompressible data in 52 files (49 of 1 MiB,
 * 3 of 1/3 MiB); release 2 replaces the 3 small files (1 MiB across 3 files). Each run, from
 * empty hosts: release 1 then release 2 with fan-out (`strategy.fanOut`) and delta uploads; and,
 * from empty hosts again, the same two releases through the full-upload path (every host gets
 * the whole tarball from this machine). Bytes are what the client's transports counted as sent
 * (every command, stdin and file byte of the whole deployment, the fan-out's own connections
 * included); times include connecting, the hook and the health check. Median of RUNS (default 3).
 * What this machine sends goes through an uplink capped at UPLINK_MBIT (default 100 Mbit/s, see
 * uplink-shaping.ts); UPLINK_MBIT=0 measures on bare loopback, where host CPU is all there is.
 */
import { createCipheriv } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../src/shared/config-schema'
import type { Deployment } from '../src/shared/deploy-models'
import type { StoredRelease } from '../src/main/services/releases'
import { deployRelease, type DeployContext } from '../src/main/services/deploy'
import { connectHosts } from '../src/main/services/deploy/connect-hosts'
import { freePort } from '../src/main/testing/ports'
import { sshdUnavailableReason, startSshFleet } from '../src/main/testing/sshd-hosts'
import { makeTestRelease } from '../src/main/testing/test-app'
import { fleetContext, fleetEnvironment, resetFleetHosts } from '../src/main/testing/sshd-deploy'
import { laptopSshConfig, LAPTOP_ADDRESS, runShapedIfNeeded, uplinkMbit } from './uplink-shaping'

const HOSTS = 8
const RUNS = Number(process.env.RUNS ?? 3)
const MIB = 1024 * 1024
const GOALS = { full: 0.15, delta: 0.01, time: 0.3 }

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

/** Bytes that gzip cannot shrink, different per `seed`: an AES-256-CTR keystream. */
function incompressible(size: number, seed: number): Buffer {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, seed), Buffer.alloc(16, 1))
  return cipher.update(Buffer.alloc(size))
}

/** Deploys and answers the time and every byte the transports sent (connect included). */
async function measuredDeploy(
  release: StoredRelease,
  env: EnvironmentConfig,
  ctx: DeployContext
): Promise<{ ms: number; uploadMs: number; bytes: number; deployment: Deployment }> {
  const start = performance.now()
  const hosts = await connectHosts(env, ctx.transport)
  const deployment = await deployRelease(release, env, ctx, { hosts })
  const ms = performance.now() - start
  if (deployment.status !== 'succeeded') {
    throw new Error(
      `deploy ${deployment.status}: ${deployment.summary}\n${deployment.log.join('\n')}`
    )
  }
  const bytes = hosts.reduce((n, h) => n + (h.kind === 'connected' ? h.transport.bytesSent : 0), 0)
  // The engine logs how long the upload phase (upload, unpack, verify on every host) took.
  const phase = deployment.log
    .map((l) => / uploaded to \d+ hosts? in ([\d.]+) s$/.exec(l))
    .find(Boolean)
  const uploadMs = phase ? Number(phase[1]) * 1000 : NaN
  return { ms, uploadMs, bytes, deployment }
}

async function main(): Promise<void> {
  const reason = sshdUnavailableReason()
  if (reason) {
    console.log(`skipped: ${reason}`)
    return
  }
  const mbit = uplinkMbit()
  const shaped = runShapedIfNeeded(mbit)
  if (shaped !== null) {
    process.exitCode = shaped
    return
  }
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-bench-uplink-'))
  const fleet = await startSshFleet(HOSTS, {
    firstAddress: 161,
    deployPath: '/srv/slipway-bench-uplink/app'
  })
  try {
    const appPort = await freePort()
    console.error('making the two releases…')
    const big: Record<string, Buffer> = {}
    for (let i = 0; i < 49; i++)
      big[`data/part-${String(i).padStart(2, '0')}.bin`] = incompressible(MIB, i + 1)
    const third = Math.floor(MIB / 3)
    const small = (seed: number): Record<string, Buffer> => ({
      'assets/a.bin': incompressible(third, seed),
      'assets/b.bin': incompressible(third, seed + 1),
      'assets/c.bin': incompressible(MIB - 2 * third, seed + 2)
    })
    const r1 = await makeTestRelease(scratch, '20261126.1204-abc1234', { ...big, ...small(100) })
    const r2 = await makeTestRelease(scratch, '20261126.1205-abc1235', { ...big, ...small(200) })
    const artifact = r1.sizeBytes
    console.error(
      `tar.gz: ${(r1.sizeBytes / MIB).toFixed(2)} MiB and ${(r2.sizeBytes / MIB).toFixed(2)} MiB`
    )
    const full = fleetEnvironment(fleet, appPort, { name: 'bench', strategy: { batchSize: 2 } })
    const fanned = { ...full, strategy: { batchSize: 2, fanOut: true } }
    const sshConfigPath = mbit > 0 ? await laptopSshConfig(scratch) : null
    const laptop = (ctx: DeployContext): DeployContext => ({
      ...ctx,
      transport: { ...ctx.transport, sshConfigPath }
    })
    const plain = laptop(fleetContext(fleet, scratch))
    const withDelta = laptop(fleetContext(fleet, scratch, [r1, r2]))
    type Figures = { ms: number; uploadMs: number; bytes: number }
    const figures = (m: Figures): Figures => ({ ms: m.ms, uploadMs: m.uploadMs, bytes: m.bytes })
    const fanFirst: Figures[] = []
    const fanDelta: Figures[] = []
    const fullFirst: Figures[] = []
    const fullSecond: Figures[] = []
    const expectModes = (d: Deployment, modes: string[], relayed: boolean): void => {
      const got = d.hosts.map((h) => h.transfer?.mode)
      const viaRelay = d.hosts.filter((h) => h.transfer?.relay).length
      if (got.join() !== modes.join() || viaRelay !== (relayed ? HOSTS - 1 : 0)) {
        throw new Error(
          `expected ${modes.join(', ')} with ${relayed ? HOSTS - 1 : 0} hosts via a relay, got ${got.join(', ')} and ${viaRelay}\n${d.log.join('\n')}`
        )
      }
    }
    for (let run = 1; run <= RUNS; run++) {
      // Alternate which path goes first so neither always runs on a warmer machine.
      const order = run % 2 === 1 ? ['fan', 'full'] : ['full', 'fan']
      for (const which of order) {
        await resetFleetHosts(fleet)
        if (which === 'fan') {
          const a = await measuredDeploy(r1, fanned, withDelta)
          expectModes(a.deployment, Array(HOSTS).fill('full'), true)
          const b = await measuredDeploy(r2, fanned, withDelta)
          expectModes(b.deployment, Array(HOSTS).fill('delta'), true)
          // BENCH_LOG=1: where the delta deploy's time goes, line by line.
          if (process.env.BENCH_LOG === '1') console.error(b.deployment.log.join('\n'))
          fanFirst.push(figures(a))
          fanDelta.push(figures(b))
        } else {
          const a = await measuredDeploy(r1, full, plain)
          expectModes(a.deployment, Array(HOSTS).fill('full'), false)
          const b = await measuredDeploy(r2, full, plain)
          expectModes(b.deployment, Array(HOSTS).fill('full'), false)
          fullFirst.push(figures(a))
          fullSecond.push(figures(b))
        }
      }
      const mib = (f: Figures[]): string => `${(f.at(-1)!.bytes / MIB).toFixed(2)} MiB`
      const sec = (f: Figures[]): string => `${(f.at(-1)!.ms / 1000).toFixed(2)} s`
      console.error(
        `run ${run}: fan-out first ${sec(fanFirst)} ${mib(fanFirst)}, fan-out+delta ${sec(fanDelta)} ${mib(fanDelta)}; ` +
          `full path first ${sec(fullFirst)} ${mib(fullFirst)}, second ${sec(fullSecond)} ${mib(fullSecond)}`
      )
    }
    await resetFleetHosts(fleet)
    const per = artifact * HOSTS
    const med = (f: Figures[], key: keyof Figures): number => median(f.map((x) => x[key]))
    const ratioFull = med(fanFirst, 'bytes') / per
    const ratioDelta = med(fanDelta, 'bytes') / per
    const timeRatio = med(fanDelta, 'ms') / med(fullSecond, 'ms')
    const firstTimeRatio = med(fanFirst, 'ms') / med(fullFirst, 'ms')
    const uploadRatio = med(fanDelta, 'uploadMs') / med(fullSecond, 'uploadMs')
    const verdict = (value: number, goal: number): string => (value <= goal ? 'met' : 'NOT met')
    const s = (ms: number): string => (ms / 1000).toFixed(2)
    console.log(
      mbit > 0
        ? `uplink=${mbit} Mbit/s (htb caps what this process sends from ${LAPTOP_ADDRESS}; hosts' replies and relay fetches are not capped; UPLINK_MBIT=0: bare loopback)`
        : 'uplink=none (bare loopback: sending is nearly free, host CPU dominates)'
    )
    console.log(
      `hosts=${HOSTS} artifact_mib=${(artifact / MIB).toFixed(2)} runs=${RUNS} changed=1 MiB in 3 of 52 files; batch 2, hook + health on every host`
    )
    console.log(
      `uplink_ratio_full=${ratioFull.toFixed(3)} (goal <= ${GOALS.full}: ${verdict(ratioFull, GOALS.full)}; first deploy with fan-out: ${(med(fanFirst, 'bytes') / MIB).toFixed(2)} MiB sent vs ${(med(fullFirst, 'bytes') / MIB).toFixed(2)} MiB on the full-upload path)`
    )
    console.log(
      `uplink_ratio_delta=${ratioDelta.toFixed(4)} (goal <= ${GOALS.delta}: ${verdict(ratioDelta, GOALS.delta)}; release 2 with fan-out and delta: ${(med(fanDelta, 'bytes') / MIB).toFixed(2)} MiB vs ${(med(fullSecond, 'bytes') / MIB).toFixed(2)} MiB on the full-upload path)`
    )
    console.log(
      `time_ratio_delta=${timeRatio.toFixed(2)} (goal <= ${GOALS.time}: ${verdict(timeRatio, GOALS.time)}; ${s(med(fanDelta, 'ms'))} s vs ${s(med(fullSecond, 'ms'))} s for release 2 on the full-upload path)`
    )
    console.log(
      `time_ratio_first=${firstTimeRatio.toFixed(2)} (first deploy with fan-out ${s(med(fanFirst, 'ms'))} s vs full-upload path ${s(med(fullFirst, 'ms'))} s)`
    )
    if (mbit > 0) {
      // The cap must be what limited the full path, or the time ratio means nothing.
      const rate = (med(fullSecond, 'bytes') * 8) / (med(fullSecond, 'uploadMs') / 1000) / 1e6
      console.log(
        `uplink_check: the full path's upload phase sent at ${rate.toFixed(1)} Mbit/s (cap ${mbit})`
      )
      if (rate > mbit * 1.1)
        throw new Error(`the uplink cap did not hold: ${rate.toFixed(1)} Mbit/s`)
    }
    console.log(
      `upload_phase_s delta=${s(med(fanDelta, 'uploadMs'))} full=${s(med(fullSecond, 'uploadMs'))} upload_phase_ratio_delta=${uploadRatio.toFixed(2)} (send + fetch + unpack + verify only; the rest is connect, lock, activation, hook, health)`
    )
  } finally {
    await fleet.stop()
    await rm(scratch, { recursive: true, force: true })
  }
}

await main()
