import type { Dirent } from 'node:fs'
import { readdir, realpath, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { FolderListing } from '../../../shared/models'
import { ExpectedError } from '../errors'

/** At most this many folders are listed; `more` counts the rest. */
export const MAX_FOLDER_ENTRIES = 2000

/** True when `path` is `root` or inside it (both absolute and normalised). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..')
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code
}

/** The real path of `path`, with a user-facing error when it is missing or unreadable. */
async function realFolder(path: string, shown: string): Promise<string> {
  try {
    return await realpath(path)
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') {
      throw new ExpectedError('not-found', `There is no folder ${shown}`, { path: shown })
    }
    if (errnoOf(err) === 'EACCES') {
      throw new ExpectedError('forbidden', `Slipway may not read ${shown} (permission denied)`, {
        path: shown
      })
    }
    throw err
  }
}

/** True when `folder` holds a `.git` folder or file (a repository, worktree or submodule). */
async function isRepository(folder: string): Promise<boolean> {
  try {
    const s = await stat(join(folder, '.git'))
    return s.isDirectory() || s.isFile()
  } catch {
    return false
  }
}

/** A folder entry's real directory inside `home`, or null (a file, a link leaving home, gone). */
async function folderTarget(dir: string, entry: Dirent, home: string): Promise<string | null> {
  const path = join(dir, entry.name)
  if (entry.isDirectory()) return path
  if (!entry.isSymbolicLink()) return null
  try {
    const real = await realpath(path)
    if (!isInside(home, real)) return null
    return (await stat(real)).isDirectory() ? path : null
  } catch {
    return null
  }
}

/**
 * Lists the folders in `requested` (default: the home folder) for the workspace picker under
 * `serve`, never outside `home`: a path that leaves it (`..`, an absolute path elsewhere, a
 * symbolic link whose target is elsewhere) is refused, as are a missing folder and a file.
 * Hidden folders (a name starting with `.`) are left out unless `showHidden`; each folder says
 * whether it is a git repository. Symbolic links to folders inside home are listed; those
 * leading out are not.
 */
export async function listFolder(
  home: string,
  requested: string | undefined,
  options: { readonly showHidden?: boolean } = {}
): Promise<FolderListing> {
  const realHome = await realFolder(resolve(home), home)
  const wanted = resolve(realHome, requested ?? '.')
  const shown = requested ?? home
  const outside = (): ExpectedError<'forbidden'> =>
    new ExpectedError('forbidden', `${shown} is outside your home folder (${realHome})`, {
      path: shown
    })
  // The path as typed must stay inside home, and so must where it really leads.
  if (!isInside(realHome, wanted) && !isInside(resolve(home), resolve(home, requested ?? '.'))) {
    throw outside()
  }
  const real = await realFolder(wanted, shown)
  if (!isInside(realHome, real)) {
    throw new ExpectedError(
      'forbidden',
      `${shown} leads outside your home folder (to ${real}), so it is not listed`,
      { path: shown }
    )
  }
  const info = await stat(real)
  if (!info.isDirectory()) {
    throw new ExpectedError('bad-request', `${shown} is a file, not a folder`, { path: shown })
  }
  let dirents: Dirent[]
  try {
    dirents = await readdir(real, { withFileTypes: true })
  } catch (err) {
    if (errnoOf(err) === 'EACCES') {
      throw new ExpectedError('forbidden', `Slipway may not read ${shown} (permission denied)`, {
        path: shown
      })
    }
    throw err
  }
  let hidden = 0
  const candidates: Dirent[] = []
  for (const d of dirents) {
    if (d.name.startsWith('.') && !options.showHidden) {
      if (d.isDirectory()) hidden++
      continue
    }
    candidates.push(d)
  }
  candidates.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }))
  const folders: { name: string; path: string }[] = []
  for (const d of candidates) {
    const path = await folderTarget(real, d, realHome)
    if (path) folders.push({ name: d.name, path })
  }
  const listed = folders.slice(0, MAX_FOLDER_ENTRIES)
  const entries = await Promise.all(
    listed.map(async (f) => ({
      name: f.name,
      path: f.path,
      hidden: f.name.startsWith('.'),
      isRepository: await isRepository(f.path)
    }))
  )
  return {
    path: real,
    home: realHome,
    parent: real === realHome ? null : dirname(real),
    isRepository: await isRepository(real),
    entries,
    hiddenCount: hidden,
    more: folders.length - listed.length
  }
}
