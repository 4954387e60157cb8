// The renderer is served from app://slipway/ rather than file://, as Electron's security
// checklist recommends: one origin for the app's own files only, so a file:// page (or the
// file: protocol's extra privileges, which the packaged binary's fuse turns off) never counts.
import { readFile } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { mimeTypeFor } from '../serve/static-files'

/** The scheme and host of the app's own pages. */
export const APP_SCHEME = 'app'
export const APP_HOST = 'slipway'
/** The page the window loads. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** Privileges for protocol.registerSchemesAsPrivileged (before the app is ready). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true }
} as const

/**
 * The file under `root` a URL path names, or null when it is malformed or leaves `root`. Only
 * path arithmetic: in a packaged app `root` is inside app.asar, where realpath is not to be
 * relied on, and the archive holds our own build output.
 */
export function appFilePath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const segments = decoded.split('/').filter((s) => s.length > 0)
  if (segments.length === 0 || segments.some((s) => s === '..' || s === '.')) return null
  const rootAbs = resolve(root)
  const file = join(rootAbs, ...segments)
  return file.startsWith(rootAbs + sep) ? file : null
}

/**
 * The handler for protocol.handle('app'): files under `rendererDir` with their type and the
 * CSP header; anything else (another host, a path out of the folder, a missing file, a method
 * other than GET/HEAD) is a 404 or 405 with no body worth reading.
 */
export function appProtocolHandler(
  rendererDir: string,
  csp: string
): (request: Request) => Promise<Response> {
  const headers = (type: string): Record<string, string> => ({
    'Content-Type': type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff'
  })
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: headers('text/plain') })
    }
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return new Response('not found', { status: 404, headers: headers('text/plain') })
    }
    const file =
      url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST
        ? appFilePath(rendererDir, url.pathname)
        : null
    let body: Buffer | null = null
    try {
      if (file) body = await readFile(file) // a folder or a missing file throws
    } catch {
      body = null
    }
    if (!file || !body) {
      return new Response('not found', { status: 404, headers: headers('text/plain') })
    }
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: headers(mimeTypeFor(file))
    })
  }
}
