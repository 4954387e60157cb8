/**
 * The ledger of one repository: every release, deployment, promotion, approval, override,
 * rollback, lock and lock break, appended as one commit each under `refs/slipway/ledger`
 * (team state: synced through origin with the rest, concurrent appends of two clones joined
 * by a merge commit, never lost). An append writes the commit object first and then moves the
 * ref with `git update-ref` against its old value, so a process killed at any point leaves the
 * entry or nothing.
 */
import { randomBytes } from 'node:crypto'
import { rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  LedgerEntrySchema,
  type LedgerDraft,
  type LedgerEntry,
  type LedgerFilter,
  type LedgerFinding,
  type LedgerRecord,
  type LedgerVerifyReport
} from '../../../shared/ledger-models'
import { isExpected } from '../errors'
import { runGit } from '../git/runner'
import { localRef, type TeamStateStore } from '../team-state'
import { checkHosts, type ReadHostHistory } from './host-check'
import { describeEntry, entryType, LEDGER_PATH, readChain, type ChainRead } from './ledger-chain'
import { compareWithBaseline, readBaseline, writeBaseline } from './verified-baseline'

/** An appended entry and the commit that holds it. */
export interface LedgerAppended {
  readonly commit: string
  readonly entry: LedgerEntry
}

/** Options of {@link Ledger}. */
export interface LedgerOptions {
  /** The repository's common git dir (where ref locks and the verify baseline live). */
  readonly gitDir: string
  /**
   * A ref lock file older than this is left over from a killed writer (git holds one for
   * milliseconds) and is removed; default 10 s.
   */
  readonly staleLockMs?: number
  /** Where a removed stale lock is reported. */
  readonly log?: (message: string) => void
  readonly now?: () => Date
}

/** What {@link Ledger.verify} is asked. */
export interface VerifyOptions {
  /** The environments of slipway.yml and a reader of their hosts' logs; omitted: no host check. */
  readonly hosts?: { readonly environments: readonly string[]; readonly read: ReadHostHistory }
  /** Take the ledger as it is now as the new baseline even after a rewrite was found. */
  readonly accept?: boolean
  /**
   * Checks the approvals' signatures (the promotions domain's allowed-signers check); answers
   * a finding for each approval that does not verify. Omitted: signatures are not checked.
   */
  readonly signatures?: (records: readonly LedgerRecord[]) => Promise<LedgerFinding[]>
}

const LOCK_ATTEMPTS = 3

/** The ledger of one repository, over its team-state store. */
export class Ledger {
  constructor(
    private readonly store: TeamStateStore,
    private readonly options: LedgerOptions
  ) {}

  /** The ledger over `store` (its common git dir read once). */
  static async open(
    store: TeamStateStore,
    options: Omit<LedgerOptions, 'gitDir'> = {}
  ): Promise<Ledger> {
    const out = await runGit(store.repo, [
      'rev-parse',
      '--path-format=absolute',
      '--git-common-dir'
    ])
    return new Ledger(store, { ...options, gitDir: out.stdout.trim() })
  }

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }

  /**
   * Appends one entry: validated against its kind's schema (a bad entry throws before anything
   * is written), given an id and a time, committed as the git identity of this clone.
   */
  async append(draft: LedgerDraft): Promise<LedgerAppended> {
    const entry = LedgerEntrySchema.parse({
      ...draft,
      id: randomBytes(8).toString('hex'),
      at: draft.at ?? this.now().toISOString(),
      tickets: draft.tickets ?? [],
      environment: draft.environment ?? null
    })
    for (let attempt = 1; ; attempt += 1) {
      try {
        const op = await this.store.append({
          path: LEDGER_PATH,
          type: entryType(entry.kind),
          data: entry,
          summary: describeEntry(entry),
          mode: 'upsert'
        })
        return { commit: op.sha, entry }
      } catch (err) {
        // A writer killed inside `git update-ref` leaves the ref's lock file behind, and every
        // later append would fail on it: remove it once it is clearly abandoned, and retry.
        if (attempt >= LOCK_ATTEMPTS || !isExpected(err, 'conflict')) throw err
        if (!(await this.clearStaleLock())) throw err
      }
    }
  }

  private async clearStaleLock(): Promise<boolean> {
    const lock = join(this.options.gitDir, `${localRef(LEDGER_PATH)}.lock`)
    const info = await stat(lock).catch(() => null)
    if (!info) return false
    const staleAfter = this.options.staleLockMs ?? 10_000
    const age = Date.now() - info.mtimeMs
    if (age < staleAfter) await new Promise((r) => setTimeout(r, staleAfter - age))
    const again = await stat(lock).catch(() => null)
    if (!again || again.mtimeMs !== info.mtimeMs) return true // its writer finished: retry
    await rm(lock, { force: true })
    this.options.log?.(
      `removed ${lock}: left by a writer that stopped while appending to the ledger`
    )
    return true
  }

  /** The local ledger's tip, or null when nothing was ever appended. */
  async tip(): Promise<string | null> {
    const refs = await this.store.readRefs(true)
    return refs.local.get(LEDGER_PATH) ?? null
  }

  /** Reads the chain (entries in order and broken links). */
  async read(): Promise<ChainRead> {
    return readChain(this.store, await this.tip())
  }

  /** The valid entries, newest first, filtered. */
  async list(filter: LedgerFilter = {}): Promise<LedgerRecord[]> {
    const { records } = await this.read()
    return records.filter((r) => matches(r, filter)).reverse()
  }

  /**
   * Verifies the ledger: every link of the chain and every entry's schema, the rewrites since
   * this clone last verified (old tip no longer in the history, entries gone or changed), and,
   * when asked, the recorded deployments against the hosts' own logs. Remembers the tip as the
   * new baseline unless a rewrite was found (then only with `accept`).
   */
  async verify(options: VerifyOptions = {}): Promise<LedgerVerifyReport> {
    const chain = await this.read()
    const findings = [...chain.findings]
    const file = join(this.options.gitDir, 'slipway', 'ledger-verified.json')
    const baseline = await readBaseline(file)
    let rewritten = false
    if (baseline) {
      const contained = chain.tip !== null && (await this.contains(chain.tip, baseline.tip))
      const found = compareWithBaseline(baseline, chain.tip, chain.records, contained)
      rewritten = found.length > 0
      findings.push(...found)
    }
    let hosts: LedgerVerifyReport['hosts'] = { checked: 0, unreadable: [], unrecorded: [] }
    if (options.hosts) {
      const checked = await checkHosts(
        chain.records,
        options.hosts.environments,
        options.hosts.read
      )
      findings.push(...checked.findings)
      hosts = checked.report
    }
    if (options.signatures) findings.push(...(await options.signatures(chain.records)))
    const chainOk = chain.findings.length === 0
    const remember = chain.tip !== null && chainOk && (!rewritten || options.accept === true)
    if (remember && chain.tip) await writeBaseline(file, chain.tip, chain.records, this.now())
    return {
      ok: findings.length === 0,
      tip: chain.tip,
      entries: chain.records.length,
      findings,
      hosts,
      previous: baseline ? { tip: baseline.tip, at: baseline.at } : null,
      remembered: remember
    }
  }

  /** True when `ancestor` is in the history of `tip` (false when it is no longer in git at all). */
  private async contains(tip: string, ancestor: string): Promise<boolean> {
    if (tip === ancestor) return true
    const out = await runGit(this.store.repo, ['merge-base', '--is-ancestor', ancestor, tip], {
      okExitCodes: [0, 1, 128]
    })
    return out.exitCode === 0
  }
}

/** True when a record passes every filter given. */
export function matches(r: LedgerRecord, f: LedgerFilter): boolean {
  const e = r.entry
  if (f.kind && f.kind.length > 0 && !f.kind.includes(e.kind)) return false
  if (f.environment && e.environment !== f.environment) return false
  if (f.ticket) {
    const key = f.ticket.toUpperCase()
    if (!e.tickets.some((t) => t.toUpperCase() === key)) return false
  }
  if (f.person) {
    const p = f.person.toLowerCase()
    const who = [e.by, r.author.name, r.author.email].map((s) => s.toLowerCase())
    if (!who.some((s) => s.includes(p))) return false
  }
  if (f.outcome) {
    const outcome = 'outcome' in e ? e.outcome : null
    if (outcome !== f.outcome) return false
  }
  return true
}
