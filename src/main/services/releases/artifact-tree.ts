import { lstat, readdir, readlink } from 'node:fs/promises'
import { isAbsolute, join, posix } from 'node:path'
import { ExpectedError } from '../errors'
import type { TarEntry } from './tar-header'

// Enough for any sane chain of links; more means a loop.
const MAX_LINK_HOPS = 40

/**
 * Every entry under `root` (paths relative to it, `/`-separated), parents before children and
 * siblings sorted by name, so the same tree always lists the same way. Modes are normalised to
 * 0755/0644 (the executable bit kept); symlinks stay symlinks but must resolve inside `root`.
 * Anything else (sockets, devices, fifos) or a link leaving the tree is an
 * ExpectedError('build-failed').
 */
export async function readArtifactTree(root: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = []
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel ? join(root, rel) : root)).sort(compareNames)
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name
      const info = await lstat(join(root, path))
      if (info.isDirectory()) {
        entries.push({ kind: 'directory', path, mode: 0o755 })
        await walk(path)
      } else if (info.isFile()) {
        const mode = info.mode & 0o111 ? 0o755 : 0o644
        entries.push({ kind: 'file', path, mode, size: info.size })
      } else if (info.isSymbolicLink()) {
        const target = await readlink(join(root, path))
        await assertLinkInside(root, path, target)
        entries.push({ kind: 'symlink', path, target })
      } else {
        throw new ExpectedError(
          'build-failed',
          `the artifact holds ${path}, which is not a file, folder or symlink`,
          { path }
        )
      }
    }
  }
  await walk('')
  return entries
}

// Byte order of the UTF-8 names, independent of locale.
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/**
 * Follows `target` (of the link at `linkPath`) component by component through the real tree,
 * including links inside it, and refuses it when it ever climbs above `root` or is absolute.
 * A lexical check alone is not enough: `x/c -> b/../..` with `x/b -> ..` escapes.
 */
async function assertLinkInside(root: string, linkPath: string, target: string): Promise<void> {
  const refuse = (why: string): never => {
    throw new ExpectedError('build-failed', `the artifact's symlink ${linkPath} ${why}`, {
      path: linkPath,
      target
    })
  }
  if (isAbsolute(target)) refuse(`points to an absolute path (${target})`)
  const stack = linkPath.split('/').slice(0, -1)
  let pending = target.split('/')
  let hops = 0
  while (pending.length > 0) {
    const part = pending.shift() ?? ''
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (stack.length === 0) refuse(`points outside the artifact (${target})`)
      stack.pop()
      continue
    }
    stack.push(part)
    const info = await lstat(join(root, ...stack)).catch(() => null)
    if (info?.isSymbolicLink()) {
      hops += 1
      if (hops > MAX_LINK_HOPS) refuse('is part of a loop of links')
      const next = await readlink(join(root, ...stack))
      if (isAbsolute(next)) refuse(`leads through ${stack.join('/')} to an absolute path`)
      stack.pop()
      pending = [...next.split('/'), ...pending]
    } else if (!info) {
      // A missing component: the rest can only be names and dots, resolved lexically.
      const rest = posix.normalize([...stack, ...pending].join('/'))
      if (rest === '..' || rest.startsWith('../')) refuse(`points outside the artifact (${target})`)
      return
    }
  }
}
