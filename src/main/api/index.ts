export { createRouter, defaultErrorLog, type Router, type RouterDeps } from './router'
export { INTERNAL_ERROR_MESSAGE, type ErrorLog } from './to-api-error'
// Hosts build their settings store with these; they come from the workspace service.
export { memorySettingsStore } from '../services/workspace'
