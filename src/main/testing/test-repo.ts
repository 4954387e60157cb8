// Test support: the one builder of real git repositories in temp folders, for every test and
// benchmark (services, router, CLI, serve, e2e). Production code runs git through runGit only.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** The empty tree: commits made by {@link TestRepo.commit} carry no files, only history. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.com',
  // The machine's /etc/gitconfig must not change what a test sees.
  GIT_CONFIG_NOSYSTEM: '1'
}

// One clock for the whole process: every git call made through a TestRepo is a minute later
// than the one before, whichever repository or clone it runs in, so git's order is stable.
let clock = 1_700_000_000

/** What {@link TestRepo.git} may add to a call. */
export interface GitCallOptions {
  /** Written to git's stdin. */
  readonly input?: string
  /** Extra environment (e.g. `GIT_INDEX_FILE`). */
  readonly env?: NodeJS.ProcessEnv
}

/**
 * A real git repository in a fresh temp folder: fixed identities and strictly increasing dates
 * (so shas and git's own order are deterministic), any history built with `commit-tree` and
 * `update-ref` (names go through stdin, never a shell), or files committed on a branch.
 */
export class TestRepo {
  private constructor(readonly path: string) {}

  /**
   * A new repository whose initial branch is `main` (realpath, so it compares equal to what git
   * reports); with `files`, a first commit holding them is made on main.
   */
  static create(
    options: { readonly prefix?: string; readonly files?: Readonly<Record<string, string>> } = {}
  ): TestRepo {
    const path = realpathSync(mkdtempSync(join(tmpdir(), options.prefix ?? 'slipway-repo-')))
    execFileSync('git', ['init', '--quiet', '-b', 'main', path], { env: gitEnv() })
    const repo = new TestRepo(path)
    if (options.files) repo.commitFiles('first', options.files)
    return repo
  }

  /** An existing repository (one made by a fixture, or a clone made by a test). */
  static open(path: string): TestRepo {
    return new TestRepo(path)
  }

  /** A clone of `source` (a local path, so no network) in a fresh temp folder. */
  static cloneOf(source: TestRepo, prefix = 'slipway-clone-'): TestRepo {
    const path = realpathSync(mkdtempSync(join(tmpdir(), prefix)))
    execFileSync('git', ['clone', '--quiet', '--end-of-options', source.path, path], {
      env: gitEnv()
    })
    return new TestRepo(path)
  }

  /** Runs git in the repository and answers its trimmed stdout. */
  git(args: readonly string[], options: GitCallOptions = {}): string {
    return execFileSync('git', args, {
      cwd: this.path,
      input: options.input ?? '',
      encoding: 'utf8',
      env: { ...gitEnv(), ...options.env }
    }).trim()
  }

  /** The sha a ref or branch points at. */
  sha(rev: string): string {
    return this.git(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])
  }

  /** A new commit (empty tree) with `parents`; answers its sha. No ref moves. */
  commit(message: string, parents: readonly string[] = []): string {
    return this.git(['commit-tree', ...parents.flatMap((p) => ['-p', p]), EMPTY_TREE], {
      input: message
    })
  }

  /** `count` commits in a line on top of `parent` (null: a new root); answers their shas. */
  line(parent: string | null, count: number, subject: (i: number) => string): string[] {
    const shas: string[] = []
    let tip = parent
    for (let i = 0; i < count; i += 1) {
      tip = this.commit(subject(i), tip ? [tip] : [])
      shas.push(tip)
    }
    return shas
  }

  /**
   * Writes `files` (path → content) in the working tree, commits everything on the checked-out
   * branch with `message` (empty commits allowed) and answers the new sha.
   */
  commitFiles(message: string, files: Readonly<Record<string, string>> = {}): string {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.path, path)), { recursive: true })
      writeFileSync(join(this.path, path), content)
    }
    this.git(['add', '--all'])
    this.git(['commit', '--quiet', '--allow-empty', '-m', message])
    return this.git(['rev-parse', 'HEAD'])
  }

  /**
   * A commit on `branch` (created from `from` when missing) changing `files` (null deletes);
   * the branch ref moves, the working tree and HEAD do not. Answers the new sha.
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

  /** Points the full ref at `sha`, whatever characters its name holds. */
  setRef(ref: string, sha: string): void {
    this.git(['update-ref', '-z', '--stdin'], { input: `update ${ref}\0${sha}\0\0` })
  }

  /** Deletes the full ref. */
  deleteRef(ref: string): void {
    this.git(['update-ref', '-z', '--stdin'], { input: `delete ${ref}\0\0` })
  }

  /** Git's own answer: commits only in `branch` (ahead) and only in `main` (behind). */
  leftRight(main: string, branch: string): { ahead: number; behind: number } {
    const [behind, ahead] = this.git(['rev-list', '--left-right', '--count', `${main}...${branch}`])
      .split(/\s+/)
      .map(Number)
    return { ahead: ahead as number, behind: behind as number }
  }

  /** `git worktree list --porcelain` paths. */
  worktrees(): string[] {
    return this.git(['worktree', 'list', '--porcelain'])
      .split('\n')
      .filter((l) => l.startsWith('worktree '))
      .map((l) => l.slice('worktree '.length))
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

/** Runs git in `cwd` with the test identity (for repositories made by the fixtures). */
export function git(cwd: string, ...args: string[]): string {
  return TestRepo.open(cwd).git(args)
}

/** Commits `file` with `content` on the checked-out branch of the repository at `cwd`. */
export function commitFile(cwd: string, file: string, content: string, subject: string): string {
  const repo = TestRepo.open(cwd)
  mkdirSync(dirname(join(cwd, file)), { recursive: true })
  writeFileSync(join(cwd, file), content)
  // Only this file: a test may keep untracked folders (local hosts) in the working tree.
  repo.git(['add', '--', file])
  repo.git(['commit', '--quiet', '-m', subject])
  return repo.git(['rev-parse', 'HEAD'])
}

function gitEnv(): NodeJS.ProcessEnv {
  clock += 60
  const date = `${clock} +0000`
  return { ...process.env, ...IDENTITY, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }
}
