import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The empty tree: commits made by {@link TestRepo.commit} carry no files, only history. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

/**
 * A real git repository in a fresh temp folder, for tests: builds any history with
 * `commit-tree` and `update-ref` (names go through stdin, never a shell), with fixed
 * identities and strictly increasing dates so git's own order is deterministic.
 */
export class TestRepo {
  private clock = 1_700_000_000

  private constructor(readonly path: string) {}

  /** A new empty repository whose initial branch is `main`. */
  static create(prefix = 'slipway-git-'): TestRepo {
    const path = mkdtempSync(join(tmpdir(), prefix))
    execFileSync('git', ['init', '--quiet', '-b', 'main', path])
    return new TestRepo(path)
  }

  /** A clone of `source` (a local path, so no network) in a fresh temp folder. */
  static cloneOf(source: TestRepo, prefix = 'slipway-clone-'): TestRepo {
    const path = mkdtempSync(join(tmpdir(), prefix))
    execFileSync('git', ['clone', '--quiet', '--end-of-options', source.path, path])
    return new TestRepo(path)
  }

  /** Runs git in the repository and answers its trimmed stdout. */
  git(args: readonly string[], input?: string): string {
    this.clock += 60
    const date = `${this.clock} +0000`
    return execFileSync('git', args, {
      cwd: this.path,
      input: input ?? '',
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test Author',
        GIT_AUTHOR_EMAIL: 'author@example.com',
        GIT_COMMITTER_NAME: 'Test Committer',
        GIT_COMMITTER_EMAIL: 'committer@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date
      }
    }).trim()
  }

  /** A new commit (empty tree) with `parents`; answers its sha. */
  commit(message: string, parents: readonly string[] = []): string {
    return this.git(['commit-tree', ...parents.flatMap((p) => ['-p', p]), EMPTY_TREE], message)
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

  /** Points the full ref at `sha`, whatever characters its name holds. */
  setRef(ref: string, sha: string): void {
    this.git(['update-ref', '-z', '--stdin'], `update ${ref}\0${sha}\0\0`)
  }

  /** Deletes the full ref. */
  deleteRef(ref: string): void {
    this.git(['update-ref', '-z', '--stdin'], `delete ${ref}\0\0`)
  }

  /** Git's own answer: commits only in `branch` (ahead) and only in `main` (behind). */
  leftRight(main: string, branch: string): { ahead: number; behind: number } {
    const [behind, ahead] = this.git(['rev-list', '--left-right', '--count', `${main}...${branch}`])
      .split(/\s+/)
      .map(Number)
    return { ahead: ahead as number, behind: behind as number }
  }

  /** Removes the temp folder. */
  remove(): void {
    rmSync(this.path, { recursive: true, force: true })
  }
}
