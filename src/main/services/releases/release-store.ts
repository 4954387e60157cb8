import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ReleaseSchema, type Release } from '../../../shared/deploy-models'
import { ExpectedError } from '../errors'
import { isReleaseId, releaseIdCandidate } from './release-id'
import { PRIVATE_DIR, PRIVATE_FILE } from '../private-files'

/** Where releases are kept. */
export interface ReleaseStoreOptions {
  /** `<workspaceDataDir>/releases` */
  readonly dir: string
}

/** A release in the store, with the path of its tarball on this machine. */
export interface StoredRelease extends Release {
  readonly tarballPath: string
}

/** A folder of the store that is not a readable release, and why. */
export interface ReleaseProblem {
  readonly folder: string
  readonly reason: string
}

/** The manifest's file name inside `<dir>/<id>/`. */
export const MANIFEST_FILE = 'release.json'
/** The tarball's file name inside `<dir>/<id>/`. */
export const TARBALL_FILE = 'release.tar.gz'

const STAGING_PREFIX = '.tmp-'
const TRASH_PREFIX = '.trash-'
/** Staging and trash folders older than this are leftovers of a crash. */
const LEFTOVER_AGE_MS = 24 * 3600_000

/**
 * Every release in `dir`, newest first, and the folders that could not be read (a missing or
 * invalid manifest, no tarball); those are skipped, never half-listed. A missing `dir` is an
 * empty store.
 */
export async function readReleases(
  dir: string
): Promise<{ releases: StoredRelease[]; problems: ReleaseProblem[] }> {
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[]
    throw e
  })
  const releases: StoredRelease[] = []
  const problems: ReleaseProblem[] = []
  for (const name of names) {
    if (name.startsWith('.')) continue
    try {
      releases.push(await readStoredRelease(dir, name))
    } catch (e) {
      problems.push({ folder: name, reason: e instanceof Error ? e.message : String(e) })
    }
  }
  releases.sort(newestFirst)
  return { releases, problems }
}

/**
 * Every release in `dir`, newest first. Damaged folders are skipped and reported to
 * `onProblem` (the caller's log; nothing is reported when it is left out).
 */
export async function listReleases(
  dir: string,
  onProblem: (problem: ReleaseProblem) => void = () => {}
): Promise<StoredRelease[]> {
  const { releases, problems } = await readReleases(dir)
  for (const p of problems) onProblem(p)
  return releases
}

/** One release by id: ExpectedError('bad-request') for a malformed id, 'not-found' when absent. */
export async function getRelease(dir: string, id: string): Promise<StoredRelease> {
  if (!isReleaseId(id)) {
    throw new ExpectedError('bad-request', `not a release id: ${JSON.stringify(id)}`, { id })
  }
  try {
    return await readStoredRelease(dir, id)
  } catch (e) {
    if (e instanceof ExpectedError) throw e
    throw new ExpectedError('not-found', `release ${id} is not in the release store`, {
      id,
      dir,
      reason: e instanceof Error ? e.message : String(e)
    })
  }
}

/**
 * Removes all but the newest `keep` releases, never one whose id is in `protect` (what is
 * deployed somewhere); answers the removed ids, oldest last. Each removal renames the folder
 * away first, so a crash never leaves a half-deleted release that still lists. Leftover
 * staging folders of crashed builds older than a day go too.
 */
export async function pruneReleases(
  dir: string,
  keep: number,
  protect: readonly string[] = []
): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 0) {
    throw new ExpectedError('bad-request', `keep must be a whole number, not ${keep}`, { keep })
  }
  const { releases } = await readReleases(dir)
  const removed: string[] = []
  for (const release of releases.slice(keep)) {
    if (protect.includes(release.id)) continue
    const trash = join(dir, `${TRASH_PREFIX}${release.id}-${randomBytes(4).toString('hex')}`)
    await rename(join(dir, release.id), trash)
    await rm(trash, { recursive: true, force: true })
    removed.push(release.id)
  }
  await removeLeftovers(dir)
  return removed
}

/** A reserved, empty staging folder for a new release, and its id. */
export interface StagedRelease {
  readonly id: string
  readonly path: string
}

/**
 * Reserves the first free id among `base`, `base-2`, `base-3` … by creating its staging
 * folder `<dir>/.tmp-<id>` (mkdir is atomic, so two builds never pick the same id).
 */
export async function stageRelease(dir: string, base: string): Promise<StagedRelease> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR })
  for (let n = 1; n < 1000; n += 1) {
    const id = releaseIdCandidate(base, n)
    if (await exists(join(dir, id))) continue
    const path = join(dir, `${STAGING_PREFIX}${id}`)
    try {
      await mkdir(path, { mode: PRIVATE_DIR })
      return { id, path }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
  }
  throw new ExpectedError('conflict', `too many releases with the id ${base}`, { base })
}

/**
 * Writes the manifest into the staging folder and renames it to `<dir>/<id>`: the release
 * appears whole or not at all.
 */
export async function publishRelease(
  dir: string,
  staged: StagedRelease,
  release: Release
): Promise<StoredRelease> {
  const manifest = ReleaseSchema.parse(release)
  await writeFile(join(staged.path, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n', {
    mode: PRIVATE_FILE
  })
  await rename(staged.path, join(dir, staged.id))
  return { ...manifest, tarballPath: join(dir, staged.id, TARBALL_FILE) }
}

/** Removes a staging folder (after a failed or cancelled build). */
export async function discardStaged(staged: StagedRelease): Promise<void> {
  await rm(staged.path, { recursive: true, force: true })
}

async function readStoredRelease(dir: string, id: string): Promise<StoredRelease> {
  if (!isReleaseId(id)) throw new Error('the folder name is not a release id')
  const text = await readFile(join(dir, id, MANIFEST_FILE), 'utf8')
  const parsed = ReleaseSchema.safeParse(JSON.parse(text))
  if (!parsed.success) throw new Error(`invalid ${MANIFEST_FILE}: ${parsed.error.message}`)
  if (parsed.data.id !== id) throw new Error(`${MANIFEST_FILE} names another release`)
  const tarballPath = join(dir, id, TARBALL_FILE)
  const info = await stat(tarballPath)
  if (info.size !== parsed.data.sizeBytes) throw new Error(`${TARBALL_FILE} has the wrong size`)
  return { ...parsed.data, tarballPath }
}

function newestFirst(a: Release, b: Release): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1
  return suffixOf(b.id) - suffixOf(a.id) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

function suffixOf(id: string): number {
  const m = /-\d+$/.exec(id.slice(id.indexOf('-') + 1))
  return m ? Number(m[0].slice(1)) : 1
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false
  )
}

async function removeLeftovers(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  const now = Date.now()
  for (const name of names) {
    if (!name.startsWith(STAGING_PREFIX) && !name.startsWith(TRASH_PREFIX)) continue
    const info = await stat(join(dir, name)).catch(() => null)
    if (info && now - info.mtimeMs > LEFTOVER_AGE_MS) {
      await rm(join(dir, name), { recursive: true, force: true })
    }
  }
}
