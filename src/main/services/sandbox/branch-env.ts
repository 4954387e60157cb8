import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_DIR } from '../private-files'

/**
 * The only variables of Slipway's own environment that branch code (test runs, setup,
 * builds) inherits, like a CI runner: never `SSH_AUTH_SOCK`, tokens or cloud credentials.
 */
export const INHERITED_NAMES: readonly string[] = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TERM']

/** Variables branch code is given whatever `test.env` / `build.env` say. */
const FIXED_NAMES = new Set(['HOME', 'TMPDIR'])

/** A per-run HOME and TMPDIR inside the data folder, and the environment that uses them. */
export interface RunHome {
  /** The run's HOME (empty at the start: no `~/.ssh`, no `~/.npmrc`, no credentials). */
  readonly home: string
  readonly tmp: string
  /** Removes both folders and everything the run left in them. */
  remove(): Promise<void>
}

/**
 * Makes a fresh private HOME and TMPDIR under `root` (e.g. `<data>/run-homes`), in a folder
 * named `run-<pid>-…` so that the next Slipway can remove it when this process was killed.
 */
export async function createRunHome(root: string): Promise<RunHome> {
  await mkdir(root, { recursive: true, mode: PRIVATE_DIR })
  const dir = await mkdtemp(join(root, `run-${process.pid}-`))
  const home = join(dir, 'home')
  const tmp = join(dir, 'tmp')
  await mkdir(home, { mode: PRIVATE_DIR })
  await mkdir(tmp, { mode: PRIVATE_DIR })
  return {
    home,
    tmp,
    remove: () => rm(dir, { recursive: true, force: true, maxRetries: 3 })
  }
}

/** Options for {@link branchEnv}. */
export interface BranchEnvOptions {
  readonly home: string
  readonly tmp: string
  /** `test.env` or `build.env` from slipway.yml. */
  readonly configured?: Readonly<Record<string, string>>
  /** Slipway's own variables for the command (CI, SLIPWAY_BRANCH, …); they win. */
  readonly slipway: Readonly<Record<string, string>>
  /** Where the inherited names are read; default `process.env`. */
  readonly from?: NodeJS.ProcessEnv
}

/**
 * The allow-listed environment for branch code: {@link INHERITED_NAMES} from Slipway's own
 * environment, the per-run HOME and TMPDIR, the configured variables, then Slipway's.
 */
export function branchEnv(options: BranchEnvOptions): Record<string, string> {
  const from = options.from ?? process.env
  const env: Record<string, string> = {}
  for (const name of INHERITED_NAMES) {
    const value = from[name]
    if (value !== undefined) env[name] = value
  }
  if (env.PATH === undefined) env.PATH = '/usr/local/bin:/usr/bin:/bin'
  for (const [name, value] of Object.entries(options.configured ?? {})) {
    if (!FIXED_NAMES.has(name)) env[name] = value
  }
  env.HOME = options.home
  env.TMPDIR = options.tmp
  return { ...env, ...options.slipway }
}
