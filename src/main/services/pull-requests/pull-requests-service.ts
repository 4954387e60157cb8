/**
 * Pull requests of one workspace, stored as team state (`refs/slipway/pulls/<id>`): open (the
 * branch is pushed to origin so others can fetch it), the live view (commits, checks),
 * changed files and windowed diffs, review comments, approve / request changes, close, and
 * branch deletion after a merge. Merging is in merge.ts.
 */
import { randomBytes } from 'node:crypto'
import type { SlipwayConfig } from '../../../shared/config-schema'
import type {
  ChangedFiles,
  FileDiff,
  PullChecks,
  PullRequest,
  PullRequestView,
  ReviewVerdict
} from '../../../shared/pull-request-models'
import { ExpectedError } from '../errors'
import { findTickets, runGit } from '../git'
import type { SyncOutcome, TeamStateStore } from '../team-state'
import { readIdentity } from '../team-state/git-write'
import { commitAuthors, evaluateChecks } from './checks'
import { changedFiles, DiffReader } from './diff'
import type { MergeTests } from './merge-tests'
import { foldPullRequest, PR_OPS } from './pr-fold'
import {
  deleteOnOrigin,
  mergeBase,
  plainBranchName,
  pushToOrigin,
  readPullCommits,
  readPullRefs,
  type PushResult
} from './pr-git'

const PULLS = 'pulls/'
const MAX_BODY = 20_000

/** What pull requests need from tickets (optional: without it titles come from branches). */
export interface PullTicketHooks {
  /** The ticket's title and description, or null when there is no such ticket. */
  describe(key: string): Promise<{ title: string; description: string } | null>
  /** Moves the ticket along: `in-review` when its pull request opens, `done` when it merges. */
  advance(key: string, to: 'in-review' | 'done'): Promise<void>
}

/** The team sync as pull requests use it. */
export interface PullSync {
  sync(): Promise<SyncOutcome>
  publish(): Promise<boolean>
  hasOrigin(): Promise<boolean>
}

/** What the pull-requests service needs. */
export interface PullRequestsOptions {
  readonly repo: string
  readonly mainBranch: string
  readonly config: SlipwayConfig
  readonly store: TeamStateStore
  /** Merge-result testing; null when slipway.yml has no test.command. */
  readonly tests: MergeTests | null
  readonly sync: PullSync
  readonly tickets?: PullTicketHooks
}

/** What opening did: the pull request, and what became of pushing the branch. */
export interface OpenedPullRequest {
  readonly view: PullRequestView
  readonly push: PushResult
}

/** The pull requests of one workspace. */
export class PullRequestsService {
  private readonly diffs: DiffReader

  constructor(readonly options: PullRequestsOptions) {
    this.diffs = new DiffReader(options.repo)
  }

  /** Every readable pull request, newest first. */
  async list(): Promise<PullRequest[]> {
    const snap = await this.options.store.snapshot((p) => p.startsWith(PULLS))
    const out: PullRequest[] = []
    for (const [path, log] of snap.entities) {
      const pr = foldPullRequest(path.slice(PULLS.length), log.ops)
      if (pr) out.push(pr)
    }
    return out.sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0))
  }

  /** The pull request of a branch (the open one, else the newest), or by its id. */
  async find(branchOrId: string): Promise<PullRequest> {
    const all = await this.list()
    const branch = plainBranchName(branchOrId)
    const ofBranch = all.filter((p) => p.branch === branch)
    const found =
      ofBranch.find((p) => p.state === 'open') ??
      ofBranch[0] ??
      all.find((p) => p.id === branchOrId) ??
      null
    if (!found) {
      throw new ExpectedError('not-found', `no pull request for ${branchOrId}`, {
        branch: branchOrId
      })
    }
    return found
  }

  /** A pull request with its branch tip, main's tip, commits and checks as they are now. */
  async view(branchOrId: string | PullRequest): Promise<PullRequestView> {
    const pr = typeof branchOrId === 'string' ? await this.find(branchOrId) : branchOrId
    const { repo, mainBranch, config } = this.options
    const refs = await readPullRefs(repo, pr.branch, mainBranch)
    const head = refs.head?.sha ?? null
    const mainSha = refs.main?.sha ?? null
    const base = { pullRequest: pr, head, headRef: refs.head?.name ?? null, mainSha }
    if (pr.merged) {
      const commits = await readPullCommits(
        repo,
        pr.merged.head,
        pr.merged.main,
        config.tickets.pattern
      )
      return { ...base, commits, checks: [], mergeable: false }
    }
    const commits = head ? await readPullCommits(repo, head, mainSha, config.tickets.pattern) : []
    if (pr.state !== 'open') return { ...base, commits, checks: [], mergeable: false }
    const runs = head && this.options.tests ? await this.options.tests.runsOf(head) : []
    const checks = evaluateChecks({
      pullRequest: pr,
      head,
      mainSha,
      commits,
      config,
      exactRun: runs.find((r) => r.mainSha === mainSha) ?? null,
      latestRun: runs[0] ?? null
    })
    return { ...base, commits, checks, mergeable: checks.every((c) => c.status === 'passed') }
  }

  /** The checks of every open pull request, newest first. */
  async openChecks(): Promise<PullChecks[]> {
    const open = (await this.list()).filter((p) => p.state === 'open')
    const views = await Promise.all(open.map((p) => this.view(p)))
    return views.map((v) => ({
      branch: v.pullRequest.branch,
      checks: v.checks.map(({ name, status, summary }) => ({ name, status, summary }))
    }))
  }

  /**
   * Opens a pull request for `branch`: its ticket from the branch name, the title and
   * description from the ticket unless given; the branch is pushed to origin first when there
   * is one (offline, it opens anyway and says the push is still to do).
   */
  async open(input: {
    readonly branch: string
    readonly title?: string
    readonly description?: string
  }): Promise<OpenedPullRequest> {
    const { repo, mainBranch, config } = this.options
    const branch = plainBranchName(input.branch)
    if (branch === mainBranch) {
      throw new ExpectedError(
        'bad-request',
        `${mainBranch} is the main branch; open a pull request for a branch of it`
      )
    }
    const refs = await readPullRefs(repo, branch, mainBranch)
    if (!refs.head) {
      throw new ExpectedError('not-found', `no branch named ${JSON.stringify(branch)}`, { branch })
    }
    const existing = (await this.list()).find((p) => p.branch === branch && p.state === 'open')
    if (existing) {
      throw new ExpectedError(
        'conflict',
        `${branch} already has an open pull request: ${existing.title}`,
        { id: existing.id }
      )
    }
    let push: PushResult = { kind: 'no-origin' }
    if (refs.head.kind === 'local') {
      push = await pushToOrigin(repo, refs.head.sha, branch)
      if (push.kind === 'rejected') {
        throw new ExpectedError(
          'conflict',
          `origin's ${branch} has commits your branch lacks; bring them in first (${push.message})`,
          { branch }
        )
      }
    }
    const ticket = findTickets(branch, config.tickets.pattern)[0] ?? null
    const described = ticket ? await this.options.tickets?.describe(ticket) : null
    const title = input.title?.trim() || (described ? `${ticket} ${described.title}` : branch)
    const id = randomBytes(8).toString('hex')
    await this.options.store.append({
      path: PULLS + id,
      type: PR_OPS.open,
      data: {
        branch,
        title: title.slice(0, 200),
        description: (input.description ?? described?.description ?? '').slice(0, MAX_BODY),
        ticket,
        base: mainBranch,
        head: refs.head.sha
      },
      summary: `Pull request: ${title}`,
      mode: 'create'
    })
    if (ticket) await this.options.tickets?.advance(ticket, 'in-review')
    await this.publish()
    return { view: await this.view(await this.find(id)), push }
  }

  /**
   * Approves or requests changes on the branch's current tip. An approval from someone who
   * authored any of the branch's commits is refused, naming the commit.
   */
  async review(branchOrId: string, verdict: ReviewVerdict, body = ''): Promise<PullRequestView> {
    const pr = await this.requireOpen(branchOrId)
    const { repo, mainBranch, config } = this.options
    const refs = await readPullRefs(repo, pr.branch, mainBranch)
    if (!refs.head) throw new ExpectedError('not-found', `the branch ${pr.branch} is gone`)
    const me = await readIdentity(repo)
    if (verdict === 'approve') {
      const commits = await readPullCommits(
        repo,
        refs.head.sha,
        refs.main?.sha ?? null,
        config.tickets.pattern
      )
      const mine = commits.filter((c) => c.authorEmail.toLowerCase() === me.email.toLowerCase())
      if (commitAuthors(commits).has(me.email.toLowerCase()) && mine[0]) {
        throw new ExpectedError(
          'conflict',
          `you (${me.email}) authored ${mine.length} of this branch's commits (${mine[0].sha.slice(0, 8)} "${mine[0].subject}"); the approval must come from someone who authored none of them`,
          { reason: 'own-commits', commit: mine[0].sha }
        )
      }
    }
    await this.append(
      pr,
      PR_OPS.review,
      { verdict, body: body.slice(0, MAX_BODY), commit: refs.head.sha },
      `${verdict === 'approve' ? 'Approve' : 'Request changes on'} ${pr.branch}`
    )
    return this.view(await this.find(pr.id))
  }

  /** Adds a review comment, on the whole pull request or on a line of a changed file. */
  async comment(
    branchOrId: string,
    input: {
      readonly body: string
      readonly path?: string
      readonly line?: number
      readonly side?: 'old' | 'new'
    }
  ): Promise<PullRequestView> {
    const pr = await this.find(branchOrId)
    const body = input.body.trim()
    if (!body) throw new ExpectedError('bad-request', 'a comment needs some text')
    const data: Record<string, unknown> = { body: body.slice(0, MAX_BODY) }
    if (input.path !== undefined) {
      const files = await this.changedFiles(pr.id)
      if (!files.files.some((f) => f.path === input.path)) {
        throw new ExpectedError(
          'not-found',
          `${input.path} is not a changed file of this pull request`
        )
      }
      Object.assign(data, {
        path: input.path,
        line: input.line ?? null,
        side: input.side ?? 'new',
        commit: files.head
      })
    }
    await this.append(pr, PR_OPS.comment, data, `Comment on ${pr.branch}`)
    return this.view(await this.find(pr.id))
  }

  /** Closes an open pull request without merging it. */
  async close(branchOrId: string): Promise<PullRequestView> {
    const pr = await this.requireOpen(branchOrId)
    await this.append(pr, PR_OPS.close, {}, `Close ${pr.branch}`)
    return this.view(await this.find(pr.id))
  }

  /** The files changed from the merge base with main to the branch tip (or as merged). */
  async changedFiles(branchOrId: string): Promise<ChangedFiles> {
    const { base, head } = await this.range(await this.find(branchOrId))
    return { base, head, files: await changedFiles(this.options.repo, base, head) }
  }

  /** Rows `offset` … `offset + limit` of one changed file's diff. */
  async fileDiff(branchOrId: string, path: string, offset = 0, limit = 1000): Promise<FileDiff> {
    const { base, head, files } = await this.changedFiles(branchOrId)
    const file = files.find((f) => f.path === path)
    if (!file)
      throw new ExpectedError('not-found', `${path} is not a changed file of this pull request`)
    return this.diffs.window(base, head, file, offset, limit)
  }

  /**
   * Deletes a merged pull request's branch, here and on origin, each only if it still points
   * where it did (never a branch that is checked out).
   */
  async deleteBranch(branchOrId: string): Promise<{ local: boolean; origin: PushResult }> {
    const pr = await this.find(branchOrId)
    if (pr.state !== 'merged') {
      throw new ExpectedError(
        'conflict',
        `${pr.branch} is not merged; only a merged pull request's branch is deleted`
      )
    }
    const { repo, mainBranch } = this.options
    const refs = await readPullRefs(repo, pr.branch, mainBranch)
    let local = false
    if (refs.head?.kind === 'local') {
      const head = await runGit(repo, ['symbolic-ref', '--quiet', 'HEAD'], {
        okExitCodes: [0, 1, 128]
      })
      if (head.stdout.trim() === `refs/heads/${pr.branch}`) {
        throw new ExpectedError(
          'conflict',
          `${pr.branch} is checked out; switch to another branch first`
        )
      }
      await runGit(repo, ['update-ref', '-d', `refs/heads/${pr.branch}`, refs.head.sha])
      local = true
    }
    const remote = (await readPullRefs(repo, pr.branch, mainBranch)).head
    const origin: PushResult =
      remote && remote.kind === 'remote'
        ? await deleteOnOrigin(repo, pr.branch, remote.sha)
        : { kind: (await this.options.sync.hasOrigin()) ? 'pushed' : 'no-origin' }
    return { local, origin }
  }

  /** The open pull request of `branchOrId`, or why it is not open. */
  async requireOpen(branchOrId: string): Promise<PullRequest> {
    const pr = await this.find(branchOrId)
    if (pr.state !== 'open') {
      throw new ExpectedError('conflict', `the pull request for ${pr.branch} is ${pr.state}`, {
        state: pr.state
      })
    }
    return pr
  }

  /** Appends one operation to a pull request and publishes it (when origin answers). */
  async append(
    pr: PullRequest,
    type: string,
    data: Record<string, unknown>,
    summary: string
  ): Promise<void> {
    await this.options.store.append({ path: PULLS + pr.id, type, data, summary, mode: 'append' })
    await this.publish()
  }

  private async publish(): Promise<void> {
    // Offline or without origin the operation stays here and goes out with the next sync.
    if (await this.options.sync.hasOrigin()) await this.options.sync.publish()
  }

  private async range(pr: PullRequest): Promise<{ base: string; head: string }> {
    const { repo, mainBranch } = this.options
    if (pr.merged) {
      const base = (await mergeBase(repo, pr.merged.main, pr.merged.head)) ?? pr.merged.main
      return { base, head: pr.merged.head }
    }
    const refs = await readPullRefs(repo, pr.branch, mainBranch)
    if (!refs.head) throw new ExpectedError('not-found', `the branch ${pr.branch} is gone`)
    if (!refs.main) return { base: refs.head.sha, head: refs.head.sha }
    const base = (await mergeBase(repo, refs.main.sha, refs.head.sha)) ?? refs.main.sha
    return { base, head: refs.head.sha }
  }
}
