import { DEFAULT_SETTINGS, type Settings, type SettingsStore } from './settings'

/**
 * Settings kept in memory only: for one-shot commands (the CLI's `branches`) that must not
 * rewrite the user's recent-workspace list, and for tests.
 */
export function memorySettingsStore(initial: Partial<Settings> = {}): SettingsStore {
  const values: Settings = { ...DEFAULT_SETTINGS, ...initial }
  return {
    get: (key) => values[key],
    set: (key, value) => {
      values[key] = value
    }
  }
}
