import { randomBytes } from 'node:crypto'
import { rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ensurePrivateDir, PRIVATE_FILE } from '../api'

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * Writes a page that sends the browser on to `url` (a one-time link) and answers its path, as
 * Jupyter does: `--open` hands the browser this file's path, so the secret is in a file only
 * the user can read (0600, in the private data folder), never on a command line where any
 * local user can read it from /proc.
 */
export async function writeLaunchFile(dir: string, url: string, port: number): Promise<string> {
  await ensurePrivateDir(dir)
  const path = join(dir, `open-slipway-${port}.html`)
  const href = escapeHtml(url)
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=${href}">
<title>Opening Slipway…</title>
</head>
<body>
<p>Opening <a href="${href}">Slipway</a>… This link works once; if it has been used, open the
URL that <code>slipway serve</code> printed.</p>
</body>
</html>
`
  // A new file each time (never reusing one another process may have opened), then renamed.
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, html, { mode: PRIVATE_FILE, flag: 'wx' })
  await rename(tmp, path)
  return path
}

/** Removes a file written by {@link writeLaunchFile}; a missing file is fine. */
export async function removeLaunchFile(path: string): Promise<void> {
  await rm(path, { force: true })
}
