import Store from 'electron-store'
import { DEFAULT_SETTINGS, validSetting, type Settings, type SettingsStore } from '../api'

/**
 * The desktop {@link SettingsStore}: electron-store's `settings.json` in `cwd` (the app's
 * userData folder). Each value is validated on read, so a hand-edited file cannot crash the app.
 */
export function createElectronSettingsStore(cwd: string): SettingsStore {
  const store = new Store<Settings>({
    cwd,
    name: 'settings',
    defaults: { ...DEFAULT_SETTINGS, recentWorkspaces: [] },
    clearInvalidConfig: true
  })
  return {
    get: (key) => validSetting(key, store.get(key)),
    set: (key, value) => store.set(key, validSetting(key, value))
  }
}
