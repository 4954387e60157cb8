/**
 * Sync of team state through origin, with no server of our own:
 *   1. fetch origin's `refs/slipway/*` into `refs/slipway-remote/origin/*` (one fetch);
 *   2. merge each entity's log with origin's by union: fast-forward when one contains the
 *      other, else a merge commit joining both (deterministic: the same two parents always
 *      give the same commit, so two clones merging alike agree byte for byte); logs declared
 *      linear (key-block claims) have their local-only operations replayed on origin's tip;
 *   3. push what origin lacks as a compare-and-swap against what was fetched, and start over
 *      from the fetch when origin moved in between.
 * A remote or local ref that cannot be read is reported by name and left alone.
 */
import { ExpectedError } from '../errors'
import { GitError } from '../git/runner'
import { packRefs } from './git-write'
import { fetchTeamState, originUrl, pushTeamState, type PushUpdate } from './git-remote'
import { commitObject, encodeMessage, isBad, MERGE_TYPE, type OpAuthor } from './op-codec'
import { localRef, remoteRef } from './ref-names'
import type { RefProblem, TeamStateStore } from './store'

/** How a sync ended. */
export type SyncOutcome =
  | { readonly kind: 'no-origin' }
  | { readonly kind: 'offline'; readonly message: string; readonly problems: readonly RefProblem[] }
  | {
      readonly kind: 'synced'
      /** Entities that changed here because of origin (new, fast-forwarded or merged). */
      readonly received: number
      /** Entities whose concurrent histories were joined. */
      readonly merged: number
      /** Entities pushed to origin. */
      readonly pushed: number
      /** Fetches made (more than one when origin moved during the sync). */
      readonly attempts: number
      readonly problems: readonly RefProblem[]
    }

/** Options of {@link syncTeamState}. */
export interface SyncOptions {
  /** More refspecs for the same fetch (origin's branches, so one sync brings both). */
  readonly extraRefspecs?: readonly string[]
  /** Entity paths whose logs stay linear (replayed, never merged). */
  readonly isLinear?: (path: string) => boolean
  /** Phase changes, for a progress line. */
  readonly onPhase?: (phase: 'fetch' | 'merge' | 'push') => void
  /** How long one fetch or push may take (`timeouts.fetchSeconds`); default 60 s. */
  readonly networkTimeoutMs?: number
}

const MAX_ATTEMPTS = 6
// A sync that wrote this many refs (a first sync of a big team) packs them, as `git gc` would.
const PACK_AFTER = 500
const MERGE_AUTHOR: OpAuthor = { name: 'Slipway', email: 'merge@slipway.invalid' }

interface Plan {
  readonly localUpdates: { ref: string; newSha: string; oldSha: string | null }[]
  readonly pushes: PushUpdate[]
  readonly problems: RefProblem[]
  received: number
  merged: number
}

/** Runs one sync of `store`'s repository with origin; see the module comment. */
export async function syncTeamState(
  store: TeamStateStore,
  options: SyncOptions = {}
): Promise<SyncOutcome> {
  if (!(await originUrl(store.repo))) return { kind: 'no-origin' }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    options.onPhase?.('fetch')
    try {
      await fetchTeamState(store.repo, options.extraRefspecs, options.networkTimeoutMs)
    } catch (err) {
      if (!(err instanceof GitError)) throw err
      return { kind: 'offline', message: err.message, problems: [] }
    }
    options.onPhase?.('merge')
    const plan = await planSync(store, options.isLinear ?? (() => false))
    if (!(await store.casRefs(plan.localUpdates))) continue // a local append raced us
    if (plan.localUpdates.length >= PACK_AFTER) await packRefs(store.repo)
    if (plan.pushes.length > 0) {
      options.onPhase?.('push')
      const pushed = await pushTeamState(store.repo, plan.pushes, options.networkTimeoutMs)
      if (pushed.kind === 'unreachable') {
        return { kind: 'offline', message: pushed.message, problems: plan.problems }
      }
      if (pushed.kind === 'rejected') {
        await backOff(attempt)
        continue
      }
      // Mirror what origin now holds, so the next sync with nothing new pushes nothing.
      await store.casRefs(
        plan.pushes.map((p) => ({
          ref: remoteRef(pathOf(p.ref)),
          newSha: p.sha,
          oldSha: p.expected
        }))
      )
    }
    return {
      kind: 'synced',
      received: plan.received,
      merged: plan.merged,
      pushed: plan.pushes.length,
      attempts: attempt,
      problems: plan.problems
    }
  }
  throw new ExpectedError(
    'conflict',
    `origin's team state kept changing during ${MAX_ATTEMPTS} attempts; sync again`
  )
}

function pathOf(ref: string): string {
  return ref.slice(localRef('').length)
}

async function backOff(attempt: number): Promise<void> {
  // Jitter so two clones that raced do not race again in lockstep.
  await new Promise((r) => setTimeout(r, Math.random() * 40 * attempt))
}

async function planSync(store: TeamStateStore, isLinear: (path: string) => boolean): Promise<Plan> {
  const refs = await store.readRefs()
  const failed = await store.load([...refs.local.values(), ...refs.remote.values()])
  const plan: Plan = {
    localUpdates: [],
    pushes: [],
    problems: [...refs.problems],
    received: 0,
    merged: 0
  }
  const readable = (ref: string, sha: string | undefined): boolean => {
    if (!sha) return false
    const reason = failed.get(sha) ?? (store.history(sha).ok ? null : historyReason(store, sha))
    if (reason) plan.problems.push({ ref, reason })
    return !reason
  }
  let maxClock = 0
  const paths = new Set([...refs.local.keys(), ...refs.remote.keys()])
  for (const path of [...paths].sort()) {
    const l = refs.local.get(path)
    const r = refs.remote.get(path)
    if (r && !readable(remoteRef(path), r)) continue // never merged, never pushed over
    if (l && !readable(localRef(path), l)) continue
    for (const tip of [l, r]) {
      const h = tip ? store.history(tip) : null
      if (h?.ok && h.maxClock > maxClock) maxClock = h.maxClock
    }
    const ref = localRef(path)
    if (!l && r) {
      plan.localUpdates.push({ ref, newSha: r, oldSha: null })
      plan.received += 1
    } else if (l && !r) {
      plan.pushes.push({ ref, sha: l, expected: null })
    } else if (l && r && l !== r) {
      if (store.commits.isAncestor(l, r)) {
        plan.localUpdates.push({ ref, newSha: r, oldSha: l })
        plan.received += 1
      } else if (store.commits.isAncestor(r, l)) {
        plan.pushes.push({ ref, sha: l, expected: r })
      } else {
        const joined = isLinear(path) ? await replay(store, l, r) : await mergeCommit(store, l, r)
        plan.localUpdates.push({ ref, newSha: joined, oldSha: l })
        plan.pushes.push({ ref, sha: joined, expected: r })
        plan.received += 1
        plan.merged += 1
      }
    }
  }
  await store.local.witness(maxClock)
  return plan
}

function historyReason(store: TeamStateStore, sha: string): string | null {
  const h = store.history(sha)
  return h.ok ? null : h.reason
}

/** The merge commit of two tips: parents sorted, clock and date from the parents only. */
async function mergeCommit(store: TeamStateStore, a: string, b: string): Promise<string> {
  const parents = [a, b].sort()
  const heads = parents.map((p) => store.commits.get(p))
  let clock = 0
  let time = 0
  for (const h of heads) {
    if (!h || isBad(h)) throw new Error(`merge of an unread commit`)
    clock = Math.max(clock, h.clock)
    time = Math.max(time, h.time)
  }
  const message = encodeMessage('Merge concurrent team-state changes', {
    clock: clock + 1,
    type: MERGE_TYPE
  })
  const text = commitObject({
    tree: await store.emptyTree(),
    parents,
    author: MERGE_AUTHOR,
    timeMs: time,
    message
  })
  const sha = await store.writeObject(text)
  store.remember({
    sha,
    summary: 'Merge concurrent team-state changes',
    parents,
    author: MERGE_AUTHOR,
    time,
    clock: clock + 1,
    type: MERGE_TYPE,
    data: {}
  })
  return sha
}

/** Replays the operations only in `local` on top of `remote`, oldest first; answers the new tip. */
async function replay(store: TeamStateStore, local: string, remote: string): Promise<string> {
  let tip = remote
  const base = store.commits.get(remote)
  let parentClock = base && !isBad(base) ? base.clock : 0
  for (const op of store.commits.onlyIn(local, remote)) {
    if (op.type === MERGE_TYPE) continue
    const clock = await store.local.tick(parentClock)
    const message = encodeMessage(op.summary, { clock, type: op.type, data: op.data })
    const text = commitObject({
      tree: await store.emptyTree(),
      parents: [tip],
      author: op.author,
      timeMs: op.time,
      message
    })
    const sha = await store.writeObject(text)
    store.remember({ ...op, sha, parents: [tip], clock })
    tip = sha
    parentClock = clock
  }
  return tip
}
