import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseDocument } from 'yaml'
import { runGit } from '../services/git'
import { ensureDemoWorkspace, workspaceDataDir } from '../services/workspace'
import { freePort } from './ports'
import { startServeProcess, type ServeProcess } from './serve-process'
import { removeDir, tempDir } from './temp-dir'

// Test support for issue 11 (Slipway killed; the soak): the demo workspace served by a real
// `slipway serve` process, with its staging environment made of local hosts on free ports; the
// kill runs SIGKILL it and start it again on the same data folder.

/** One local host of the rig's staging environment. */
export interface RigHost {
  readonly name: string
  /** The host's folder (`<demo>/.slipway/hosts/<name>`). */
  readonly dir: string
  readonly port: number
}

/** The demo, its data folders and the serve process currently running on them. */
export interface ServeRig {
  readonly root: string
  readonly dataDir: string
  readonly demo: string
  /** The demo's own data folder: test results, logs, worktrees, run homes. */
  readonly workspaceData: string
  readonly hosts: readonly RigHost[]
  readonly environment: string
  /** The serve process running now (null between a kill and the next start). */
  serve: ServeProcess | null
  /** Starts serve on the demo (trusted, as a script would) and answers it. */
  start(): Promise<ServeProcess>
  /** SIGKILLs serve; answers its pid once it has exited. */
  kill(): Promise<number>
  /** Stops serve, ends the demo apps the hosts run, removes every folder. */
  close(): Promise<void>
}

/** Options for {@link createServeRig}. */
export interface ServeRigOptions {
  readonly hosts?: number
  /**
   * The test command: by default a suite that starts a fixture in the background and writes 300
   * lines over a few seconds before the demo's own tests, so that runs are in flight and
   * writing their logs when serve is killed.
   */
  readonly testCommand?: string
  /** Extra variables for serve (a run marker). */
  readonly env?: NodeJS.ProcessEnv
  /** Options for node running serve (`--expose-gc`). */
  readonly nodeArgs?: readonly string[]
}

// Like a suite that starts a fixture server (a database) in the background: that process never
// writes to the run's pipes, so it does not die of SIGPIPE when serve does; only a reap ends it.
const SLOW_SUITE =
  'sleep 120 >/dev/null 2>&1 & ' +
  'i=0; while [ $i -lt 300 ]; do echo "integration check $i: orders, refunds, invoices"; ' +
  'i=$((i+1)); sleep 0.02; done; npm test'

/** Makes the demo in a temp folder with `hosts` local staging hosts on free ports. */
export async function createServeRig(options: ServeRigOptions = {}): Promise<ServeRig> {
  const root = await tempDir('slipway-kill-')
  const dataDir = join(root, 'data')
  const demo = await ensureDemoWorkspace(dataDir)
  const hosts: RigHost[] = []
  for (let i = 1; i <= (options.hosts ?? 3); i++) {
    const name = `staging-${i}`
    hosts.push({ name, dir: join(demo, '.slipway', 'hosts', name), port: await freePort() })
  }
  await writeRigConfig(demo, hosts, options.testCommand ?? SLOW_SUITE)
  const workspaceData = await workspaceDataDir(dataDir, demo)
  const rig: ServeRig = {
    root,
    dataDir,
    demo,
    workspaceData,
    hosts,
    environment: 'staging',
    serve: null,
    async start() {
      const serve = await startServeProcess(
        ['--workspace', demo, '--trust', '--data-dir', dataDir, '--port', '0'],
        {
          cwd: root,
          env: { ...process.env, ...options.env, SLIPWAY_DATA_DIR: dataDir },
          timeoutMs: 120_000,
          nodeArgs: options.nodeArgs ?? []
        }
      )
      rig.serve = serve
      return serve
    },
    async kill() {
      const serve = rig.serve
      if (!serve) throw new Error('serve is not running')
      const pid = serve.child.pid ?? 0
      const exited = new Promise((r) => serve.child.once('exit', r))
      if (serve.child.exitCode === null && serve.child.signalCode === null) {
        serve.child.kill('SIGKILL')
        await exited
      }
      rig.serve = null
      return pid
    },
    async close() {
      if (rig.serve) await rig.serve.stop()
      rig.serve = null
      endHostApps(hosts)
      await removeDir(root)
    }
  }
  return rig
}

/** The demo's slipway.yml with staging on the rig's hosts, one per batch, not deployed on merge. */
async function writeRigConfig(demo: string, hosts: readonly RigHost[], test: string) {
  const path = join(demo, 'slipway.yml')
  const doc = parseDocument(await readFile(path, 'utf8'))
  doc.setIn(['test', 'command'], test)
  doc.setIn(['test', 'concurrency'], 1)
  const envs = doc.get('environments') as { items: { get(k: string): unknown }[] }
  const index = envs.items.findIndex((e) => e.get('name') === 'staging')
  doc.deleteIn(['environments', index, 'deployOn'])
  doc.setIn(
    ['environments', index, 'hosts'],
    hosts.map((h) => ({ local: `.slipway/hosts/${h.name}`, port: h.port, name: h.name }))
  )
  doc.setIn(['environments', index, 'strategy'], { batchSize: 1 })
  await writeFile(path, doc.toString())
}

/** The release a host's `current` names, or null when there is none. */
export function currentOnDisk(host: RigHost): string | null {
  try {
    return readlinkSync(join(host.dir, 'current')).replace(/^releases\//, '')
  } catch {
    return null
  }
}

/** The releases present in a host's `releases/` folder. */
export function releasesOnDisk(host: RigHost): string[] {
  try {
    return readdirSync(join(host.dir, 'releases'))
  } catch {
    return []
  }
}

/** The text of a host's lock file, or null when there is none. */
export function lockOnDisk(host: RigHost): string | null {
  const path = join(host.dir, '.slipway', 'lock')
  return existsSync(path) ? readFileSync(path, 'utf8') : null
}

/** Main's last two commits: the rig builds one release from each and deploys them in turn. */
export async function twoMainCommits(demo: string): Promise<[string, string]> {
  const out = await runGit(demo, ['rev-list', '--max-count=2', 'main'])
  const [a, b] = out.stdout.trim().split('\n')
  if (!a || !b) throw new Error('the demo has fewer than two commits on main')
  return [a, b]
}

/** Ends the demo app each host runs (its pid file), whichever Slipway started it. */
export function endHostApps(hosts: readonly RigHost[]): void {
  for (const h of hosts) {
    try {
      const pid = Number(readFileSync(join(h.dir, 'shared', 'orders.pid'), 'utf8').trim())
      if (pid > 1) process.kill(pid, 'SIGKILL')
    } catch {
      // no app, or gone
    }
  }
}
