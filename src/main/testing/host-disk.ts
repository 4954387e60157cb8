import { existsSync } from 'node:fs'
import { readFile, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { HostLogEntry } from '../services/deploy'

/** What a host folder holds, read straight from disk (the truth a test asserts). */
export interface HostDiskState {
  readonly current: string | null
  readonly previous: string | null
  readonly releases: readonly string[]
  readonly locked: boolean
  readonly bad: readonly string[]
  readonly log: readonly HostLogEntry[]
}

/** Reads a host folder's layout: `current` link target, releases, lock, bad list, host log. */
export async function readHostDisk(dir: string): Promise<HostDiskState> {
  const link = await readlink(join(dir, 'current')).catch(() => null)
  const text = (f: string): Promise<string> => readFile(join(dir, f), 'utf8').catch(() => '')
  const releases = existsSync(join(dir, 'releases'))
    ? (await readdir(join(dir, 'releases'))).sort()
    : []
  return {
    current: link,
    previous: (await text('.slipway/previous')).trim() || null,
    releases,
    locked: existsSync(join(dir, '.slipway', 'lock')),
    bad: (await text('.slipway/bad-releases')).split('\n').filter(Boolean),
    log: (await text('.slipway/deployments.jsonl'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HostLogEntry)
  }
}

/** Every file path under `dir` with its size and link target: equal listings mean nothing was modified. */
export async function treeListing(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return []
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const out: string[] = []
  for (const e of entries) {
    const path = join(e.parentPath, e.name)
    if (e.isSymbolicLink()) out.push(`${path} -> ${await readlink(path)}`)
    else if (e.isFile()) out.push(`${path} ${(await readFile(path)).length}`)
    else out.push(`${path}/`)
  }
  return out.sort()
}

/** GETs a URL and returns the body (or the error message). */
export async function fetchText(url: string): Promise<string> {
  try {
    return await (await fetch(url, { signal: AbortSignal.timeout(2000) })).text()
  } catch (error) {
    return `error: ${(error as Error).message}`
  }
}
