export { startServer, MAX_BODY_BYTES, type ServeOptions, type RunningServer } from './server'
export { CONTENT_SECURITY_POLICY } from './security'
export { httpStatusFor } from './http-status'
export { removeLaunchFile, writeLaunchFile } from './launch-file'
