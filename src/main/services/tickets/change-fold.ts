/**
 * The change record of a change ticket, folded from its log: what the create operation opened
 * (the promotion and what ships), one approval per approver (their latest), and the first
 * outcome (a promotion ends once). Also the ticket's Markdown description of it.
 */
import {
  TicketChangeSchema,
  type ChangeRequest,
  type TicketChange
} from '../../../shared/ticket-models'
import type { Operation } from '../team-state'

/** Operation types a change ticket's log adds to the ticket's own. */
export const CHANGE_OPS = {
  approve: 'ticket.change.approve',
  outcome: 'ticket.change.outcome'
} as const

const RequestSchema = TicketChangeSchema.omit({ approvals: true, outcome: true, requestedBy: true })
const OutcomeSchema = TicketChangeSchema.shape.outcome.unwrap()
const person = (op: Operation): TicketChange['requestedBy'] => ({
  name: op.author.name,
  email: op.author.email
})

/** The change `create` opened and `ops` (in fold order) added, or null for other tickets. */
export function foldChange(create: Operation, ops: readonly Operation[]): TicketChange | null {
  const request = RequestSchema.safeParse(create.data.change)
  if (!request.success) return null
  const approvals = new Map<string, TicketChange['approvals'][number]>()
  let outcome: TicketChange['outcome'] = null
  for (const op of ops) {
    if (op.type === CHANGE_OPS.approve) {
      approvals.set(op.author.email.toLowerCase(), {
        by: person(op),
        at: new Date(op.time).toISOString(),
        signed: op.data.signed === true
      })
    } else if (op.type === CHANGE_OPS.outcome) {
      // As the promotion's own log: only the requester withdraws; the first outcome is final,
      // but a deployment's beats a withdrawal written meanwhile.
      const deployed = typeof op.data.deployment === 'string'
      if (!deployed && op.author.email.toLowerCase() !== create.author.email.toLowerCase()) continue
      if (outcome !== null && (outcome.deployment !== null || !deployed)) continue
      const parsed = OutcomeSchema.safeParse({
        ...op.data,
        by: person(op),
        at: new Date(op.time).toISOString()
      })
      if (parsed.success) outcome = parsed.data
    }
  }
  return {
    ...request.data,
    requestedBy: person(create),
    approvals: [...approvals.values()],
    outcome
  }
}

/** The data a change ticket's create operation carries. */
export function changeData(request: ChangeRequest): Record<string, unknown> {
  return RequestSchema.parse(request)
}

/** The change as the ticket's description: what ships, the approvals, the outcome. */
export function changeDescription(c: TicketChange): string {
  const lines = [
    `Promotion ${c.promotion}: release ${c.release} (commit ${c.commit.slice(0, 12)}) from ${c.from} to ${c.to}, requested by ${c.requestedBy.name} <${c.requestedBy.email}>.`
  ]
  if (c.reason) lines.push('', `Reason: ${c.reason}`)
  lines.push('', '## What ships', '')
  if (c.tickets.length === 0) lines.push('No tickets.')
  for (const t of c.tickets) lines.push(`- ${t.key}${t.title ? ` ${t.title}` : ''}`)
  lines.push('')
  for (const m of c.commits)
    lines.push(`- ${m.sha.slice(0, 7)} ${m.revert ? '(revert) ' : ''}${m.subject}`)
  lines.push('', '## Approvals', '')
  if (c.approvals.length === 0) lines.push('None yet.')
  for (const a of c.approvals)
    lines.push(`- ${a.by.name} <${a.by.email}>${a.signed ? ', signed' : ''}, ${a.at}`)
  lines.push('', '## Outcome', '')
  lines.push(
    c.outcome
      ? `${c.outcome.status}${c.outcome.deployment ? ` (deployment ${c.outcome.deployment})` : ''}: ${c.outcome.summary} (${c.outcome.by.email}, ${c.outcome.at})`
      : 'Not deployed yet.'
  )
  return `${lines.join('\n')}\n`
}
