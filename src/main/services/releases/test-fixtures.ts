import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { SlipwayConfigSchema, type SlipwayConfig } from '../../../shared/config-schema'

/**
 * A real repository with files, for release tests: each commit writes the given files on
 * main with fixed identities and strictly increasing dates (so shas are stable per run).
 */
export class FileRepo {
  private clock = 1_760_000_000

  private constructor(readonly path: string) {}

  /** A new repository in a fresh temp folder, main checked out. */
  static create(): FileRepo {
    const path = mkdtempSync(join(tmpdir(), 'slipway-release-repo-'))
    execFileSync('git', ['init', '--quiet', '-b', 'main', path])
    return new FileRepo(path)
  }

  /** Runs git here and answers its trimmed stdout. */
  git(args: readonly string[]): string {
    this.clock += 60
    const date = `${this.clock} +0000`
    return execFileSync('git', args, {
      cwd: this.path,
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

  /** Writes `files` (path → content), commits them with `message`, answers the sha. */
  commit(message: string, files: Readonly<Record<string, string>> = {}): string {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.path, path)), { recursive: true })
      writeFileSync(join(this.path, path), content)
    }
    this.git(['add', '--all'])
    this.git(['commit', '--quiet', '--allow-empty', '-m', message])
    return this.git(['rev-parse', 'HEAD'])
  }

  /** `git worktree list --porcelain` paths. */
  worktrees(): string[] {
    return this.git(['worktree', 'list', '--porcelain'])
      .split('\n')
      .filter((l) => l.startsWith('worktree '))
      .map((l) => l.slice('worktree '.length))
  }
}

/** A parsed config with just a build section. */
export function buildConfig(command: string, artifact = 'dist'): SlipwayConfig {
  return SlipwayConfigSchema.parse({ build: { command, artifact } })
}
