/**
 * Measures the SSH transport against real sshd hosts (not a test): connect+auth time, and SFTP
 * upload throughput of a 50 MiB incompressible file to one host and to 8 hosts in parallel.
 * Run: npx tsx src/main/testing/measure-transport.ts
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  connectTransport,
  CredentialStore,
  HostTrustStore,
  type Transport,
  type TransportContext
} from '../services/transport'
import { startSshFleet, sshdUnavailableReason } from './sshd-hosts'

const MIB = 1024 * 1024

async function main(): Promise<void> {
  const reason = sshdUnavailableReason()
  if (reason) throw new Error(reason)
  const fleet = await startSshFleet(8, { firstAddress: 121 })
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-measure-'))
  try {
    const ctx: TransportContext = {
      workspacePath: scratch,
      trust: new HostTrustStore({
        knownHostsFiles: [fleet.knownHostsFile],
        trustedFile: join(scratch, 't')
      }),
      credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
      sshConfigPath: null
    }
    const hostConfig = (i: number) => ({
      host: `${fleet.hosts[i].address}:${fleet.hosts[i].port}`,
      path: fleet.hosts[i].deployPath
    })
    const connects: number[] = []
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      const t = await connectTransport(hostConfig(0), ctx)
      connects.push(performance.now() - t0)
      await t.close()
    }
    const t0 = performance.now()
    const transports: Transport[] = await Promise.all(
      fleet.hosts.map((_, i) => connectTransport(hostConfig(i), ctx))
    )
    const all = performance.now() - t0
    const e0 = performance.now()
    for (let i = 0; i < 20; i++) await transports[0].exec('true')
    const execMs = (performance.now() - e0) / 20
    const file = join(scratch, 'payload.bin')
    await writeFile(file, randomBytes(50 * MIB))
    const one: number[] = []
    for (let i = 0; i < 3; i++) {
      const u0 = performance.now()
      await transports[0].upload(file, `${transports[0].basePath}/payload.bin`)
      one.push(performance.now() - u0)
    }
    const eight: number[] = []
    for (let i = 0; i < 3; i++) {
      const u0 = performance.now()
      await Promise.all(transports.map((t) => t.upload(file, `${t.basePath}/payload.bin`)))
      eight.push(performance.now() - u0)
    }
    const median = (xs: number[]): number =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    console.log(
      `connect_auth_ms_median=${median(connects).toFixed(0)} (runs: ${connects.map((c) => c.toFixed(0)).join(' ')})`
    )
    console.log(`connect_8_parallel_ms=${all.toFixed(0)}`)
    console.log(`exec_roundtrip_ms=${execMs.toFixed(1)}`)
    console.log(
      `sftp_1_host_50MiB_ms=${median(one).toFixed(0)} mib_per_s=${(50 / (median(one) / 1000)).toFixed(0)}`
    )
    console.log(
      `sftp_8_hosts_50MiB_ms=${median(eight).toFixed(0)} aggregate_mib_per_s=${((8 * 50) / (median(eight) / 1000)).toFixed(0)}`
    )
    await Promise.all(transports.map((t) => t.close()))
  } finally {
    await fleet.stop()
    await rm(scratch, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
