import { findElectronBridge } from './electron-transport'

/** Who this page is to the backend: the user, or a read-only viewer of `serve --viewer`. */
export type SessionRole = 'full' | 'viewer'

/**
 * Asks `serve` which token signed this browser in (`GET /api/session`); the desktop app is
 * always the user. The server enforces the role on every call; this only picks the page to show.
 */
export async function sessionRole(doFetch: typeof fetch = globalThis.fetch): Promise<SessionRole> {
  if (findElectronBridge()) return 'full'
  try {
    const res = await doFetch('/api/session', { credentials: 'same-origin' })
    if (!res.ok) return 'full'
    const body = (await res.json()) as { ok?: boolean; value?: { role?: unknown } }
    return body.value?.role === 'viewer' ? 'viewer' : 'full'
  } catch {
    // Unreachable: the page shows the usual errors on its first call.
    return 'full'
  }
}
