import { mkdir, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { runGit } from '../git'
import { PRIVATE_DIR } from '../private-files'

/** The demo's second person: reviews and approves through a clone of their own. */
export const DEMO_REVIEWER = { name: 'Ben Okafor', email: 'ben@orders.example' } as const

/**
 * The demo's release approver: authored none of the demo's commits, so (unlike Ben, whose
 * commits are on main) she may approve a promotion to production under `authorCannotApprove`;
 * she approves from a clone of her own.
 */
export const DEMO_APPROVER = { name: 'Priya Nair', email: 'priya@orders.example' } as const

/** Where the demo keeps its team around the checkout at `demoPath` (`<dataDir>/demo/orders`). */
export interface DemoTeamPaths {
  /** The local bare repository that is the demo checkout's `origin`. */
  readonly origin: string
  /** The reviewer's own clone of that origin, with the reviewer's git identity. */
  readonly reviewerClone: string
  /** The release approver's own clone of that origin, with her git identity. */
  readonly approverClone: string
}

/** The paths of the demo's origin and the reviewer's clone, beside the demo checkout. */
export function demoTeamPaths(demoPath: string): DemoTeamPaths {
  const root = dirname(demoPath)
  return {
    origin: join(root, 'origin', 'orders.git'),
    reviewerClone: join(root, 'reviewer', 'orders'),
    approverClone: join(root, 'approver', 'orders')
  }
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false
}

/** Clones the demo's origin into `dir` as `person` (their git identity in that clone). */
async function cloneAs(
  origin: string,
  dir: string,
  person: { readonly name: string; readonly email: string }
): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dirname(dir), { recursive: true, mode: PRIVATE_DIR })
  await runGit(dirname(dir), ['clone', '--quiet', '--end-of-options', origin, dir])
  await runGit(dir, ['config', 'user.name', person.name])
  await runGit(dir, ['config', 'user.email', person.email])
}

/**
 * Gives the demo checkout a team, so the whole flow runs alone on one machine: a local bare
 * `origin` holding every demo branch (the checkout's branches track it), a clone of it whose
 * git identity is {@link DEMO_REVIEWER}, where "review as Ben" happens, and one as
 * {@link DEMO_APPROVER}, where "approve as Priya" happens. Idempotent: a demo whose origin and
 * clones are in place is left alone; a half-made team is made again (a missing approver clone
 * alone is cloned again, so a demo made before she joined keeps its origin as it is).
 */
export async function ensureDemoTeam(demoPath: string): Promise<DemoTeamPaths> {
  const paths = demoTeamPaths(demoPath)
  const url = await runGit(demoPath, ['config', '--get', 'remote.origin.url'], {
    okExitCodes: [0, 1]
  })
  if (
    url.stdout.trim() === paths.origin &&
    (await isDir(paths.origin)) &&
    (await isDir(join(paths.reviewerClone, '.git')))
  ) {
    if (!(await isDir(join(paths.approverClone, '.git')))) {
      await cloneAs(paths.origin, paths.approverClone, DEMO_APPROVER)
    }
    return paths
  }
  await rm(paths.origin, { recursive: true, force: true })
  await mkdir(dirname(paths.origin), { recursive: true, mode: PRIVATE_DIR })
  await runGit(dirname(paths.origin), ['init', '--quiet', '--bare', '-b', 'main', paths.origin])
  await runGit(demoPath, ['remote', 'remove', 'origin'], { okExitCodes: [0, 2] })
  await runGit(demoPath, ['remote', 'add', 'origin', paths.origin])
  await runGit(demoPath, ['push', '--quiet', 'origin', 'refs/heads/*:refs/heads/*'])
  await runGit(demoPath, ['fetch', '--quiet', 'origin'])
  // Every demo branch tracks its twin on origin, as after a clone and checkout.
  const branches = await runGit(demoPath, [
    'for-each-ref',
    '--format=%(refname:short)',
    'refs/heads/'
  ])
  for (const name of branches.stdout.split('\n').filter(Boolean)) {
    await runGit(demoPath, ['config', `branch.${name}.remote`, 'origin'])
    await runGit(demoPath, ['config', `branch.${name}.merge`, `refs/heads/${name}`])
  }
  await cloneAs(paths.origin, paths.reviewerClone, DEMO_REVIEWER)
  await cloneAs(paths.origin, paths.approverClone, DEMO_APPROVER)
  return paths
}
