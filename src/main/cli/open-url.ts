import { spawn } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

/** The program that opens URLs on this platform, when it is on PATH. */
async function findOpener(): Promise<string | null> {
  const name =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : 'xdg-open'
  if (!name) return null
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this folder
    }
  }
  return null
}

/**
 * Opens `url` (or a file path) in the default browser with xdg-open / open when present (no
 * shell; it is one argument). Returns false, silently, when there is no opener or it fails to
 * start. Its argument is visible to every local user in /proc: never pass a secret.
 */
export async function openInBrowser(url: string): Promise<boolean> {
  const opener = await findOpener()
  if (!opener) return false
  return new Promise((resolve) => {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true })
    child.once('error', () => resolve(false))
    child.once('spawn', () => {
      child.unref()
      resolve(true)
    })
  })
}
