// Test support: the demo "orders" app on N local hosts behind a real nginx, deployed by the
// engine with the demo's own production hooks (scripts/nginx-upstream.sh around each batch).
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { EnvironmentConfig } from '../../shared/config-schema'
import type { DeployContext } from '../services/deploy'
import { createRelease, type StoredRelease } from '../services/releases'
import { CredentialStore, HostTrustStore } from '../services/transport'
import { ensureDemoWorkspace, loadConfig, workspaceDataDir } from '../services/workspace'
import { startNginxBalancer, type NginxBalancer } from './nginx-balancer'
import { freePort } from './ports'
import { removeDir, tempDir } from './temp-dir'

const run = promisify(execFile)

/** The demo's production environment on local hosts, nginx in front. */
export interface ZeroDowntimeRig {
  /** The demo repository (its slipway.yml's hooks are the ones run). */
  readonly workspace: string
  /** The demo's production environment with this rig's hosts. */
  readonly env: EnvironmentConfig
  readonly ctx: DeployContext
  readonly balancer: NginxBalancer
  /** Each host's folder. */
  readonly hostDirs: readonly string[]
  /** Scratch space (the load generator's files). */
  readonly scratch: string
  /** Builds a release of the demo's main with its own build (a new id each time). */
  build(): Promise<StoredRelease>
  /**
   * Puts `release` on host `n` (1-based) before it is deployed, as an upload would leave it
   * (same sha256, so the deploy skips the upload there), but with a server.js that exits at
   * start: the health check on that host never passes.
   */
  plantCrashingCopy(release: StoredRelease, n: number): Promise<void>
  /** Stops every app, nginx, and removes the files. */
  stop(): Promise<void>
}

/** Starts the rig: the demo workspace, `hosts` local hosts (default 4) and nginx over them. */
export async function startZeroDowntimeRig(
  options: { readonly hosts?: number; readonly healthTimeoutSeconds?: number } = {}
): Promise<ZeroDowntimeRig> {
  const root = await tempDir('slipway-zero-downtime-')
  const scratch = join(root, 'scratch')
  await mkdir(scratch)
  const workspace = await ensureDemoWorkspace(join(root, 'data'))
  const { config, problems } = await loadConfig(workspace)
  const production = config.environments.find((e) => e.name === 'production')
  if (problems.length > 0 || !production) throw new Error('the demo slipway.yml did not load')
  const hosts: EnvironmentConfig['hosts'] = []
  const hostDirs: string[] = []
  for (let i = 1; i <= (options.hosts ?? 4); i++) {
    const local = `.slipway/hosts/web-${i}`
    hosts.push({ local, port: await freePort(), name: `web-${i}` })
    hostDirs.push(join(workspace, local))
  }
  const env: EnvironmentConfig = {
    ...production,
    hosts,
    strategy: { batchSize: 1 },
    healthCheck: {
      url: 'http://127.0.0.1:{port}/health',
      timeoutSeconds: options.healthTimeoutSeconds ?? 5
    }
  }
  // Where the demo's hooks look for the balancer (scripts/nginx-upstream.sh … .slipway/lb/production).
  const balancer = await startNginxBalancer(
    join(workspace, '.slipway', 'lb', 'production'),
    hosts.map((h) => `127.0.0.1:${h.port}`)
  )
  const dataDir = await workspaceDataDir(join(root, 'data'), workspace)
  const ctx: DeployContext = {
    workspacePath: workspace,
    dataDir,
    transport: {
      workspacePath: workspace,
      trust: new HostTrustStore({ knownHostsFiles: [], trustedFile: join(root, 'trusted') }),
      credentials: new CredentialStore({ agentSocket: null, keyFiles: [] })
    },
    actor: 'zero-downtime@test'
  }
  return {
    workspace,
    env,
    ctx,
    balancer,
    hostDirs,
    scratch,
    build: () =>
      createRelease({
        workspacePath: workspace,
        dir: join(dataDir, 'releases'),
        config,
        mainBranch: config.mainBranch ?? 'main',
        ticketPattern: config.tickets.pattern,
        createdBy: ctx.actor,
        buildTimeoutMs: 120_000
      }),
    async plantCrashingCopy(release, n) {
      const dir = join(hostDirs[n - 1], 'releases', release.id)
      await mkdir(dir, { recursive: true })
      await run('tar', ['-xzf', release.tarballPath, '-C', dir])
      const server = join(dir, 'server.js')
      const code = await readFile(server, 'utf8')
      await writeFile(
        server,
        `console.error('cannot start on this host'); process.exit(3)\n${code}`
      )
      await writeFile(join(dir, '.slipway-sha256'), `${release.sha256}\n`)
    },
    async stop() {
      await Promise.all(hostDirs.map(stopApp))
      await balancer.stop()
      await removeDir(root)
    }
  }
}

/** Stops the demo app of a host folder and waits (at most 15 s) until it has exited. */
async function stopApp(hostDir: string): Promise<void> {
  const text = await readFile(join(hostDir, 'shared', 'orders.pid'), 'utf8').catch(() => '')
  const pid = Number(text.trim())
  if (!Number.isInteger(pid) || pid <= 0) return
  const alive = (): boolean => {
    try {
      process.kill(pid, 0)
      // A zombie has let go of its port; only its parent can reap it.
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
    } catch {
      return false
    }
  }
  if (!alive()) return
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + 15_000
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  if (alive()) process.kill(pid, 'SIGKILL')
}
