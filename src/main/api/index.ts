export { createRouter, defaultErrorLog, type Router, type RouterDeps } from './router'
export { INTERNAL_ERROR_MESSAGE, type ErrorLog } from './to-api-error'
export { memorySettingsStore } from './memory-settings-store'
