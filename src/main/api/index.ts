export { createRouter, defaultErrorLog, type Router, type RouterDeps } from './router'
export { INTERNAL_ERROR_MESSAGE, type ErrorLog } from './to-api-error'
export type { SharedViewer, ViewerStarter } from './viewer-sharing'
// What the hosts (cli, serve, electron) need from the services besides the router: they reach
// services only through api (the layer matrix, scripts/eslint-layers.mjs).
export {
  createConfSettingsStore,
  defaultDataDir,
  DEFAULT_SETTINGS,
  formatConfigProblem,
  memorySettingsStore,
  validSetting,
  type Settings,
  type SettingsStore
} from '../services/workspace'
export { ExpectedError } from '../services/errors'
export { ensurePrivateDir, PRIVATE_FILE } from '../services/private-files'
// Long-lived hosts (serve, the desktop app) end what local hosts' hooks started when they stop.
export { stopLocalProcesses } from '../services/transport/local-processes'
