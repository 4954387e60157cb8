import type { Branch, BranchTestState, Release, TestRun } from '../../../shared'
import type { PullRequest } from '../../../shared/pull-request-models'
import type { Ticket } from '../../../shared/ticket-models'

/** A column of the pipeline: the fixed stages before main, then each environment in order. */
export type StageId = 'branch' | 'tests' | 'pull-request' | 'main' | `env:${string}`

/** What a card shows about the tests of the work it stands for. */
export type PipelineTest = 'passed' | 'failed' | 'running' | 'queued' | 'none'

/** One piece of work in flight: a ticket (or a branch without one) at its furthest stage. */
export interface PipelineItem {
  /** The ticket key, or the branch name when the branch names no ticket. */
  readonly key: string
  readonly title: string
  /** The branch it lives on (before main), else null. */
  readonly branch: string | null
  readonly test: PipelineTest
}

/** One column: its stage, heading, and the work there. */
export interface PipelineColumn {
  readonly id: StageId
  readonly title: string
  readonly items: readonly PipelineItem[]
  /** Last environment only: tickets shipped by earlier releases, not listed. */
  readonly earlier: number
}

/** What the pipeline is computed from: the stores' state, plain. */
export interface PipelineInput {
  readonly mainBranch: string
  readonly branches: readonly Branch[]
  readonly testStates: Readonly<Record<string, BranchTestState>>
  readonly pulls: readonly PullRequest[]
  readonly tickets: readonly Ticket[]
  /** Newest first, as `releases.list` answers. */
  readonly releases: readonly Release[]
  /** Environments in config order with the release their hosts serve (null: none, unread). */
  readonly environments: readonly { readonly name: string; readonly release: string | null }[]
}

function testOf(run: TestRun | null | undefined): PipelineTest {
  if (!run) return 'none'
  switch (run.status) {
    case 'passed':
      return 'passed'
    case 'queued':
      return 'queued'
    case 'running':
      return 'running'
    default:
      return 'failed'
  }
}

/** Every ticket a release carries: its own and those of the releases before it. */
export function ticketsUpTo(releaseId: string | null, releases: readonly Release[]): Set<string> {
  const byId = new Map(releases.map((r) => [r.id, r]))
  const out = new Set<string>()
  const seen = new Set<string>()
  let at = releaseId === null ? undefined : byId.get(releaseId)
  while (at && !seen.has(at.id)) {
    seen.add(at.id)
    for (const key of at.tickets) out.add(key)
    at = at.previousId === null ? undefined : byId.get(at.previousId)
  }
  return out
}

/**
 * Places every ticket in flight at its furthest stage: in an environment when the release its
 * hosts serve carries it (the last one lists only its current release's tickets, and counts the
 * earlier ones), on main when a release or a merged pull request has it, at pull request with an
 * open one, at tests once its branch tip was tested, else at branch. A branch naming no ticket
 * stands for itself.
 */
export function buildPipeline(input: PipelineInput): PipelineColumn[] {
  const titles = new Map<string, string>()
  // Shipped tickets are not in the tracker's open list: their commit subjects name them.
  for (const r of input.releases) {
    for (const c of r.commits) {
      for (const key of r.tickets) if (c.subject.includes(key)) titles.set(key, c.subject)
    }
  }
  for (const t of input.tickets) titles.set(t.key, t.title)
  const titleOf = (key: string, fallback = ''): string =>
    withoutKey(key, titles.get(key) ?? fallback)
  const envSets = input.environments.map((e) => ticketsUpTo(e.release, input.releases))
  const released = new Set(input.releases.flatMap((r) => r.tickets))
  const merged = new Set<string>()
  for (const p of input.pulls) if (p.state === 'merged' && p.ticket) merged.add(p.ticket)
  const openPull = new Map<string, PullRequest>()
  for (const p of input.pulls) if (p.state === 'open') openPull.set(p.branch, p)

  const columns = new Map<StageId, PipelineItem[]>()
  const put = (stage: StageId, item: PipelineItem): void => {
    columns.set(stage, [...(columns.get(stage) ?? []), item])
  }
  const placed = new Set<string>()
  const envStage = (key: string): number => {
    for (let i = envSets.length - 1; i >= 0; i--) if (envSets[i]?.has(key)) return i
    return -1
  }

  // Work still on branches, furthest branch first so a ticket sits where it got furthest.
  const seenBranch = new Set<string>()
  const work = input.branches.filter((b) => {
    const name = b.kind === 'remote' ? b.name.replace(/^[^/]+\//, '') : b.name
    if (b.isMain || name === input.mainBranch || seenBranch.has(name)) return false
    seenBranch.add(name)
    return true
  })
  const rank = (b: Branch): number =>
    openPull.has(b.name) ? 2 : input.testStates[b.name]?.tip ? 1 : 0
  for (const b of [...work].sort((x, y) => rank(y) - rank(x))) {
    const keys = b.tickets.length > 0 ? b.tickets : [b.name]
    for (const key of keys) {
      if (placed.has(key)) continue
      if (envStage(key) >= 0 || released.has(key) || merged.has(key)) continue
      placed.add(key)
      const state = input.testStates[b.name]
      const pull = openPull.get(b.name)
      const item: PipelineItem = {
        key,
        title: titleOf(key, pull?.title ?? b.subject),
        branch: b.name,
        test: testOf(pull ? (state?.merge ?? state?.tip) : state?.tip)
      }
      put(pull ? 'pull-request' : state?.tip ? 'tests' : 'branch', item)
    }
  }

  // Work past main: by the environments' releases, newest knowledge first.
  const last = input.environments.length - 1
  const lastRelease = input.releases.find((r) => r.id === input.environments[last]?.release)
  const current = new Set(lastRelease?.tickets ?? [])
  let earlier = 0
  for (const key of new Set([...released, ...merged, ...envSets.flatMap((s) => [...s])])) {
    if (placed.has(key)) continue
    placed.add(key)
    const at = envStage(key)
    if (at === last && last >= 0 && !current.has(key)) {
      earlier++
      continue
    }
    const item = { key, title: titleOf(key), branch: null, test: 'none' as const }
    put(at >= 0 ? `env:${input.environments[at]?.name ?? ''}` : 'main', item)
  }

  const fixed: { id: StageId; title: string }[] = [
    { id: 'branch', title: 'Branch' },
    { id: 'tests', title: 'Tests' },
    { id: 'pull-request', title: 'Pull request' },
    { id: 'main', title: input.mainBranch }
  ]
  const envs = input.environments.map((e) => ({ id: `env:${e.name}` as StageId, title: e.name }))
  return [...fixed, ...envs].map((c) => ({
    ...c,
    items: columns.get(c.id) ?? [],
    earlier: c.id === `env:${input.environments[last]?.name}` ? earlier : 0
  }))
}

/** A title without the key it starts with ("ORD-1 Fix it", "ORD-1: Fix it" → "Fix it"). */
function withoutKey(key: string, title: string): string {
  return title.startsWith(key) ? title.slice(key.length).replace(/^[\s:–—-]+/, '') : title
}
