/**
 * The team-state store of one repository: reads every entity log under `refs/slipway/`
 * (one `for-each-ref`, one `cat-file --batch-check`, one streamed `rev-list` for whatever is
 * new) and appends operations as commits with a compare-and-swap on the entity's ref.
 */
import { ExpectedError } from '../errors'
import { GitError } from '../git/runner'
import { CommitCache, type History, type Operation } from './commit-cache'
import {
  commonGitDir,
  listTeamRefs,
  objectTypes,
  readCommitRecords,
  readTipCommit
} from './git-read'
import { readIdentity, updateRefsAtomically, writeCommitObject, writeEmptyTree } from './git-write'
import { LocalState } from './local-state'
import {
  commitObject,
  decodeCommit,
  encodeMessage,
  isBad,
  type OpAuthor,
  type OpCommit
} from './op-codec'
import { entityPathOf, isEntityPath, LOCAL_PREFIX, localRef, REMOTE_PREFIX } from './ref-names'

/** A ref that cannot be read as an entity log, by its full name, with the reason. */
export interface RefProblem {
  readonly ref: string
  readonly reason: string
}

/** One entity: its path under `refs/slipway/`, its tip and its operations in fold order. */
export interface EntityLog {
  readonly path: string
  readonly tip: string
  readonly ops: readonly Operation[]
}

/** The refs of both namespaces by entity path, plus refs that are not usable at all. */
export interface RefsSnapshot {
  readonly local: ReadonlyMap<string, string>
  readonly remote: ReadonlyMap<string, string>
  readonly problems: readonly RefProblem[]
}

/** Every readable local entity, and every ref that was skipped with its reason. */
export interface TeamSnapshot {
  readonly entities: ReadonlyMap<string, EntityLog>
  readonly remote: ReadonlyMap<string, string>
  readonly problems: readonly RefProblem[]
}

/** What to append. `mode`: `create` (the entity must be new), `append` (it must exist), `upsert`. */
export interface AppendInput {
  readonly path: string
  readonly type: string
  readonly data: Readonly<Record<string, unknown>>
  /** The commit subject people see in `git log`; the type when empty. */
  readonly summary?: string
  readonly mode: 'create' | 'append' | 'upsert'
  /**
   * Who wrote it and when, for records brought in from elsewhere (the demo's history, an
   * import) that keep their original author and time; default: the git identity, now.
   */
  readonly author?: OpAuthor
  readonly timeMs?: number
}

const APPEND_ATTEMPTS = 8
const IDENTITY_TTL_MS = 10_000

/** The store; one per repository and process (it caches what it has read). */
export class TeamStateStore {
  /** Parsed commits, shared by reads, appends and sync. */
  readonly commits = new CommitCache()
  private readonly histories = new Map<string, History>()
  private readonly loadedTips = new Set<string>()
  private tree: string | null = null
  private appending: Promise<unknown> = Promise.resolve()
  /** The tip each local entity had when this process last read or moved it. */
  private readonly tips = new Map<string, string>()
  private author: { value: OpAuthor; at: number } | null = null

  private constructor(
    /** The repository's work tree (or bare git dir). */
    readonly repo: string,
    /** Clock and replica id of this clone. */
    readonly local: LocalState
  ) {}

  /** The store of the repository at `repo`. */
  static async open(repo: string): Promise<TeamStateStore> {
    const dir = await commonGitDir(repo)
    return new TeamStateStore(repo, new LocalState(`${dir}/slipway`, dir))
  }

  /**
   * The refs of both namespaces (or only the local one); malformed names and broken refs are
   * reported, not listed.
   */
  async readRefs(localOnly = false): Promise<RefsSnapshot> {
    const prefixes = localOnly ? [LOCAL_PREFIX] : [LOCAL_PREFIX, REMOTE_PREFIX]
    const { refs, broken } = await listTeamRefs(this.repo, prefixes)
    const local = new Map<string, string>()
    const remote = new Map<string, string>()
    const problems: RefProblem[] = broken.map((ref) => ({ ref, reason: 'the ref file is corrupt' }))
    for (const { ref, sha } of refs) {
      const at = entityPathOf(ref)
      if (!at) continue
      if (!isEntityPath(at.path)) {
        problems.push({ ref, reason: 'not a Slipway entity name' })
        continue
      }
      ;(at.side === 'local' ? local : remote).set(at.path, sha)
    }
    this.tips.clear()
    for (const [path, sha] of local) this.tips.set(path, sha)
    return { local, remote, problems }
  }

  /**
   * Reads the histories under `tips` that are not in memory yet; answers the tips that could
   * not be read (not a commit, a missing object) with the reason.
   */
  async load(tips: Iterable<string>): Promise<Map<string, string>> {
    const failed = new Map<string, string>()
    const fresh = [...new Set(tips)].filter((t) => !this.loadedTips.has(t))
    if (fresh.length === 0) return failed
    try {
      // The common case: every tip is a readable commit, one walk reads them all.
      await this.readNew(fresh)
      return failed
    } catch (err) {
      if (!(err instanceof GitError)) throw err
    }
    // Something is broken: find which tips are not commits, then read the rest one by one.
    const types = await objectTypes(this.repo, fresh)
    for (const tip of fresh) {
      const type = types.get(tip) ?? 'missing'
      if (type !== 'commit') {
        failed.set(tip, type === 'missing' ? 'points at a missing object' : `points at a ${type}`)
        continue
      }
      try {
        await this.readNew([tip])
      } catch (e) {
        if (!(e instanceof GitError)) throw e
        failed.set(tip, `its history cannot be read (${e.message})`)
      }
    }
    return failed
  }

  /** The history under `tip` once loaded (memoised: commits never change). */
  history(tip: string): History {
    const known = this.histories.get(tip)
    if (known) return known
    const h = this.commits.history(tip)
    // Only a readable history is final; a missing commit may arrive with the next fetch.
    if (h.ok) this.histories.set(tip, h)
    return h
  }

  /**
   * Every local entity whose path passes `filter`, folded into its operations; unreadable refs
   * are reported by name and skipped. Witnesses the clocks read.
   */
  async snapshot(filter: (path: string) => boolean = () => true): Promise<TeamSnapshot> {
    const refs = await this.readRefs(true)
    const wanted = [...refs.local].filter(([path]) => filter(path))
    const failed = await this.load(wanted.map(([, sha]) => sha))
    const problems = [...refs.problems]
    const entities = new Map<string, EntityLog>()
    let maxClock = 0
    for (const [path, tip] of wanted) {
      const why = failed.get(tip)
      const h = why ? { ok: false as const, reason: why } : this.history(tip)
      if (!h.ok) {
        problems.push({ ref: localRef(path), reason: h.reason })
        continue
      }
      if (h.maxClock > maxClock) maxClock = h.maxClock
      entities.set(path, { path, tip, ops: h.ops })
    }
    await this.local.witness(maxClock)
    return { entities, remote: refs.remote, problems }
  }

  /** One local entity's log, or null when it does not exist; throws when it is unreadable. */
  async entity(path: string): Promise<EntityLog | null> {
    const tip = await readTipCommit(this.repo, localRef(path)).catch(() => null)
    if (!tip) return null
    const failed = await this.load([tip.sha])
    const h = failed.has(tip.sha) ? null : this.history(tip.sha)
    if (!h || !h.ok) {
      const reason = h && !h.ok ? h.reason : failed.get(tip.sha)
      throw new ExpectedError('conflict', `${localRef(path)} cannot be read: ${reason}`, {
        ref: localRef(path)
      })
    }
    return { path, tip: tip.sha, ops: h.ops }
  }

  /**
   * Appends one operation as a commit on the entity's ref: author = the git identity, time =
   * now, clock = past everything this clone has seen. The ref moves only if nobody moved it
   * in between (else the append is redone on the new tip), so concurrent writers in this
   * repository never lose each other's operations.
   */
  append(input: AppendInput): Promise<Operation> {
    // Appends of one process go one at a time; the compare-and-swap guards against others.
    const run = this.appending.then(() => this.appendNow(input))
    this.appending = run.catch(() => undefined)
    return run
  }

  private async appendNow(input: AppendInput): Promise<Operation> {
    if (!isEntityPath(input.path)) {
      throw new ExpectedError('bad-request', `not a Slipway entity name: ${input.path}`)
    }
    const ref = localRef(input.path)
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt += 1) {
      // First try on the tip this process last saw (one git call less); a stale guess only
      // fails the compare-and-swap below, and the retry reads the real tip.
      const guess = attempt === 0 ? this.guessTip(input) : undefined
      const parent = guess !== undefined ? guess : await this.readParent(ref, input.mode)
      const author = input.author ?? (await this.identity())
      const clock = await this.local.tick(parent?.clock ?? 0)
      const timeMs = input.timeMs ?? Date.now()
      const message = encodeMessage(input.summary ?? input.type, {
        clock,
        type: input.type,
        data: input.data
      })
      const parents = parent ? [parent.sha] : []
      const text = commitObject({ tree: await this.emptyTree(), parents, author, timeMs, message })
      const sha = await this.writeObject(text)
      if (await this.casRefs([{ ref, newSha: sha, oldSha: parent?.sha ?? null }])) {
        const written: OpCommit = {
          sha,
          summary: message.slice(0, message.indexOf('\n')),
          parents,
          author,
          time: Math.floor(timeMs / 1000) * 1000,
          clock,
          type: input.type,
          data: input.data
        }
        this.tips.set(input.path, sha)
        return this.remember(written)
      }
      this.tips.delete(input.path)
      // Another writer moved the ref: wait a little (jittered) and redo on its tip.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)))
    }
    throw new ExpectedError('conflict', `${ref} kept moving while appending; try again`, { ref })
  }

  private guessTip(input: AppendInput): OpCommit | null | undefined {
    const tip = this.tips.get(input.path)
    if (tip === undefined) return input.mode === 'create' ? null : undefined
    if (input.mode === 'create') return undefined
    const commit = this.commits.get(tip)
    return commit && !isBad(commit) ? commit : undefined
  }

  private async readParent(ref: string, mode: AppendInput['mode']): Promise<OpCommit | null> {
    const raw = await readTipCommit(this.repo, ref)
    if (raw && mode === 'create') {
      throw new ExpectedError('conflict', `${ref} already exists`, { ref })
    }
    if (!raw && mode === 'append') {
      throw new ExpectedError('not-found', `${ref} does not exist`, { ref })
    }
    const parent = raw ? decodeCommit(raw) : null
    if (parent && isBad(parent)) {
      throw new ExpectedError('conflict', `${ref} is corrupt: ${parent.reason}`, { ref })
    }
    return parent
  }

  private async identity(): Promise<OpAuthor> {
    // Re-read now and then: someone may fix their user.name while the app runs.
    const now = Date.now()
    if (!this.author || now - this.author.at > IDENTITY_TTL_MS) {
      this.author = { value: await readIdentity(this.repo), at: now }
    }
    return this.author.value
  }

  /** Writes a raw commit object (for merges and rebases by the sync). */
  async writeObject(text: string): Promise<string> {
    return writeCommitObject(this.repo, text)
  }

  /** Moves local refs in one transaction if each still holds its old value. */
  async casRefs(
    updates: readonly { ref: string; newSha: string; oldSha: string | null }[]
  ): Promise<boolean> {
    const tree = await this.emptyTree()
    const ok = await updateRefsAtomically(this.repo, updates, '0'.repeat(tree.length))
    for (const u of updates) {
      const at = entityPathOf(u.ref)
      if (at?.side === 'local') {
        if (ok) this.tips.set(at.path, u.newSha)
        else this.tips.delete(at.path)
      }
    }
    return ok
  }

  /** The empty tree's id (written once per store). */
  async emptyTree(): Promise<string> {
    if (!this.tree) this.tree = await writeEmptyTree(this.repo)
    return this.tree
  }

  /** Adds a commit this process wrote to the cache, so reads need not read it back. */
  remember(commit: OpCommit): OpCommit {
    this.commits.add(commit)
    if (commit.parents.every((p) => this.loadedTips.has(p))) {
      this.loadedTips.add(commit.sha)
    }
    return commit
  }

  private async readNew(tips: readonly string[]): Promise<void> {
    if (tips.length === 0) return
    const exclude = [...this.loadedTips].filter((t) => this.commits.has(t))
    await readCommitRecords(this.repo, tips, exclude, (raw) => {
      if (!this.commits.has(raw.sha)) this.commits.add(decodeCommit(raw))
    })
    for (const tip of tips) this.loadedTips.add(tip)
  }
}
