import { rm } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import type { SlipwayConfig } from '../../../shared/config-schema'
import type { Release } from '../../../shared/deploy-models'
import { ExpectedError } from '../errors'
import { runGit } from '../git'
import { branchEnv, createRunHome } from '../sandbox'
import { runBuildCommand } from './build-command'
import { packArtifact } from './pack-artifact'
import { baseReleaseId } from './release-id'
import { releaseHistory } from './release-history'
import {
  TARBALL_FILE,
  discardStaged,
  publishRelease,
  readReleases,
  stageRelease,
  type StoredRelease
} from './release-store'
import { addBuildWorktree } from './worktree'

/** Progress of {@link createRelease}, in order. */
export type ReleaseProgress =
  | { kind: 'worktree' }
  | { kind: 'build'; line: string }
  | { kind: 'pack'; files: number }
  | { kind: 'done'; release: Release }

/** Options for {@link createRelease}. */
export interface CreateReleaseOptions {
  readonly workspacePath: string
  /** The release store: `<workspaceDataDir>/releases`. */
  readonly dir: string
  readonly config: SlipwayConfig
  readonly mainBranch: string
  readonly ticketPattern: string
  /** A commit of main (sha or any name git resolves); default: the tip of main. */
  readonly commit?: string
  /** `user@machine`. */
  readonly createdBy: string
  readonly onProgress?: (p: ReleaseProgress) => void
  readonly signal?: AbortSignal
  /** The build's time limit; default 30 minutes. */
  readonly buildTimeoutMs?: number
}

/**
 * Builds a release of one commit of main, once: checks it out in an isolated worktree, runs
 * `build.command` there (CI=true, SLIPWAY_RELEASE, SLIPWAY_COMMIT), packs `build.artifact`
 * into a deterministic tar.gz and records the manifest (id, sha256, commits and tickets
 * since the previous release). The release appears in the store whole or not at all, and
 * the worktree is always removed.
 */
export async function createRelease(options: CreateReleaseOptions): Promise<StoredRelease> {
  const build = options.config.build
  if (!build) {
    throw new ExpectedError(
      'bad-config',
      'slipway.yml has no build section: add build.command and build.artifact to make releases',
      { workspacePath: options.workspacePath }
    )
  }
  const repo = options.workspacePath
  const sha = await resolveMainCommit(repo, options.mainBranch, options.commit)
  const { seconds, subject } = await commitInfo(repo, sha)
  const existing = (await readReleases(options.dir)).releases
  const now = new Date()
  const staged = await stageRelease(options.dir, baseReleaseId(sha, now))
  let published = false
  try {
    checkAborted(options.signal)
    options.onProgress?.({ kind: 'worktree' })
    const worktree = await addBuildWorktree(repo, sha, join(staged.path, 'worktree'))
    let packed: Awaited<ReturnType<typeof packArtifact>>
    try {
      // The build gets an allow-listed environment with its own HOME and TMPDIR, as tests do.
      const runHomes = join(staged.path, 'run-home')
      const runHome = await createRunHome(runHomes)
      const env = branchEnv({
        home: runHome.home,
        tmp: runHome.tmp,
        configured: build.env,
        slipway: { CI: 'true', SLIPWAY_RELEASE: staged.id, SLIPWAY_COMMIT: sha }
      })
      await runBuildCommand({
        command: build.command,
        cwd: worktree.path,
        env,
        timeoutMs: options.buildTimeoutMs,
        signal: options.signal,
        onLine: (line) => options.onProgress?.({ kind: 'build', line })
      }).finally(() => rm(runHomes, { recursive: true, force: true }))
      checkAborted(options.signal)
      packed = await packArtifact({
        root: artifactRoot(worktree.path, build.artifact),
        output: join(staged.path, TARBALL_FILE),
        mtimeSeconds: seconds,
        signal: options.signal,
        onEntries: (files) => options.onProgress?.({ kind: 'pack', files })
      }).catch((e: unknown) => {
        if (options.signal?.aborted) throw cancelled()
        if (e instanceof ExpectedError && e.details.artifact !== undefined) {
          throw new ExpectedError(
            'build-failed',
            `the build did not produce the artifact folder ${build.artifact}`,
            { artifact: build.artifact }
          )
        }
        throw e
      })
    } finally {
      await worktree.remove()
    }
    const history = await releaseHistory(repo, sha, existing, options.ticketPattern)
    checkAborted(options.signal)
    const release: Release = {
      id: staged.id,
      commit: sha,
      subject,
      createdAt: now.toISOString(),
      createdBy: options.createdBy,
      sha256: packed.sha256,
      sizeBytes: packed.sizeBytes,
      tickets: [...history.tickets],
      commits: history.commits.map((c) => ({ sha: c.sha, subject: c.subject })),
      previousId: history.previousId
    }
    const stored = await publishRelease(options.dir, staged, release)
    published = true
    options.onProgress?.({ kind: 'done', release })
    return stored
  } finally {
    if (!published) await discardStaged(staged)
  }
}

/** The full sha of `commit` (default: the tip of main), which must be on main. */
async function resolveMainCommit(
  repo: string,
  mainBranch: string,
  commit: string | undefined
): Promise<string> {
  const mainTip =
    (await revParse(repo, `refs/heads/${mainBranch}`)) ??
    (await revParse(repo, `refs/remotes/origin/${mainBranch}`))
  if (!mainTip) {
    throw new ExpectedError('not-found', `the main branch ${mainBranch} has no commits here`, {
      repo,
      mainBranch
    })
  }
  if (commit === undefined) return mainTip
  const sha = await revParse(repo, commit)
  if (!sha) throw new ExpectedError('not-found', `no commit ${commit} in ${repo}`, { commit })
  const onMain = await runGit(
    repo,
    ['merge-base', '--is-ancestor', '--end-of-options', sha, mainTip],
    { okExitCodes: [0, 1] }
  )
  if (onMain.exitCode !== 0) {
    throw new ExpectedError(
      'bad-request',
      `commit ${sha.slice(0, 7)} is not on ${mainBranch}: releases are built from main`,
      { commit: sha, mainBranch }
    )
  }
  return sha
}

async function revParse(repo: string, name: string): Promise<string | null> {
  const out = await runGit(
    repo,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${name}^{commit}`],
    { okExitCodes: [0, 1, 128] }
  )
  const sha = out.stdout.trim()
  return out.exitCode === 0 && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha) ? sha : null
}

async function commitInfo(
  repo: string,
  sha: string
): Promise<{ seconds: number; subject: string }> {
  const out = await runGit(repo, ['log', '-1', '--format=%ct%x00%s', '--end-of-options', sha])
  const [ct = '', subject = ''] = out.stdout.replace(/\n$/, '').split('\0')
  return { seconds: Number(ct), subject }
}

/** The artifact folder inside the worktree; a path leaving it is a config error. */
function artifactRoot(worktree: string, artifact: string): string {
  const root = resolve(worktree, artifact)
  const rel = relative(worktree, root)
  if (isAbsolute(artifact) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ExpectedError(
      'bad-config',
      `build.artifact must be a folder inside the repository, not ${artifact}`,
      { artifact }
    )
  }
  return root
}

function cancelled(): ExpectedError {
  return new ExpectedError('cancelled', 'the release build was cancelled')
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled()
}
