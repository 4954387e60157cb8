/**
 * Merging a pull request into main:
 *   1. sync with origin (team state and branches: the latest reviews, origin's main);
 *   2. bring main up to origin's main when it is only behind (refused when they diverged);
 *   3. the checks; a merge-result test not run yet at main's tip is started and awaited, with
 *      progress; then every check must pass, else the refusal names each failing check;
 *   4. a merge commit (or a squash, per `pullRequests.mergeMethod`) written without touching
 *      any checkout (`merge-tree --write-tree`, `commit-tree`);
 *   5. main is pushed to origin as a compare-and-swap against what was fetched; when origin's
 *      main moved meanwhile, it is fetched, the merge result is retested, and the caller is
 *      asked to merge again;
 *   6. the local main moves (the checkout follows if main is checked out), the merge is
 *      recorded on the pull request and published, and the branch may be deleted.
 */
import type {
  Check,
  MergeOutcome,
  PullRequest,
  PullRequestView
} from '../../../shared/pull-request-models'
import type { TestRun } from '../../../shared/test-models'
import { ExpectedError } from '../errors'
import { isAncestor, mergeTree, commitTree, pushToOrigin, readPullRefs } from './pr-git'
import { moveMain, whyMainCannotMove } from './move-main'
import { latestReviews, PR_OPS } from './pr-fold'
import type { PullRequestsService } from './pull-requests-service'

/** Progress of a merge, for a progress line. */
export type MergeProgress =
  | { readonly kind: 'syncing' }
  | { readonly kind: 'testing'; readonly run: TestRun }
  | { readonly kind: 'merging' }
  | { readonly kind: 'pushing' }

/** Merges the open pull request of `branchOrId`; see the module comment. */
export async function mergePullRequest(
  service: PullRequestsService,
  branchOrId: string,
  onProgress: (p: MergeProgress) => void = () => {}
): Promise<MergeOutcome> {
  const { repo, mainBranch, config, sync, tests } = service.options
  let pr = await service.requireOpen(branchOrId)
  const online = await sync.hasOrigin()
  if (online) {
    onProgress({ kind: 'syncing' })
    await sync.sync()
    pr = await service.requireOpen(pr.id)
  }
  const blocked = await whyMainCannotMove(repo, mainBranch)
  if (blocked) throw new ExpectedError('conflict', `cannot merge: ${blocked}`)
  await catchUpWithOrigin(repo, mainBranch)
  let view = await service.view(pr)
  const upToDate = view.checks.find((c) => c.name === 'up-to-date')
  if (tests && view.headRef && upToDate?.status !== 'passed') {
    // The merge result at main's tip is not tested yet (or still running): start it, wait.
    const run = await tests.request(view.headRef)
    onProgress({ kind: 'testing', run })
    await tests.whenFinished(run.id)
    view = await service.view(pr)
  }
  refuseUnlessMergeable(view)
  const head = view.head as string
  const main = view.mainSha as string
  onProgress({ kind: 'merging' })
  const merged = await mergeTree(repo, main, head)
  if ('conflicts' in merged) {
    throw new ExpectedError(
      'conflict',
      `cannot merge ${pr.branch}: it conflicts with main in ${merged.conflicts.join(', ')}`,
      { conflicts: merged.conflicts }
    )
  }
  const method = config.pullRequests.mergeMethod
  const parents = method === 'squash' ? [main] : [main, head]
  const commit = await commitTree(repo, merged.tree, parents, mergeMessage(view, method))
  let pushed = false
  if (online) {
    onProgress({ kind: 'pushing' })
    const refs = await readPullRefs(repo, pr.branch, mainBranch)
    const push = await pushToOrigin(repo, commit, mainBranch, refs.originMain?.sha ?? '')
    if (push.kind === 'rejected') return mainMoved(service, pr)
    if (push.kind === 'unreachable') {
      throw new ExpectedError(
        'unreachable',
        `cannot push ${mainBranch} to origin: ${push.message}; nothing was merged`
      )
    }
    pushed = push.kind === 'pushed'
  }
  const before = (await readPullRefs(repo, pr.branch, mainBranch)).main
  await moveMain(repo, mainBranch, before?.kind === 'local' ? before.sha : null, commit)
  // The ticket first: the append below publishes both.
  if (pr.ticket) await service.options.tickets?.advance(pr.ticket, 'done')
  await service.append(
    pr,
    PR_OPS.merge,
    { commit, method, head, main },
    `Merge ${pr.branch} (${method === 'squash' ? 'squashed' : 'merge commit'})`
  )
  const done = await service.find(pr.id)
  return { kind: 'merged', pullRequest: done, commit, pushed, branchDeletable: true }
}

/** Throws the refusal naming every check that did not pass. */
function refuseUnlessMergeable(view: PullRequestView): void {
  const failing = view.checks.filter((c) => c.status !== 'passed')
  if (failing.length === 0 && view.head && view.mainSha) return
  const reasons = failing.map((c: Check) => `${c.name}: ${c.summary}`)
  throw new ExpectedError(
    'checks-failed',
    `cannot merge ${view.pullRequest.branch}: ${reasons.join('; ') || 'the branch or main is missing'}`,
    {
      checks: failing.map((c) => ({
        name: c.name,
        status: c.status === 'pending' ? ('pending' as const) : ('failed' as const),
        summary: c.summary
      }))
    }
  )
}

/** Fast-forwards the local main to origin's when it is only behind; refuses a divergence. */
async function catchUpWithOrigin(repo: string, mainBranch: string): Promise<void> {
  const refs = await readPullRefs(repo, mainBranch, mainBranch)
  const local = refs.main?.kind === 'local' ? refs.main : null
  const origin = refs.originMain
  if (!local || !origin || local.sha === origin.sha) return
  if (await isAncestor(repo, origin.sha, local.sha)) return // main is ahead; the push takes it
  if (!(await isAncestor(repo, local.sha, origin.sha))) {
    throw new ExpectedError(
      'conflict',
      `${mainBranch} and origin/${mainBranch} have diverged; bring ${mainBranch} up to date with origin first`
    )
  }
  await moveMain(repo, mainBranch, local.sha, origin.sha)
}

/** Origin's main moved while merging: fetch it, bring main up, retest, ask again. */
async function mainMoved(service: PullRequestsService, pr: PullRequest): Promise<MergeOutcome> {
  const { repo, mainBranch, sync, tests } = service.options
  await sync.sync()
  await catchUpWithOrigin(repo, mainBranch)
  const refs = await readPullRefs(repo, pr.branch, mainBranch)
  const main = refs.main?.sha ?? ''
  const retest = tests && refs.head ? await tests.request(refs.head.name) : null
  return {
    kind: 'main-moved',
    main,
    retest,
    message: `origin's ${mainBranch} moved to ${main.slice(0, 8)} while merging; nothing was merged. The merge result is being retested: merge again when it passes.`
  }
}

function mergeMessage(view: PullRequestView, method: 'merge' | 'squash'): string {
  const pr = view.pullRequest
  const approvers = latestReviews(pr.reviews)
    .filter((r) => r.verdict === 'approve' && r.commit === view.head)
    .map((r) => `${r.author.name} <${r.author.email}>`)
  const lines: string[] = []
  if (method === 'squash') {
    lines.push(pr.title, '')
    if (pr.description.trim()) lines.push(pr.description.trim(), '')
    lines.push(`Squashed from ${pr.branch}:`)
    for (const c of [...view.commits].reverse()) lines.push(`* ${c.subject}`)
  } else {
    lines.push(`Merge ${pr.branch}: ${pr.title}`, '')
    if (pr.description.trim()) lines.push(pr.description.trim(), '')
  }
  lines.push('')
  for (const a of approvers) lines.push(`Approved-by: ${a}`)
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`
}
