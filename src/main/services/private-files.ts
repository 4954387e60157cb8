import { chmodSync, mkdirSync, statSync, type Stats } from 'node:fs'
import { chmod, mkdir, stat } from 'node:fs/promises'

/** The mode of every file Slipway writes in its data folder: readable by the user alone. */
export const PRIVATE_FILE = 0o600
/** The mode of every folder Slipway makes in its data folder. */
export const PRIVATE_DIR = 0o700

// Only the user's own folder is tightened (chmod on another user's would fail anyway).
function needsTightening(info: Stats): boolean {
  const own = typeof process.getuid === 'function' ? process.getuid() : info.uid
  return info.uid === own && (info.mode & 0o077) !== 0
}

/**
 * Creates `dir` (and missing parents) as {@link PRIVATE_DIR}; an existing folder of the user's
 * that others can read or enter is made private. Git checkouts and the demo repository inside
 * keep git's own modes: the private folder above them keeps other users out.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR })
  if (needsTightening(await stat(dir))) await chmod(dir, PRIVATE_DIR)
}

/** {@link ensurePrivateDir}, synchronously (host start-up). */
export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR })
  if (needsTightening(statSync(dir))) chmodSync(dir, PRIVATE_DIR)
}
