import type { Configuration } from 'electron-builder'
/** The electron-builder configuration for `npm run package`. */
declare const config: Configuration
export default config
