import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm'
}

/** The Content-Type for a file name; unknown extensions are served as opaque bytes. */
export function mimeTypeFor(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * The file under `root` that a URL path names, or null when the path is malformed, escapes
 * `root` (`..`, encoded separators, NUL, symlinks pointing out) or is not a regular file.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const segments = decoded.split('/').filter((s) => s.length > 0)
  if (segments.some((s) => s === '..' || s === '.')) return null
  const rootAbs = resolve(root)
  const candidate = join(rootAbs, ...segments)
  if (candidate !== rootAbs && !candidate.startsWith(rootAbs + sep)) return null
  try {
    const [realRoot, real] = await Promise.all([realpath(rootAbs), realpath(candidate)])
    if (!real.startsWith(realRoot + sep)) return null
    const info = await stat(real)
    return info.isFile() ? real : null
  } catch {
    return null
  }
}

/**
 * Serves the built renderer: the named file with its MIME type, else `index.html` for
 * app routes (SPA fallback). Missing assets (a path with an extension) are 404.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  urlPath: string
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('Method not allowed\n')
    return
  }
  let file = urlPath === '/' ? null : await resolveStaticFile(root, urlPath)
  if (!file && extname(urlPath) === '') file = await resolveStaticFile(root, '/index.html')
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(
      urlPath === '/' || extname(urlPath) === ''
        ? 'The Slipway renderer is not built; run `npm run build`.\n'
        : 'Not found\n'
    )
    return
  }
  const info = await stat(file)
  const fingerprinted = urlPath.startsWith('/assets/')
  res.writeHead(200, {
    'Content-Type': mimeTypeFor(file),
    'Content-Length': String(info.size),
    // Vite fingerprints files under /assets/; everything else (the HTML naming them) is revalidated.
    'Cache-Control': fingerprinted ? 'public, max-age=31536000, immutable' : 'no-cache'
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}
