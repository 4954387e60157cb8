import { CONTENT_SECURITY_POLICY } from '../serve/security'

// The window's own policy: serve's, with no inline styles (the UI sets styles through the
// DOM only; e2e/csp.browser.spec.ts shows no violation under the same rule in index.html), no
// plugins and no <base>.
const DESKTOP_POLICY = `${CONTENT_SECURITY_POLICY.replace(
  "style-src 'self' 'unsafe-inline'",
  "style-src 'self'"
)}; object-src 'none'; base-uri 'none'`

/**
 * The Content-Security-Policy for the desktop window: the same as `serve`, plus the Vite dev
 * server's origin and websocket when running under `electron-vite dev`.
 */
export function electronCsp(devServerUrl: string | undefined): string {
  if (!devServerUrl) return DESKTOP_POLICY
  let origin: string
  try {
    origin = new URL(devServerUrl).origin
  } catch {
    return DESKTOP_POLICY
  }
  const ws = origin.replace(/^http/, 'ws')
  // Vite's React refresh preamble is an inline script, and its CSS arrives as <style> tags,
  // in dev only.
  return DESKTOP_POLICY.replace("connect-src 'self'", `connect-src 'self' ${origin} ${ws}`)
    .replace("script-src 'self'", `script-src 'self' ${origin} 'unsafe-inline'`)
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
}
