export {
  CONFIG_FILE_NAMES,
  DEFAULT_CONFIG,
  formatConfigProblem,
  loadConfig,
  parseConfigText,
  starterConfig,
  writeStarterConfig,
  type LoadedConfig
} from './config'
export { loadWorkspace, type LoadWorkspaceOptions } from './workspace'
export {
  DEFAULT_SETTINGS,
  MAX_RECENT_WORKSPACES,
  createConfSettingsStore,
  defaultDataDir,
  rememberWorkspace,
  validSetting,
  type Settings,
  type SettingsStore
} from './settings'
