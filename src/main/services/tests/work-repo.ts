import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.com'
}

/**
 * A real git repository with files, for tests and benchmarks of the test runner: commits are
 * made on any branch through a private index (`GIT_INDEX_FILE`), so the repository's own
 * working tree and HEAD stay as they are unless a test commits there by hand.
 */
export class WorkRepo {
  private constructor(readonly path: string) {}

  /** A new repository on `main` whose first commit holds `files`. */
  static create(files: Readonly<Record<string, string>>, prefix = 'slipway-tests-'): WorkRepo {
    const path = mkdtempSync(join(tmpdir(), prefix))
    execFileSync('git', ['init', '--quiet', '-b', 'main', path])
    const repo = new WorkRepo(path)
    for (const [name, content] of Object.entries(files)) writeFileSync(join(path, name), content)
    repo.git(['add', '--all'])
    repo.git(['commit', '--quiet', '-m', 'first'])
    return repo
  }

  /** An existing repository (e.g. a clone made by a test). */
  static open(path: string): WorkRepo {
    return new WorkRepo(path)
  }

  /** Runs git in the repository (fixed identity) and answers its trimmed stdout. */
  git(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): string {
    return execFileSync('git', args, {
      cwd: this.path,
      input: options.input ?? '',
      encoding: 'utf8',
      env: { ...process.env, ...IDENTITY, ...options.env }
    }).trim()
  }

  /** The sha a ref or branch points at. */
  sha(rev: string): string {
    return this.git(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])
  }

  /**
   * A commit on `branch` (created from `from` when missing) changing `files` (null deletes);
   * the branch ref moves, the working tree does not. Answers the new sha.
   */
  commitTo(
    branch: string,
    files: Readonly<Record<string, string | null>>,
    message = `change ${branch}`,
    from = 'main'
  ): string {
    return this.commitToRef(`refs/heads/${branch}`, files, message, from)
  }

  /** Like {@link commitTo} on any full ref (e.g. `refs/bench/x`, which no branch listing sees). */
  commitToRef(
    ref: string,
    files: Readonly<Record<string, string | null>>,
    message: string,
    from = 'main'
  ): string {
    const exists = this.git(['for-each-ref', '--format=%(refname)', ref]) === ref
    const parent = this.sha(exists ? ref : from)
    const index = join(this.path, '.git', `test-index-${process.pid}`)
    const env = { GIT_INDEX_FILE: index }
    try {
      this.git(['read-tree', parent], { env })
      for (const [name, content] of Object.entries(files)) {
        if (content === null) {
          this.git(['update-index', '--force-remove', '--', name], { env })
        } else {
          const blob = this.git(['hash-object', '-w', '--stdin'], { input: content })
          this.git(['update-index', '--add', '--cacheinfo', `100644,${blob},${name}`], { env })
        }
      }
      const tree = this.git(['write-tree'], { env })
      const sha = this.git(['commit-tree', '-p', parent, tree], { input: message })
      this.git(['update-ref', ref, sha])
      return sha
    } finally {
      rmSync(index, { force: true })
    }
  }

  /** Every ref with its sha, HEAD, and the working tree's status: what must never change. */
  snapshot(): string {
    return [
      this.git(['for-each-ref']),
      this.git(['symbolic-ref', '--quiet', 'HEAD']),
      this.git(['rev-parse', 'HEAD']),
      this.git(['status', '--porcelain', '--untracked-files=all'])
    ].join('\n--\n')
  }

  /** Removes the temp folder. */
  remove(): void {
    rmSync(this.path, { recursive: true, force: true })
  }
}
