import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MergeReleaseSchema, type MergeRelease } from '../../../shared/contract-merge-release'
import { ensurePrivateDir, PRIVATE_FILE } from '../private-files'

/** How many merge releases are kept. */
export const KEPT_MERGE_RELEASES = 50

const FILE = 'merge-releases.json'

/**
 * Reads the stored merge releases, newest first. One that was still under way when Slipway
 * stopped is shown as failed, since nobody saw it finish. A missing or unreadable file is an
 * empty history (it is only this machine's record; the hosts hold the truth).
 */
export async function readMergeReleases(dataDir: string): Promise<MergeRelease[]> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(join(dataDir, FILE), 'utf8'))
  } catch {
    return []
  }
  if (!Array.isArray(raw)) return []
  const out: MergeRelease[] = []
  for (const item of raw) {
    const parsed = MergeReleaseSchema.safeParse(item)
    if (!parsed.success) continue
    out.push(interrupted(parsed.data))
  }
  return out.slice(0, KEPT_MERGE_RELEASES)
}

function interrupted(m: MergeRelease): MergeRelease {
  if (m.state === 'succeeded' || m.state === 'failed') return m
  const reason = 'Slipway stopped before this merge release finished; read the environment'
  return {
    ...m,
    state: 'failed',
    step: null,
    reason: m.reason ?? reason,
    finishedAt: m.finishedAt ?? m.startedAt,
    environments: m.environments.map((e) =>
      e.state === 'waiting' || e.state === 'deploying' ? { ...e, state: 'failed', reason } : e
    )
  }
}

/** Writes the merge releases (newest first, the last {@link KEPT_MERGE_RELEASES}), atomically. */
export async function writeMergeReleases(
  dataDir: string,
  list: readonly MergeRelease[]
): Promise<void> {
  await ensurePrivateDir(dataDir)
  const file = join(dataDir, FILE)
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(list.slice(0, KEPT_MERGE_RELEASES), null, 1) + '\n', {
    mode: PRIVATE_FILE
  })
  await rename(tmp, file)
}
