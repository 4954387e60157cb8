/**
 * The embedded tracker: tickets as team-state entities (`refs/slipway/tickets/<id>`), keys
 * `<prefix>-<number>` drawn from this clone's key blocks (`sequences/tickets-<prefix>`), so two
 * clones creating tickets offline never draw the same key.
 */
import { randomBytes } from 'node:crypto'
import type { Ticket, TicketFields, TicketStatus } from '../../../shared/ticket-models'
import { ExpectedError } from '../errors'
import { findTickets, runGit } from '../git'
import {
  assignBlocks,
  KeySequence,
  sequencePath,
  type KeyBlock,
  type OpAuthor,
  type TeamStateStore
} from '../team-state'
import {
  compareTickets,
  foldTicket,
  TICKET_CREATE,
  TICKET_EDIT,
  type NumberSource
} from './ticket-fold'
import { changeData } from './change-fold'
import type { NewTicket, Tracker, TrackerCapabilities } from './tracker'

/** Numbers a clone claims at a time. */
export const TICKET_BLOCK_SIZE = 10
const TICKETS = 'tickets/'
const SEQUENCE = 'tickets-'
// How far back commit subjects are searched for keys already in use (a new sequence starts
// past them, so Slipway never hands out ORD-142 when a branch already says ORD-142).
const SUBJECTS_SCANNED = 20_000

/** What the embedded tracker needs. */
export interface EmbeddedTrackerOptions {
  readonly store: TeamStateStore
  /** Prefix of new keys, or null when slipway.yml gives none (creating then says so). */
  readonly prefix: string | null
  readonly ticketPattern: string
  /** Syncs team state; answers whether origin now has what this clone has. */
  readonly publish: () => Promise<boolean>
  readonly hasOrigin: () => Promise<boolean>
}

/**
 * A ticket whose key was given elsewhere (named in branches and commits before it was tracked
 * here, or brought in from another tracker), kept with its first author and time.
 */
export interface RecordedTicket extends NewTicket {
  readonly key: string
  readonly status?: TicketStatus
  readonly author?: OpAuthor
  readonly createdAt?: Date
}

/** The tickets stored in the repository. */
export class EmbeddedTracker implements Tracker {
  readonly kind = 'embedded'
  readonly capabilities: TrackerCapabilities = { createOffline: true, storage: 'repository' }
  private creating: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: EmbeddedTrackerOptions) {}

  /** Every readable ticket, ordered by key (unreadable refs are skipped; see problems()). */
  async list(): Promise<Ticket[]> {
    const store = this.options.store
    const snap = await store.snapshot(
      (p) => p.startsWith(TICKETS) || p.startsWith(sequencePath(SEQUENCE))
    )
    const hasOrigin = await this.options.hasOrigin()
    // A claim is final once origin has it (the snapshot reads only the local namespace).
    const remote = hasOrigin ? (await store.readRefs()).remote : new Map<string, string>()
    const blocks = new Map<string, KeyBlock>()
    for (const [path, log] of snap.entities) {
      if (!path.startsWith(sequencePath(SEQUENCE))) continue
      const onOrigin = remote.get(path) ?? null
      if (onOrigin) await store.load([onOrigin])
      const confirmed = (sha: string): boolean =>
        !hasOrigin || (onOrigin !== null && store.commits.isAncestor(sha, onOrigin))
      for (const b of assignBlocks(log.ops, confirmed)) if (b.nonce) blocks.set(b.nonce, b)
    }
    const resolve = (s: NumberSource): { number: number; confirmed: boolean } => {
      const block = s.block ? blocks.get(s.block) : undefined
      if (!block || s.offset >= block.end - block.start)
        return { number: s.number, confirmed: true }
      return { number: block.start + s.offset, confirmed: block.confirmed }
    }
    const tickets: Ticket[] = []
    for (const [path, log] of snap.entities) {
      if (!path.startsWith(TICKETS)) continue
      const ticket = foldTicket(path.slice(TICKETS.length), log.ops, resolve)
      if (ticket) tickets.push(ticket)
    }
    return tickets.sort(compareTickets)
  }

  /** One ticket by key (case-insensitive). */
  async get(key: string): Promise<Ticket> {
    const wanted = key.trim().toUpperCase()
    const found = (await this.list()).find((t) => t.key === wanted)
    if (!found) throw new ExpectedError('not-found', `no ticket ${key}`, { key })
    return found
  }

  /** Creates a ticket; its key comes from this clone's key blocks. */
  create(input: NewTicket): Promise<Ticket> {
    // Creates of one process go one at a time, so two never draw the same free number.
    const run = this.creating.then(() => this.createNow(input))
    this.creating = run.catch(() => undefined)
    return run
  }

  /**
   * Tracks a ticket under a key already in use elsewhere (`ORD-142` in branch names and commit
   * subjects) rather than a drawn one. Such keys are never drawn: a sequence starts past every
   * key named in branches and commits. Refused when the key is tracked already or is not
   * `<PREFIX>-<number>`.
   */
  async record(input: RecordedTicket): Promise<Ticket> {
    const [key] = await this.recordAll([input])
    return this.get(key ?? input.key)
  }

  /**
   * {@link record} for many tickets at once (the demo's history): the tracked keys are read
   * once, then one operation is written per ticket. Answers the keys, in order.
   */
  async recordAll(inputs: readonly RecordedTicket[]): Promise<string[]> {
    const taken = new Set((await this.list()).map((t) => t.key))
    const keys: string[] = []
    for (const input of inputs) {
      const m = /^([A-Z][A-Z0-9]{0,9})-([1-9][0-9]{0,8})$/.exec(input.key.trim().toUpperCase())
      if (!m?.[1] || !m[2]) {
        throw new ExpectedError('bad-request', `${input.key} is not a ticket key like ABC-123`)
      }
      const [key, prefix, number] = [m[0], m[1], Number(m[2])]
      if (taken.has(key)) throw new ExpectedError('conflict', `${key} is tracked already`, { key })
      const title = input.title.trim()
      if (!title) throw new ExpectedError('bad-request', 'a ticket needs a title')
      taken.add(key)
      keys.push(key)
      await this.options.store.append({
        path: TICKETS + randomBytes(8).toString('hex'),
        type: TICKET_CREATE,
        // No block: the number is the key's own (see ticket-fold's NumberSource).
        data: {
          prefix,
          number,
          block: null,
          offset: 0,
          title,
          description: input.description ?? '',
          type: input.type ?? 'task',
          status: input.status ?? 'open',
          assignee: input.assignee ?? null
        },
        summary: `${key} ${title}`,
        mode: 'create',
        ...(input.author ? { author: input.author } : {}),
        ...(input.createdAt ? { timeMs: input.createdAt.getTime() } : {})
      })
    }
    return keys
  }

  /** Sets fields of a ticket (each field: the latest write in fold order wins). */
  async edit(key: string, changes: TicketFields): Promise<Ticket> {
    const ticket = await this.get(key)
    const data = definedFields(changes)
    if (Object.keys(data).length === 0) return ticket
    await this.options.store.append({
      path: TICKETS + ticket.id,
      type: TICKET_EDIT,
      data,
      summary: `${ticket.key} ${describeEdit(data)}`,
      mode: 'append'
    })
    return this.get(ticket.key)
  }

  /**
   * Appends one operation of another kind to ticket `key`'s log (a change ticket's approval or
   * outcome, see change-fold.ts); answers the ticket as it is then.
   */
  async appendOp(
    key: string,
    op: { readonly type: string; readonly data: Record<string, unknown>; readonly summary: string }
  ): Promise<Ticket> {
    const ticket = await this.get(key)
    await this.options.store.append({
      path: TICKETS + ticket.id,
      type: op.type,
      data: op.data,
      summary: `${ticket.key} ${op.summary}`,
      mode: 'append'
    })
    return this.get(ticket.key)
  }

  /** Claims a block of numbers when this clone has none left (after a sync, online). */
  async ensureSpare(): Promise<boolean> {
    const prefix = this.options.prefix
    if (!prefix) return false
    return this.sequence(prefix).ensureSpare(await this.taken(prefix))
  }

  private async createNow(input: NewTicket): Promise<Ticket> {
    const prefix = this.options.prefix
    if (!prefix) {
      throw new ExpectedError(
        'bad-config',
        'slipway.yml names no ticket prefix: add "tickets: { prefix: ABC }" (or a "project" name)'
      )
    }
    const sample = `${prefix}-1`
    if (findTickets(sample, this.options.ticketPattern)[0] !== sample) {
      throw new ExpectedError(
        'bad-config',
        `ticket keys like ${sample} do not match tickets.pattern in slipway.yml; set tickets.prefix`
      )
    }
    const title = input.title.trim()
    if (!title) throw new ExpectedError('bad-request', 'a ticket needs a title')
    const drawn = await this.sequence(prefix).next(await this.taken(prefix))
    const id = randomBytes(8).toString('hex')
    await this.options.store.append({
      path: TICKETS + id,
      type: TICKET_CREATE,
      data: {
        prefix,
        number: drawn.number,
        block: drawn.block,
        offset: drawn.offset,
        title,
        description: input.description ?? '',
        type: input.type ?? 'task',
        status: 'open',
        assignee: input.assignee ?? null,
        ...(input.change ? { change: changeData(input.change) } : {})
      },
      summary: `${prefix}-${drawn.number} ${title}`,
      mode: 'create'
    })
    const created = (await this.list()).find((t) => t.id === id)
    if (!created) throw new Error(`ticket ${id} was written but cannot be read back`)
    return created
  }

  private sequence(prefix: string): KeySequence {
    return new KeySequence(this.options.store, SEQUENCE + prefix, {
      blockSize: TICKET_BLOCK_SIZE,
      firstNumber: () => this.firstNumber(prefix),
      publish: this.options.publish,
      hasOrigin: this.options.hasOrigin
    })
  }

  private async taken(prefix: string): Promise<Set<number>> {
    const tickets = await this.list()
    return new Set(tickets.filter((t) => t.prefix === prefix).map((t) => t.number))
  }

  /** One past the highest `<prefix>-N` in branch names and recent commit subjects. */
  private async firstNumber(prefix: string): Promise<number> {
    const repo = this.options.store.repo
    const [refs, subjects] = await Promise.all([
      runGit(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/remotes']),
      runGit(
        repo,
        ['log', `--max-count=${SUBJECTS_SCANNED}`, '--format=%s', '--branches', '--remotes'],
        { okExitCodes: [0, 128] }
      )
    ])
    let max = 0
    const key = new RegExp(`(?:^|[^A-Za-z0-9])${prefix}-([0-9]{1,9})(?![0-9])`, 'g')
    for (const text of [refs.stdout, subjects.stdout]) {
      for (const m of text.matchAll(key)) max = Math.max(max, Number(m[1]))
    }
    return max + 1
  }
}

function definedFields(changes: TicketFields): Record<string, unknown> {
  const data: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) data[k] = v
  return data
}

function describeEdit(data: Record<string, unknown>): string {
  if (typeof data.status === 'string' && Object.keys(data).length === 1) {
    return `status: ${data.status}`
  }
  return `edit ${Object.keys(data).join(', ')}`
}
