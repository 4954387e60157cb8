/**
 * Benchmark of what leaves the laptop (`npm run bench:uplink`): 8 real sshd hosts on 127.0.0.x.
 * Release 1 is a tiny HTTP app plus 50 MiB of incompressible data in 52 files (49 of 1 MiB,
 * 3 of 1/3 MiB); release 2 replaces the 3 small files (1 MiB across 3 files). Each run, from
 * empty hosts: deploy release 1 (full upload), then release 2 with delta uploads; and, from the
 * same starting state, release 2 through the full-upload path. Bytes are what the client's
 * transports counted as sent (every command, stdin and file byte of the whole deployment);
 * times include connecting, the hook and the health check. Median of RUNS (default 3).
 */
import { createCipheriv } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../src/shared/config-schema'
import type { Deployment } from '../src/shared/deploy-models'
import type { StoredRelease } from '../src/main/services/releases'
import { deployRelease, type DeployContext } from '../src/main/services/deploy'
import { connectHosts } from '../src/main/services/deploy/connect-hosts'
import { freePort } from '../src/main/testing/ports'
import {
  sshdUnavailableReason,
  startSshFleet,
  type SshTestFleet
} from '../src/main/testing/sshd-hosts'
import { makeTestRelease, stopTestApp, TEST_APP_HOOK } from '../src/main/testing/test-app'
import { CredentialStore, HostTrustStore } from '../src/main/services/transport'

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

async function resetHosts(fleet: SshTestFleet): Promise<void> {
  for (const h of fleet.hosts) {
    await stopTestApp(h.hostDir, (pid) => h.localPid(pid))
    for (const entry of await readdir(h.hostDir))
      await rm(join(h.hostDir, entry), { recursive: true, force: true })
  }
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
    const env: EnvironmentConfig = {
      name: 'bench',
      hosts: fleet.hosts.map((h) => ({
        host: `${h.address}:${h.port}`,
        path: h.deployPath,
        port: appPort,
        name: h.name
      })),
      strategy: { batchSize: 2 },
      hooks: { afterActivate: TEST_APP_HOOK },
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 30 },
      keepReleases: 5
    }
    const base: DeployContext = {
      workspacePath: scratch,
      dataDir: join(scratch, 'data'),
      transport: {
        workspacePath: scratch,
        trust: new HostTrustStore({
          knownHostsFiles: [fleet.knownHostsFile],
          trustedFile: join(scratch, 'trusted')
        }),
        credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
        sshConfigPath: null,
        connectTimeoutMs: 30_000
      },
      actor: 'bench@slipway'
    }
    const withDelta: DeployContext = {
      ...base,
      findRelease: async (id) => [r1, r2].find((r) => r.id === id) ?? null
    }
    const first: number[] = []
    const delta: { ms: number; uploadMs: number; bytes: number }[] = []
    const full: { ms: number; uploadMs: number; bytes: number }[] = []
    for (let run = 1; run <= RUNS; run++) {
      // Alternate which path goes first so neither always runs on a warmer machine.
      const order = run % 2 === 1 ? ['delta', 'full'] : ['full', 'delta']
      for (const which of order) {
        await resetHosts(fleet)
        const initial = await measuredDeploy(r1, env, withDelta)
        first.push(initial.bytes)
        const second = await measuredDeploy(r2, env, which === 'delta' ? withDelta : base)
        const modes = second.deployment.hosts.map((h) => h.transfer?.mode)
        const expected = which === 'delta' ? 'delta' : 'full'
        if (modes.some((m) => m !== expected)) {
          throw new Error(
            `expected every host to get a ${expected} upload, got ${modes.join(', ')}\n${second.deployment.log.join('\n')}`
          )
        }
        ;(which === 'delta' ? delta : full).push({
          ms: second.ms,
          uploadMs: second.uploadMs,
          bytes: second.bytes
        })
      }
      console.error(
        `run ${run}: delta ${(delta.at(-1)!.ms / 1000).toFixed(2)} s ${(delta.at(-1)!.bytes / MIB).toFixed(2)} MiB, ` +
          `full ${(full.at(-1)!.ms / 1000).toFixed(2)} s ${(full.at(-1)!.bytes / MIB).toFixed(2)} MiB`
      )
    }
    await resetHosts(fleet)
    const per = artifact * HOSTS
    const ratioFull = median(first) / per
    const ratioDelta = median(delta.map((d) => d.bytes)) / per
    const ratioDeltaOverFull = median(delta.map((d) => d.bytes)) / median(full.map((d) => d.bytes))
    const timeRatio = median(delta.map((d) => d.ms)) / median(full.map((d) => d.ms))
    const uploadRatio = median(delta.map((d) => d.uploadMs)) / median(full.map((d) => d.uploadMs))
    const verdict = (value: number, goal: number): string => (value <= goal ? 'met' : 'NOT met')
    console.log(
      `hosts=${HOSTS} artifact_mib=${(artifact / MIB).toFixed(2)} runs=${RUNS} changed=1 MiB in 3 of 52 files`
    )
    console.log(
      `delta_deploy_s=${(median(delta.map((d) => d.ms)) / 1000).toFixed(2)} full_deploy_s=${(median(full.map((d) => d.ms)) / 1000).toFixed(2)} (release 2 over release 1, batch 2, hook + health)`
    )
    console.log(
      `uplink_ratio_full=${ratioFull.toFixed(3)} (goal <= ${GOALS.full}: ${verdict(ratioFull, GOALS.full)}; fan-out is not built, so a first deploy sends the artifact once per host)`
    )
    console.log(
      `uplink_ratio_delta=${ratioDelta.toFixed(4)} (goal <= ${GOALS.delta}: ${verdict(ratioDelta, GOALS.delta)}; without fan-out each host receives the changed files itself)`
    )
    console.log(
      `delta_bytes_vs_full_path=${ratioDeltaOverFull.toFixed(4)} (the same release 2 sent whole, same run)`
    )
    console.log(
      `time_ratio_delta=${timeRatio.toFixed(2)} (goal <= ${GOALS.time}: ${verdict(timeRatio, GOALS.time)})`
    )
    console.log(
      `upload_phase_s delta=${(median(delta.map((d) => d.uploadMs)) / 1000).toFixed(2)} full=${(median(full.map((d) => d.uploadMs)) / 1000).toFixed(2)} upload_phase_ratio_delta=${uploadRatio.toFixed(2)} (send + unpack + verify only; the rest is connect, lock, activation, hook, health)`
    )
  } finally {
    await fleet.stop()
    await rm(scratch, { recursive: true, force: true })
  }
}

await main()
