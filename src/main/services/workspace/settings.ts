import { homedir } from 'node:os'
import { join } from 'node:path'
import Conf from 'conf'
import { z } from 'zod'
import { RecentWorkspaceSchema, type RecentWorkspace } from '../../../shared/models'

/** Per-user settings: recent workspaces and UI preferences. Never secrets. */
export type Settings = {
  recentWorkspaces: RecentWorkspace[]
  lastWorkspace: string | null
  theme: 'system' | 'light' | 'dark'
}

/** The settings of a first run. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  recentWorkspaces: [],
  lastWorkspace: null,
  theme: 'system'
})

/** How many workspaces {@link rememberWorkspace} keeps. */
export const MAX_RECENT_WORKSPACES = 10

/**
 * Where settings live; `conf` in `serve` and the CLI, `electron-store` in the desktop app.
 * Both keep a JSON file and answer the defaults for anything missing or malformed.
 */
export interface SettingsStore {
  get<K extends keyof Settings>(key: K): Settings[K]
  set<K extends keyof Settings>(key: K, value: Settings[K]): void
}

// A hand-edited or older settings file must not crash the app: each value is checked on read.
const SETTING_SCHEMAS: { readonly [K in keyof Settings]: z.ZodType<Settings[K]> } = {
  recentWorkspaces: z.array(RecentWorkspaceSchema),
  lastWorkspace: z.string().nullable(),
  theme: z.enum(['system', 'light', 'dark'])
}

/** `value` when it is a valid value for `key`, else the default. */
export function validSetting<K extends keyof Settings>(key: K, value: unknown): Settings[K] {
  const parsed = SETTING_SCHEMAS[key].safeParse(value)
  return parsed.success ? parsed.data : structuredClone(DEFAULT_SETTINGS[key])
}

/**
 * Records that a workspace was opened: most recent first, unique by path, at most
 * {@link MAX_RECENT_WORKSPACES}. Returns the new list.
 */
export function rememberWorkspace(
  store: SettingsStore,
  ws: { readonly path: string; readonly name: string },
  now: Date = new Date()
): RecentWorkspace[] {
  const entry: RecentWorkspace = { path: ws.path, name: ws.name, openedAt: now.toISOString() }
  const rest = store.get('recentWorkspaces').filter((r) => r.path !== ws.path)
  const recent = [entry, ...rest].slice(0, MAX_RECENT_WORKSPACES)
  store.set('recentWorkspaces', recent)
  return recent
}

/**
 * A {@link SettingsStore} kept by `conf` as `<dataDir>/settings.json`. A corrupt file is
 * replaced by the defaults rather than stopping the app.
 */
export function createConfSettingsStore(dataDir: string): SettingsStore {
  const conf = new Conf<Settings>({
    cwd: dataDir,
    projectName: 'slipway',
    configName: 'settings',
    defaults: { ...DEFAULT_SETTINGS, recentWorkspaces: [] },
    clearInvalidConfig: true,
    configFileMode: 0o600
  })
  return {
    get: (key) => validSetting(key, conf.get(key)),
    set: (key, value) => conf.set(key, validSetting(key, value))
  }
}

/**
 * Where `serve` and the CLI keep settings and the demo workspace: `$SLIPWAY_DATA_DIR`, else
 * `$XDG_CONFIG_HOME/slipway`, else `~/.config/slipway`. (Electron passes its userData path.)
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_DATA_DIR) return env.SLIPWAY_DATA_DIR
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'slipway')
  return join(homedir(), '.config', 'slipway')
}
