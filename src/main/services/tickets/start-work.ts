/**
 * Start work: a branch `ORD-123-short-title` from main's tip, and (only when asked and the
 * checkout is clean) a switch of the user's checkout to it. Branch names are made here from
 * the key and the title, reduced to `[A-Za-z0-9-]`, and reach git only inside `refs/heads/…`
 * or after `--end-of-options`.
 */
import { existsSync } from 'node:fs'
import type { Ticket } from '../../../shared/ticket-models'
import { ExpectedError } from '../errors'
import { findTickets, readBranchRefs, runGit } from '../git'

/** What Start work did. */
export interface StartedBranch {
  readonly branch: string
  readonly created: boolean
  readonly switched: boolean
  readonly notSwitchedReason: string | null
}

const SLUG_MAX = 40
const ZERO = '0'.repeat(40)

/** `ORD-123-short-title`: the key, then the title in lower-case words joined by dashes. */
export function branchNameFor(ticket: Pick<Ticket, 'key' | 'title'>): string {
  const words = ticket.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  let slug = ''
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w
    if (next.length > SLUG_MAX) break
    slug = next
  }
  if (!slug && words[0]) slug = words[0].slice(0, SLUG_MAX)
  return slug ? `${ticket.key}-${slug}` : ticket.key
}

/**
 * Creates the ticket's branch from main (or reuses a local branch already named for the
 * ticket) and switches the checkout to it when `switchTo` and the checkout is clean.
 */
export async function startWorkBranch(args: {
  readonly repo: string
  readonly mainBranch: string
  readonly ticketPattern: string
  readonly ticket: Pick<Ticket, 'key' | 'title'>
  readonly switchTo: boolean
}): Promise<StartedBranch> {
  const { repo, ticket } = args
  const refs = await readBranchRefs(repo)
  const existing = refs.find(
    (r) =>
      r.kind === 'local' &&
      r.name !== args.mainBranch &&
      findTickets(r.name, args.ticketPattern).includes(ticket.key)
  )
  let branch = existing?.name ?? branchNameFor(ticket)
  let created = false
  if (!existing) {
    const main =
      refs.find((r) => r.kind === 'local' && r.name === args.mainBranch) ??
      refs.find((r) => r.kind === 'remote' && r.name === `origin/${args.mainBranch}`)
    if (!main) {
      throw new ExpectedError('not-found', `there is no ${args.mainBranch} branch to start from`)
    }
    branch = await checkBranchName(repo, branch)
    const made = await runGit(
      repo,
      [
        'update-ref',
        '-m',
        `slipway: start work on ${ticket.key}`,
        `refs/heads/${branch}`,
        main.sha,
        ZERO
      ],
      { okExitCodes: [0, 128] }
    )
    if (made.exitCode !== 0) {
      throw new ExpectedError('conflict', `could not create the branch ${branch}`, {
        branch,
        stderr: made.stderr
      })
    }
    created = true
  }
  if (!args.switchTo) return { branch, created, switched: false, notSwitchedReason: null }
  const why = await whyNotSwitch(repo, branch)
  if (why) return { branch, created, switched: false, notSwitchedReason: why }
  const out = await runGit(repo, ['switch', '--no-guess', '--end-of-options', branch], {
    okExitCodes: [0, 1, 128]
  })
  if (out.exitCode !== 0) {
    const reason = out.stderr.trim().split('\n')[0] ?? 'git switch failed'
    return { branch, created, switched: false, notSwitchedReason: reason }
  }
  return { branch, created, switched: true, notSwitchedReason: null }
}

async function checkBranchName(repo: string, name: string): Promise<string> {
  const out = await runGit(repo, ['check-ref-format', '--branch', name], {
    okExitCodes: [0, 1, 128]
  })
  if (out.exitCode !== 0 || out.stdout.trim() !== name) {
    throw new ExpectedError('bad-request', `${JSON.stringify(name)} is not a valid branch name`)
  }
  return name
}

/** Why the checkout cannot be switched now, or null when it can. */
async function whyNotSwitch(repo: string, branch: string): Promise<string | null> {
  const head = await runGit(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD'], {
    okExitCodes: [0, 1, 128]
  })
  if (head.exitCode === 0 && head.stdout.trim() === branch) return null
  const paths = await runGit(repo, [
    'rev-parse',
    '--is-bare-repository',
    '--git-path',
    'MERGE_HEAD',
    '--git-path',
    'rebase-merge',
    '--git-path',
    'rebase-apply',
    '--git-path',
    'CHERRY_PICK_HEAD'
  ])
  const [bare, ...states] = paths.stdout.trim().split('\n')
  if (bare === 'true') return 'the repository has no checkout (it is bare)'
  const absolute = (p: string): string => (p.startsWith('/') ? p : `${repo}/${p}`)
  if (states.some((p) => existsSync(absolute(p)))) {
    return 'a merge, rebase or cherry-pick is in progress in the checkout; finish it first'
  }
  const status = await runGit(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=no'])
  const changed = status.stdout
    .split('\0')
    .filter((e) => /^.. /.test(e))
    .map((e) => e.slice(3))
  if (changed.length > 0) {
    const shown = changed.slice(0, 3).join(', ') + (changed.length > 3 ? ', …' : '')
    return `the checkout has ${changed.length} changed file${changed.length > 1 ? 's' : ''} (${shown}); commit or stash them first`
  }
  return null
}
