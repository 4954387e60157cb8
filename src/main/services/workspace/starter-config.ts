// The starter `slipway.yml` that "Create slipway.yml" writes into a repository without one.
import { writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { ExpectedError } from '../errors'
import { detectMainBranch } from '../git'
import { CONFIG_FILE_NAMES, findConfigFile } from './config'

/**
 * A commented, valid starter `slipway.yml`: a test and build command and two environments
 * (staging, production) on `local` hosts under `.slipway/hosts/` to try the flow on one machine.
 */
export function starterConfig(project: string, mainBranch: string): string {
  // JSON strings are valid YAML double-quoted scalars, so any folder or branch name is safe.
  const q = (s: string): string => JSON.stringify(s)
  return `# Slipway pipeline: how this repository is tested, built and deployed.
# Every key is optional; a bad file is reported with its line and the defaults stay in effect.

project: ${q(project)}
mainBranch: ${q(mainBranch)}

# Ticket keys are found in branch names and commit subjects (e.g. ORD-123). Name the
# prefixes in use so that ids like CVE-2026-4867 are never read as tickets:
# tickets:
#   projects: [ORD]

# Run at every new commit of every branch, in an isolated git worktree.
test:
  command: npm test
  timeoutSeconds: 900
  concurrency: 2

# Run once per release on a main commit; the artifact folder becomes the release tarball.
build:
  command: npm run build
  artifact: dist

environments:
  # Deployed automatically when a change lands on ${mainBranch}.
  - name: staging
    deployOn: merge
    hosts:
      # A 'local' host is a folder on this machine; replace with
      # { host: app1.internal, user: deploy, path: /srv/app } to deploy over SSH.
      - local: .slipway/hosts/staging-1
        port: 4301
    healthCheck:
      url: 'http://127.0.0.1:{port}/health'
      timeoutSeconds: 30
    keepReleases: 5

  # Receives the exact release that passed staging, after one approval.
  - name: production
    promoteFrom: staging
    approvals:
      required: 1
      authorCannotApprove: true
    freeze:
      - 'Fri 16:00 - Mon 08:00'
    strategy:
      batchSize: 1
    hosts:
      - local: .slipway/hosts/production-1
        port: 4401
      - local: .slipway/hosts/production-2
        port: 4402
    healthCheck:
      url: 'http://127.0.0.1:{port}/health'
      timeoutSeconds: 30
    keepReleases: 5
`
}

/**
 * Writes {@link starterConfig} as `slipway.yml` at `repoRoot`, named after the folder and the
 * detected main branch. Refuses with `ExpectedError('conflict')` when a pipeline file exists.
 */
export async function writeStarterConfig(repoRoot: string): Promise<void> {
  const existing = await findConfigFile(repoRoot)
  if (existing) {
    throw new ExpectedError('conflict', `${existing.name} already exists; it was left unchanged`, {
      path: existing.path
    })
  }
  const path = join(repoRoot, CONFIG_FILE_NAMES[0])
  const text = starterConfig(basename(repoRoot), await detectMainBranch(repoRoot))
  try {
    // 'wx' fails if the file appeared meanwhile: never overwrite a user's pipeline.
    await writeFile(path, text, { flag: 'wx' })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ExpectedError(
        'conflict',
        `${CONFIG_FILE_NAMES[0]} already exists; it was left unchanged`,
        {
          path
        }
      )
    }
    throw new ExpectedError('internal', `could not write ${path}: ${(e as Error).message}`, {
      path
    })
  }
}
