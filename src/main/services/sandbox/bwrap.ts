import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, resolve } from 'node:path'

/** `test.sandbox` in slipway.yml. */
export type SandboxKind = 'none' | 'bwrap'

let available: boolean | null = null

/** Whether bubblewrap is installed and can make a sandbox here (checked once per process). */
export function bwrapAvailable(): boolean {
  if (available === null) {
    const probe = spawnSync(
      'bwrap',
      ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-pid', '--', 'true'],
      { stdio: 'ignore', timeout: 10_000 }
    )
    available = probe.status === 0
  }
  return available
}

/** What {@link bwrapArgs} needs to know about one run. */
export interface BwrapMounts {
  /** The checkout the command runs in (writable). */
  readonly worktree: string
  /** The workspace repository (read-only: the worktree's git objects live there). */
  readonly repo: string
  readonly home: string
  readonly tmp: string
  /** Folders hidden behind an empty tmpfs: the user's home, the data folder, the agent's folder. */
  readonly hidden: readonly string[]
}

/**
 * The folders a sandboxed run must not see: the user's real home (`~/.ssh`, credentials), the
 * data folder (other runs, trusted host keys, releases), the SSH agent socket's folder and
 * the per-user runtime folder.
 */
export function defaultHidden(dataDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [homedir(), env.HOME, dataDir, '/run/user']
  if (env.SSH_AUTH_SOCK && isAbsolute(env.SSH_AUTH_SOCK)) dirs.push(dirname(env.SSH_AUTH_SOCK))
  return [...new Set(dirs.filter((d): d is string => Boolean(d) && d !== '/'))]
}

/**
 * The `bwrap` command line that runs what follows it with: the whole file system read-only,
 * a private /tmp, /dev and /proc (its own pid namespace, so no other process's environment is
 * readable), the hidden folders empty, then the worktree, its git admin folder, HOME and
 * TMPDIR writable and the repository read-only. The network stays (package installs).
 */
export function bwrapArgs(m: BwrapMounts): string[] {
  const args = ['bwrap', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc']
  args.push('--tmpfs', '/tmp', '--unshare-pid', '--unshare-ipc', '--die-with-parent')
  for (const dir of m.hidden) if (existsSync(dir)) args.push('--tmpfs', dir)
  args.push('--ro-bind', m.repo, m.repo)
  const adminDir = worktreeGitDir(m.worktree)
  if (adminDir) args.push('--bind', adminDir, adminDir)
  for (const dir of [m.worktree, m.home, m.tmp]) args.push('--bind', dir, dir)
  args.push('--chdir', m.worktree, '--')
  return args
}

// A linked worktree's `.git` is a file naming its admin folder inside the repository's .git.
function worktreeGitDir(worktree: string): string | null {
  try {
    const text = readFileSync(resolve(worktree, '.git'), 'utf8')
    const dir = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim()
    return dir ? resolve(worktree, dir) : null
  } catch {
    return null
  }
}
