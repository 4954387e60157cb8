// Shared pieces of the deploy suites that run against a real sshd fleet (delta uploads, fan-out,
// bench:uplink): the environment, the deploy context, resetting hosts, hashing trees.
import { createHash } from 'node:crypto'
import { lstat, readFile, readdir, readlink, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../../shared/config-schema'
import type { DeployContext } from '../services/deploy'
import type { StoredRelease } from '../services/releases'
import { CredentialStore, HostTrustStore } from '../services/transport'
import type { SshTestFleet } from './sshd-hosts'
import { stopTestApp, TEST_APP_HOOK } from './test-app'

/** Every entry under `dir`: path, kind, mode and the sha256 of each file's bytes (or the link target). */
export async function hashTree(dir: string): Promise<string[]> {
  const out: string[] = []
  for (const name of await readdir(dir, { recursive: true })) {
    const path = join(dir, name)
    const info = await lstat(path)
    const mode = (info.mode & 0o7777).toString(8)
    if (info.isSymbolicLink()) out.push(`${name} -> ${await readlink(path)}`)
    else if (info.isDirectory()) out.push(`${name}/ ${mode}`)
    else {
      const sum = createHash('sha256')
        .update(await readFile(path))
        .digest('hex')
      out.push(`${name} ${mode} ${sum}`)
    }
  }
  return out.sort()
}

/** The fleet as one environment running the test app (hook + health check on every host). */
export function fleetEnvironment(
  fleet: SshTestFleet,
  appPort: number,
  extra: Partial<EnvironmentConfig> = {}
): EnvironmentConfig {
  return {
    name: 'production',
    hosts: fleet.hosts.map((h) => ({
      host: `${h.address}:${h.port}`,
      path: h.deployPath,
      port: appPort,
      name: h.name
    })),
    strategy: { batchSize: fleet.hosts.length },
    hooks: { afterActivate: TEST_APP_HOOK },
    healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 30 },
    keepReleases: 5,
    ...extra
  }
}

/**
 * A deploy context trusting exactly the fleet's host keys and logging in with its key (no
 * agent); `releases` are the local store that deltas are made from (none: full uploads only).
 */
export function fleetContext(
  fleet: SshTestFleet,
  scratch: string,
  releases: readonly StoredRelease[] = []
): DeployContext {
  return {
    workspacePath: scratch,
    dataDir: join(scratch, 'data'),
    transport: {
      workspacePath: scratch,
      trust: new HostTrustStore({
        knownHostsFiles: [fleet.knownHostsFile],
        trustedFile: join(scratch, 'trusted-none')
      }),
      credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
      sshConfigPath: null,
      connectTimeoutMs: 30_000
    },
    actor: 'release-manager@laptop',
    ...(releases.length > 0
      ? { findRelease: async (id: string) => releases.find((r) => r.id === id) ?? null }
      : {})
  }
}

/** Stops each host's test app and empties its deploy folder (HOME, with authorized_keys, stays). */
export async function resetFleetHosts(fleet: SshTestFleet): Promise<void> {
  for (const h of fleet.hosts) {
    await stopTestApp(h.hostDir, (pid) => h.localPid(pid))
    for (const entry of await readdir(h.hostDir))
      await rm(join(h.hostDir, entry), { recursive: true, force: true })
  }
}
