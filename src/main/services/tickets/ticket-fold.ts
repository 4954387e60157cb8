/**
 * Folds a ticket's operations (in fold order) into its state. Conflict rule: each field is
 * set by the latest operation in fold order that sets it, so two people editing one field
 * concurrently end with the same value on every clone and both edits stay in the history.
 * A field holding a value of the wrong shape (a hand-made or future operation) is ignored.
 */
import {
  TicketStatusSchema,
  TicketTypeSchema,
  type Ticket,
  type TicketStatus,
  type TicketType
} from '../../../shared/ticket-models'
import type { Operation } from '../team-state'
import { foldChange } from './change-fold'

/** Operation types of the ticket log. */
export const TICKET_CREATE = 'ticket.create'
export const TICKET_EDIT = 'ticket.edit'

/** Where a ticket's number comes from, as written in its create operation. */
export interface NumberSource {
  readonly prefix: string
  readonly number: number
  readonly block: string | null
  readonly offset: number
}

/** Resolves a drawn number to the block's place now (a replayed claim moves it). */
export type ResolveNumber = (source: NumberSource) => { number: number; confirmed: boolean }

const MAX_TITLE = 200

/** The state of ticket `id`, or null when its log has no valid create operation. */
export function foldTicket(
  id: string,
  ops: readonly Operation[],
  resolve: ResolveNumber
): Ticket | null {
  const create = ops.find((o) => o.type === TICKET_CREATE)
  const source = create ? numberSource(create.data) : null
  if (!create || !source) return null
  let title = ''
  let description = ''
  let type: TicketType = 'task'
  let status: TicketStatus = 'open'
  let assignee: string | null = null
  let changes = 0
  let updated = create.time
  for (const op of ops) {
    if (op.type !== TICKET_CREATE && op.type !== TICKET_EDIT) continue
    if (op.type === TICKET_CREATE && op !== create) continue
    const d = op.data
    if (typeof d.title === 'string' && d.title.trim()) title = d.title.trim().slice(0, MAX_TITLE)
    if (typeof d.description === 'string') description = d.description
    const t = TicketTypeSchema.safeParse(d.type)
    if (t.success) type = t.data
    const s = TicketStatusSchema.safeParse(d.status)
    if (s.success) status = s.data
    if (d.assignee === null || typeof d.assignee === 'string') {
      assignee = d.assignee === null || d.assignee.trim() === '' ? null : d.assignee.trim()
    }
    changes += 1
    if (op.time > updated) updated = op.time
  }
  const { number, confirmed } = resolve(source)
  const change = foldChange(create, ops)
  return {
    id,
    key: `${source.prefix}-${number}`,
    prefix: source.prefix,
    number,
    keyConfirmed: confirmed,
    title,
    description,
    type,
    status,
    assignee,
    createdBy: { name: create.author.name, email: create.author.email },
    createdAt: new Date(create.time).toISOString(),
    updatedAt: new Date(updated).toISOString(),
    changes,
    ...(change ? { change } : {})
  }
}

function numberSource(d: Readonly<Record<string, unknown>>): NumberSource | null {
  const { prefix, number, block, offset } = d
  if (typeof prefix !== 'string' || !/^[A-Z][A-Z0-9]{0,9}$/.test(prefix)) return null
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return null
  const validOffset = typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0
  return {
    prefix,
    number,
    block: typeof block === 'string' && validOffset ? block : null,
    offset: validOffset ? offset : 0
  }
}

/** Orders tickets by prefix, then number. */
export function compareTickets(a: Ticket, b: Ticket): number {
  if (a.prefix !== b.prefix) return a.prefix < b.prefix ? -1 : 1
  return a.number - b.number || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}
