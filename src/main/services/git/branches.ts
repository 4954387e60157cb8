import type { Branch, BranchListing, Commit } from '../../../shared/models'
import { ExpectedError } from '../errors'
import { compareWithMain, computeMainLine, VisitMarks, type MainLine } from './ahead-behind'
import { CommitGraph } from './graph'
import { readCommitInfo, readCommits, type CommitInfo } from './log'
import { readBranchRefs, type BranchRef } from './refs'
import { findTickets, mergeTickets } from './tickets'

export { findTickets } from './tickets'

/** What a {@link BranchReader} needs from the workspace config. */
export interface BranchReaderOptions {
  readonly mainBranch: string
  /** Ticket key pattern, applied as a global regular expression. */
  readonly ticketPattern: string
}

/** Ahead/behind and commit tickets of one tip, valid while main's tip stays the same. */
interface TipFacts {
  readonly ahead: number
  readonly behind: number
  readonly tickets: readonly string[]
}

/** The ref that stands for main: the local branch, else origin's. */
function findMain(refs: readonly BranchRef[], mainBranch: string): BranchRef | undefined {
  return (
    refs.find((r) => r.ref === `refs/heads/${mainBranch}`) ??
    refs.find((r) => r.ref === `refs/remotes/origin/${mainBranch}`)
  )
}

/**
 * Reads the branches of one repository with a fixed number of git processes, whatever the
 * number of branches: one `for-each-ref` for the refs, then, side by side, one `rev-list` walk
 * (parents and subjects) for the commits not seen before and one `rev-list --no-walk` for the
 * subject, author and date of tips not seen before; ahead/behind and tickets are computed in
 * memory. The commit graph is kept between calls, so a refresh after a few refs moved only
 * walks the new commits, and a refresh where nothing moved runs `for-each-ref` alone.
 */
export class BranchReader {
  private readonly graph = new CommitGraph()
  private readonly marks = new VisitMarks(0)
  private main: MainLine | null = null
  /** Per tip sha, for the current main tip. */
  private facts = new Map<string, TipFacts>()
  private readonly commitTickets = new Map<number, readonly string[]>()
  /** Subject, author and date of the current tips. */
  private tipInfo = new Map<string, CommitInfo>()
  /** Each ref's sha at the last listing. */
  private lastRefs = new Map<string, string>()
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly repoPath: string,
    private readonly options: BranchReaderOptions
  ) {}

  /** Every local and origin branch with tip, ahead/behind main and tickets. */
  list(): Promise<BranchListing> {
    return this.serialized(() => this.read())
  }

  /**
   * Commits on branch `name` (short name or full ref, exactly as listed) that are not on
   * main, newest first, at most `limit`. An unknown name is an `ExpectedError('not-found')`.
   */
  commitsAhead(name: string, limit = 100): Promise<Commit[]> {
    return this.serialized(async () => {
      const refs = await readBranchRefs(this.repoPath)
      const branch = refs.find((r) => r.name === name) ?? refs.find((r) => r.ref === name)
      if (!branch) {
        throw new ExpectedError('not-found', `no branch named ${JSON.stringify(name)}`, { name })
      }
      const main = findMain(refs, this.options.mainBranch)
      return readCommits(this.repoPath, {
        tip: branch.sha,
        exclude: main ? main.sha : null,
        limit,
        ticketPattern: this.options.ticketPattern
      })
    })
  }

  // Calls run one at a time so the kept graph is never extended by two walks at once.
  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async read(): Promise<BranchListing> {
    const started = performance.now()
    const readAt = new Date().toISOString()
    const refs = await readBranchRefs(this.repoPath)
    const mainRef = findMain(refs, this.options.mainBranch)
    const tips = [...new Set(refs.map((r) => r.sha))]
    const unknownInfo = tips.filter((t) => !this.tipInfo.has(t))
    const [, infos] = await Promise.all([
      this.graph.walk(this.repoPath, tips, this.stopsFor(refs)),
      readCommitInfo(this.repoPath, unknownInfo)
    ])
    const tipInfo = new Map<string, CommitInfo>()
    for (const t of tips) {
      const info = this.tipInfo.get(t) ?? infos.get(t)
      if (info) tipInfo.set(t, info)
    }
    this.tipInfo = tipInfo
    this.lastRefs = new Map(refs.map((r) => [r.ref, r.sha]))

    const mainTip = mainRef ? (this.graph.idFor(mainRef.sha) ?? null) : null
    if (mainTip !== (this.main?.tip ?? null)) {
      // Facts are relative to main's tip; when it moves (or appears, or goes) they all go.
      this.facts = new Map()
      this.main = mainTip === null ? null : computeMainLine(this.graph, mainTip)
    }

    const branches: Branch[] = refs.map((r) => {
      const facts = this.factsFor(r.sha)
      const info = tipInfo.get(r.sha)
      const tickets = findTickets(r.name, this.options.ticketPattern)
      mergeTickets(tickets, facts.tickets)
      return {
        name: r.name,
        ref: r.ref,
        kind: r.kind,
        sha: r.sha,
        subject: info?.subject ?? '',
        author: info?.author ?? '',
        date: info?.date ?? '',
        ahead: facts.ahead,
        behind: facts.behind,
        tickets,
        isMain: mainRef !== undefined && r.ref === mainRef.ref
      }
    })
    return {
      mainBranch: this.options.mainBranch,
      mainSha: mainRef?.sha ?? null,
      branches,
      readAt,
      tookMs: Math.round((performance.now() - started) * 10) / 10
    }
  }

  /**
   * Commits already in the graph where the next walk may stop: where each moved ref was
   * before, and main's tips. Every known commit would do, but git reads each negative before
   * walking, and thousands of them cost more than the few new commits of a refresh.
   */
  private stopsFor(refs: readonly BranchRef[]): string[] {
    const stops = new Set<string>()
    for (const r of refs) {
      if (this.graph.has(r.sha)) continue
      const before = this.lastRefs.get(r.ref)
      if (before) stops.add(before)
    }
    if (stops.size === 0 && refs.every((r) => this.graph.has(r.sha))) return []
    const main = this.options.mainBranch
    for (const ref of [`refs/heads/${main}`, `refs/remotes/origin/${main}`]) {
      const before = this.lastRefs.get(ref)
      if (before) stops.add(before)
      const now = refs.find((r) => r.ref === ref)
      if (now) stops.add(now.sha)
    }
    return [...stops]
  }

  private factsFor(sha: string): TipFacts {
    let facts = this.facts.get(sha)
    if (facts) return facts
    const id = this.graph.idFor(sha)
    if (id === undefined) throw new Error(`commit ${sha} missing from the walked graph`)
    const cmp = compareWithMain(this.graph, this.main, id, this.marks)
    const tickets: string[] = []
    for (const c of cmp.aheadIds) mergeTickets(tickets, this.ticketsOf(c))
    facts = { ahead: cmp.ahead, behind: cmp.behind, tickets }
    this.facts.set(sha, facts)
    return facts
  }

  private ticketsOf(id: number): readonly string[] {
    let keys = this.commitTickets.get(id)
    if (!keys) {
      keys = findTickets(this.graph.subject(id), this.options.ticketPattern)
      this.commitTickets.set(id, keys)
    }
    return keys
  }
}
