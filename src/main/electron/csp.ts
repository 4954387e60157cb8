import { CONTENT_SECURITY_POLICY } from '../serve/security'

/**
 * The Content-Security-Policy for the desktop window: the same as `serve`, plus the Vite dev
 * server's origin and websocket when running under `electron-vite dev`.
 */
export function electronCsp(devServerUrl: string | undefined): string {
  if (!devServerUrl) return CONTENT_SECURITY_POLICY
  let origin: string
  try {
    origin = new URL(devServerUrl).origin
  } catch {
    return CONTENT_SECURITY_POLICY
  }
  const ws = origin.replace(/^http/, 'ws')
  // Vite's React refresh preamble is an inline script in dev only.
  return CONTENT_SECURITY_POLICY.replace(
    "connect-src 'self'",
    `connect-src 'self' ${origin} ${ws}`
  ).replace("script-src 'self'", `script-src 'self' ${origin} 'unsafe-inline'`)
}
