/**
 * Benchmark of a full deploy (`npm run bench:deploy`): 8 real sshd hosts on 127.0.0.x, a
 * release with a 50 MiB incompressible file (random bytes from a fixed seed) plus a tiny HTTP
 * app. Times (a) Slipway's deployRelease with batchSize 1, the restart hook and a health check
 * proving each host serves the release, and (b) the baseline: one OpenSSH `ssh` per host in
 * parallel with the tarball on stdin into `tar -xz`, then the atomic switch. Fresh hosts for
 * every run; median of 3; prints ratio_to_baseline.
 */
import { spawn } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../src/shared/config-schema'
import { deployRelease } from '../src/main/services/deploy'
import { freePort } from '../src/main/testing/ports'
import {
  sshdUnavailableReason,
  startSshFleet,
  type SshTestFleet
} from '../src/main/testing/sshd-hosts'
import { makeTestRelease, stopTestApp, TEST_APP_HOOK } from '../src/main/testing/test-app'
import { CredentialStore, HostTrustStore, shellQuote } from '../src/main/services/transport'

const HOSTS = 8
const RUNS = 3
const SIZE = 50 * 1024 * 1024
const TARGET_RATIO = 1.2
const RELEASE_ID = '20261126.1204-abc1234'

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

/** 50 MiB that gzip cannot shrink, the same every run: AES-256-CTR keystream of a fixed key. */
function incompressible(size: number): Buffer {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16, 1))
  return cipher.update(Buffer.alloc(size))
}

async function resetHosts(fleet: SshTestFleet): Promise<void> {
  for (const h of fleet.hosts) {
    await stopTestApp(h.hostDir, (pid) => h.localPid(pid))
    for (const entry of await readdir(h.hostDir))
      await rm(join(h.hostDir, entry), { recursive: true, force: true })
  }
}

/** One `ssh` per host: the tarball on stdin into `tar -xz`, then the switch. */
function baselineHost(fleet: SshTestFleet, index: number, tarball: string): Promise<void> {
  const h = fleet.hosts[index]
  const base = h.deployPath
  const dir = `${base}/releases/${RELEASE_ID}`
  const remote =
    `mkdir -p ${shellQuote(dir)} && tar -xzf - -C ${shellQuote(dir)} && ` +
    `ln -sfn ${shellQuote(`releases/${RELEASE_ID}`)} ${shellQuote(`${base}/current.tmp`)} && ` +
    `mv -T ${shellQuote(`${base}/current.tmp`)} ${shellQuote(`${base}/current`)}`
  return new Promise((resolve, reject) => {
    const ssh = spawn(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-i',
        fleet.userKeyFile,
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${fleet.knownHostsFile}`,
        '-p',
        String(h.port),
        `${fleet.user}@${h.address}`,
        remote
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] }
    )
    let err = ''
    ssh.stderr.on('data', (d: Buffer) => (err += d.toString()))
    createReadStream(tarball).pipe(ssh.stdin)
    ssh.on('error', reject)
    ssh.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ssh to ${h.name} exited ${code}: ${err}`))
    )
  })
}

async function main(): Promise<void> {
  const reason = sshdUnavailableReason()
  if (reason) {
    console.log(`skipped: ${reason}`)
    return
  }
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-bench-deploy-'))
  const fleet = await startSshFleet(HOSTS, {
    firstAddress: 71,
    deployPath: '/srv/slipway-bench/app'
  })
  try {
    const appPort = await freePort()
    console.error(`making the ${SIZE / 1024 / 1024} MiB release…`)
    const release = await makeTestRelease(scratch, RELEASE_ID, { 'data.bin': incompressible(SIZE) })
    console.error(
      `release ${release.id}: ${(release.sizeBytes / 1024 / 1024).toFixed(1)} MiB tar.gz`
    )
    const env: EnvironmentConfig = {
      name: 'bench',
      hosts: fleet.hosts.map((h) => ({
        host: `${h.address}:${h.port}`,
        path: h.deployPath,
        port: appPort,
        name: h.name
      })),
      strategy: { batchSize: 1 },
      hooks: { afterActivate: TEST_APP_HOOK },
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 30 },
      keepReleases: 5
    }
    const ctx = {
      workspacePath: scratch,
      dataDir: join(scratch, 'data'),
      transport: {
        workspacePath: scratch,
        trust: new HostTrustStore({
          knownHostsFiles: [fleet.knownHostsFile],
          trustedFile: join(scratch, 'trusted')
        }),
        credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
        sshConfigPath: null
      },
      actor: 'bench@slipway'
    }
    const slipway: number[] = []
    const baseline: number[] = []
    for (let run = 1; run <= RUNS; run++) {
      // Alternate the order so neither side always runs on a warmer machine.
      const order = run % 2 === 1 ? ['slipway', 'baseline'] : ['baseline', 'slipway']
      for (const which of order) {
        await resetHosts(fleet)
        const start = performance.now()
        if (which === 'slipway') {
          const d = await deployRelease(release, env, ctx)
          if (d.status !== 'succeeded')
            throw new Error(`deploy ${d.status}: ${d.summary}\n${d.log.join('\n')}`)
          slipway.push(performance.now() - start)
          // BENCH_LOG=1 prints the first deployment's whole log (where the time goes).
          if (run === 1 && process.env.BENCH_LOG) console.error(d.log.join('\n'))
        } else {
          await Promise.all(fleet.hosts.map((_, i) => baselineHost(fleet, i, release.tarballPath)))
          baseline.push(performance.now() - start)
        }
      }
      console.error(
        `run ${run}: slipway ${(slipway.at(-1)! / 1000).toFixed(2)} s, baseline ${(baseline.at(-1)! / 1000).toFixed(2)} s`
      )
    }
    await resetHosts(fleet)
    const a = median(slipway)
    const b = median(baseline)
    console.log(`hosts=${HOSTS} artifact_mib=${SIZE / 1024 / 1024} runs=${RUNS}`)
    console.log(
      `slipway_deploy_s=${(a / 1000).toFixed(2)} (batchSize 1, hook + health check per host)`
    )
    console.log(`baseline_ssh_tar_s=${(b / 1000).toFixed(2)} (one ssh per host, tar -xz, switch)`)
    const paired = slipway.map((t, i) => (t / (baseline[i] as number)).toFixed(2)).join(' ')
    console.log(`paired_run_ratios=${paired} (each run's two timings back to back)`)
    console.log(`ratio_to_baseline=${(a / b).toFixed(2)} (target <= ${TARGET_RATIO})`)
  } finally {
    await fleet.stop()
    await rm(scratch, { recursive: true, force: true })
  }
}

await main()
