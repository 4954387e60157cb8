// Pure decisions about what the window may load, navigate to, open and who may call the API.
// No electron import, so they are tested with plain Vitest.

/** Hosts whose https pages may open in the user's browser (help and project links). */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'git-scm.com', 'docs.github.com']

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/**
 * True when `frameUrl` is the app's own page: the same origin as a dev-server `appUrl`
 * (http), or the same page as an `app://` (or `file:`) `appUrl`, ignoring query and hash.
 */
export function isTrustedSender(frameUrl: string, appUrl: string): boolean {
  const frame = parse(frameUrl)
  const app = parse(appUrl)
  if (!frame || !app) return false
  if (app.protocol === 'app:' || app.protocol === 'file:') {
    return (
      frame.protocol === app.protocol && frame.host === app.host && frame.pathname === app.pathname
    )
  }
  if (app.protocol === 'http:' || app.protocol === 'https:') {
    return frame.origin === app.origin
  }
  return false
}

/** True for https URLs on an {@link EXTERNAL_HOSTS} host (no credentials, default port). */
export function isAllowedExternalUrl(url: string): boolean {
  const u = parse(url)
  if (!u || u.protocol !== 'https:' || u.username || u.password || u.port) return false
  return EXTERNAL_HOSTS.includes(u.hostname.toLowerCase())
}

/** What to do with a navigation or window-open request; a union on `kind`. */
export type NavigationDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'open-external'; readonly url: string }
  | { readonly kind: 'deny' }

/**
 * The window stays on the app: in-app navigation (same page, other hash or query, or the dev
 * server's origin) is allowed, allow-listed https links go to the system browser, all else
 * is denied. New windows are never created (`forNewWindow`).
 */
export function navigationPolicy(
  url: string,
  appUrl: string,
  forNewWindow = false
): NavigationDecision {
  if (!forNewWindow && isTrustedSender(url, appUrl)) return { kind: 'allow' }
  if (isAllowedExternalUrl(url)) return { kind: 'open-external', url }
  return { kind: 'deny' }
}

/**
 * Whether the app's own page may use a permission: only desktop notifications (deployment and
 * test results); camera, geolocation, clipboard reads and the rest are refused.
 */
export function isAllowedPermission(
  permission: string,
  requestingUrl: string,
  appUrl: string
): boolean {
  return permission === 'notifications' && isTrustedSender(requestingUrl, appUrl)
}
