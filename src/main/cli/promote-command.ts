import type { Router } from '../api'
import type { Promotion } from '../../shared/promotion-models'
import { CliFailure, EXIT, openStrict, unwrap, withRouter, type CliIo } from './cli-router'
import type { PromoteCliCommand } from './promote-args'
import { ensureTrusted, untrustedMessage } from './trust-prompt'

/**
 * Runs `promote`, `promotions`, `approve` and `release notes` through the same router as the
 * app. `promote` exits 1 naming what is pending while approvals are missing, and 0 only when
 * the deployment it started succeeded.
 */
export function runPromoteCommand(command: PromoteCliCommand, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router) => {
    const workspace = await openStrict(router, command.workspace)
    if (command.kind === 'promote') {
      // Reading the source's health and deploying run slipway.yml's commands: the user says yes.
      const answer = await ensureTrusted(router, workspace, io, command.trust)
      if (answer !== 'trusted') throw new CliFailure(untrustedMessage(workspace, answer))
    }
    return dispatch(command, router, io)
  })
}

async function dispatch(command: PromoteCliCommand, router: Router, io: CliIo): Promise<number> {
  const json = (value: unknown): void => io.stdout(`${JSON.stringify(value, null, 2)}\n`)
  switch (command.kind) {
    case 'promote': {
      io.stderr(`promoting ${command.release} to ${command.environment}…\n`)
      const result = unwrap(
        await router.call('promotions.promote', {
          release: command.release,
          environment: command.environment,
          ...(command.reason ? { reason: command.reason } : {}),
          ...(command.overrideFreeze ? { overrideFreeze: command.overrideFreeze } : {})
        })
      )
      if (command.json) json(result)
      else io.stdout(formatPromotion(result.promotion))
      if (result.kind === 'pending') {
        io.stderr(
          `slipway: the promotion is pending: ${result.promotion.pending.join('; ')}; run slipway promote ${command.release} ${command.environment} again once approved\n`
        )
        return EXIT.failure
      }
      const d = result.deployment
      io.stderr(`${d.environment}: ${d.status}: ${d.summary}\n`)
      return d.status === 'succeeded' ? EXIT.ok : EXIT.failure
    }
    case 'promote-cancel': {
      const promotion = unwrap(
        await router.call('promotions.cancel', {
          release: command.release,
          environment: command.environment,
          ...(command.reason ? { reason: command.reason } : {})
        })
      )
      if (command.json) json(promotion)
      else io.stdout(`Withdrawn. ${formatPromotion(promotion)}`)
      return EXIT.ok
    }
    case 'promotions': {
      const list = unwrap(await router.call('promotions.list', {}))
      if (command.json) json(list)
      else io.stdout(list.length === 0 ? 'no promotions\n' : list.map(formatPromotion).join('\n'))
      return EXIT.ok
    }
    case 'approve': {
      const promotion = unwrap(
        await router.call('promotions.approve', {
          release: command.release,
          environment: command.environment
        })
      )
      if (command.json) json(promotion)
      else io.stdout(`Approved. ${formatPromotion(promotion)}`)
      return EXIT.ok
    }
    case 'release-notes': {
      const notes = unwrap(await router.call('releases.notes', { release: command.release }))
      if (command.json) json(notes)
      else io.stdout(notes.markdown)
      return EXIT.ok
    }
  }
}

/** A promotion for a terminal: what, its state, what ships, and each approval's verdict. */
export function formatPromotion(p: Promotion): string {
  const state =
    p.state === 'ended' && p.outcome
      ? `${p.outcome.status}: ${p.outcome.summary}`
      : p.state === 'approved'
        ? 'approved, ready to deploy'
        : `pending: ${p.pending.join('; ')}`
  const lines = [
    `${p.release} ${p.from} → ${p.to} (promotion ${p.id}, requested by ${p.requestedBy.email})`,
    `  state: ${state}`,
    `  approvals: ${p.approved} of ${p.required}`
  ]
  if (p.changeTicket) lines.splice(2, 0, `  change ticket: ${p.changeTicket}`)
  for (const a of p.approvals) {
    lines.push(
      `    ${a.valid ? '✓' : '✕'} ${a.by.email}${a.signed ? ' (signed)' : ''}${a.why ? `: does not count: ${a.why}` : ''}`
    )
  }
  lines.push(
    `  ships since ${p.ships.since ?? 'nothing deployed'}: ${p.ships.commits.length} commit(s)`
  )
  for (const t of p.ships.tickets) {
    const flag = t.resolved ? '' : t.status ? ` [not resolved: ${t.status}]` : ' [not tracked here]'
    lines.push(`    ${t.key}${t.title ? ` ${t.title}` : ''}${flag}`)
  }
  for (const c of p.ships.commits) {
    lines.push(
      `    ${c.sha.slice(0, 7)} ${c.revert ? '[revert] ' : ''}${c.subject} (${c.author.email})`
    )
  }
  return `${lines.join('\n')}\n`
}
