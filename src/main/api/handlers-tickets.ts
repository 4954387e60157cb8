import type { ticketMethods } from '../../shared/contract-tickets'
import type { DomainHandlers, HandlerContext } from './handlers'
import type { TeamDomain } from './handlers-team'

/** Handlers of the ticket methods, over the open workspace's team services. */
export function createTicketHandlers(
  ctx: HandlerContext,
  team: TeamDomain
): DomainHandlers<keyof typeof ticketMethods> {
  const tickets = async () => (await team.team()).tickets
  const changed = <T>(value: T): T => {
    ctx.emit({ event: 'tickets.changed', payload: { reason: 'changed here' } })
    return value
  }
  return {
    'tickets.list': async (filter) =>
      (await tickets()).list({
        status: filter.status,
        type: filter.type,
        assignee: filter.assignee,
        text: filter.text
      }),
    'tickets.get': async ({ key }) => (await tickets()).detail(key),
    'tickets.create': async ({ title, description, type, assignee }) =>
      changed(await (await tickets()).create({ title, description, type, assignee })),
    'tickets.edit': async ({ key, changes }) => changed(await (await tickets()).edit(key, changes)),
    'tickets.startWork': async ({ key, switchTo }) =>
      changed(await (await tickets()).startWork(key, switchTo))
  }
}
