/**
 * Test support for team state: one bare origin in a temp folder and any number of clones of
 * it, each with its own git identity, exactly as two people on two machines would have.
 * Origin can be taken away and brought back to play being offline.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Runs git in `cwd` without a shell and answers its trimmed stdout. */
export function git(cwd: string, args: readonly string[], input = ''): string {
  return execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    stdio: ['pipe', 'pipe', 'pipe']
  }).trim()
}

/** A bare origin and its clones. */
export class TeamRepos {
  readonly root: string
  readonly origin: string
  private readonly parked: string

  private constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'slipway-team-'))
    this.origin = join(this.root, 'origin.git')
    this.parked = join(this.root, 'origin-away.git')
    git(this.root, ['init', '--quiet', '--bare', '-b', 'main', this.origin])
    const seed = join(this.root, 'seed')
    git(this.root, ['init', '--quiet', '-b', 'main', seed])
    git(seed, [
      '-c',
      'user.name=Seed',
      '-c',
      'user.email=seed@example.com',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'Initial commit'
    ])
    git(seed, ['push', '--quiet', this.origin, 'main'])
    rmSync(seed, { recursive: true, force: true })
  }

  /** A new origin with one commit on `main`. */
  static create(): TeamRepos {
    return new TeamRepos()
  }

  /** A clone of origin in `<root>/<folder>`, with `user.name` and `user.email` set in it. */
  clone(folder: string, name: string, email: string): string {
    const path = join(this.root, folder)
    git(this.root, ['clone', '--quiet', '--end-of-options', this.origin, path])
    git(path, ['config', 'user.name', name])
    git(path, ['config', 'user.email', email])
    return path
  }

  /** Makes origin unreachable (its folder moves away), as a network outage would. */
  goOffline(): void {
    renameSync(this.origin, this.parked)
  }

  /** Brings origin back. */
  goOnline(): void {
    renameSync(this.parked, this.origin)
  }

  /** Deletes everything. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true })
  }
}
