export {
  CONFIG_FILE_NAMES,
  DEFAULT_CONFIG,
  formatConfigProblem,
  loadConfig,
  parseConfigText,
  type LoadedConfig
} from './config'
export { starterConfig, writeStarterConfig } from './starter-config'
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
export {
  DEMO_REPOSITORY_NAME,
  buildDemoRepository,
  demoFastImportStream,
  ensureDemoWorkspace,
  isDemoRepository
} from './demo'
export {
  DEMO_APPROVER,
  DEMO_REVIEWER,
  demoTeamPaths,
  ensureDemoTeam,
  type DemoTeamPaths
} from './demo-team'
export { DEMO_BRANCHES, DEMO_COMMITS, type DemoBranch, type DemoCommit } from './demo-history'
export { workspaceDataDir } from './data-dir'
export { memorySettingsStore } from './memory-settings-store'
export { listFolder, MAX_FOLDER_ENTRIES } from './folder-listing'
