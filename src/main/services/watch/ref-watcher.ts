import { watch, type FSWatcher } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { runGit } from '../git'

/** How long to wait after the last change before telling the listener (git writes in bursts). */
export const REF_WATCH_DEBOUNCE_MS = 150

// Files directly in the git dir whose change moves what a ref or HEAD points at. Everything
// else there (index, objects/, logs/, *.lock) churns without moving refs.
const TOP_LEVEL_REF_FILES = new Set(['HEAD', 'packed-refs', 'FETCH_HEAD', 'ORIG_HEAD'])

/**
 * The git dirs whose refs describe `repoPath`: its own (absolute) git dir and, for a linked
 * worktree, the common dir that holds the shared `refs/` and `packed-refs`.
 */
export async function resolveGitDirs(repoPath: string): Promise<readonly string[]> {
  const out = await runGit(repoPath, ['rev-parse', '--absolute-git-dir', '--git-common-dir'])
  const [gitDir, commonRaw] = out.stdout.split('\n').map((l) => l.trim())
  const common = commonRaw
    ? isAbsolute(commonRaw)
      ? commonRaw
      : resolve(repoPath, commonRaw)
    : gitDir
  return [...new Set([gitDir, common].filter((d): d is string => Boolean(d)))]
}

/**
 * Calls `onChange` (debounced) when refs under `gitDir` move: `refs/**` recursively, plus
 * `HEAD` and `packed-refs` in the git dir itself. Returns a function that stops watching.
 * Watch errors (the folder vanished) stop that watcher quietly; callers can still refresh.
 */
export function watchRefs(gitDir: string, onChange: () => void): () => void {
  const watchers: FSWatcher[] = []
  let timer: NodeJS.Timeout | null = null
  let closed = false

  const fire = (): void => {
    if (closed) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      if (!closed) onChange()
    }, REF_WATCH_DEBOUNCE_MS)
  }

  const add = (
    path: string,
    recursive: boolean,
    accept: (file: string | null) => boolean
  ): void => {
    try {
      const w = watch(path, { recursive, persistent: false }, (_type, file) => {
        if (accept(file === null ? null : String(file))) fire()
      })
      w.on('error', () => w.close())
      watchers.push(w)
    } catch {
      // The folder may not exist (e.g. a fresh repo with only packed refs); nothing to watch.
    }
  }

  add(join(gitDir, 'refs'), true, (file) => file === null || !file.endsWith('.lock'))
  add(gitDir, false, (file) => file === null || TOP_LEVEL_REF_FILES.has(file))

  return () => {
    closed = true
    if (timer) clearTimeout(timer)
    timer = null
    for (const w of watchers) w.close()
  }
}
