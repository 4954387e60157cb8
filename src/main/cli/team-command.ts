import type { Router } from '../api'
import { CliFailure, openStrict, unwrap, withRouter, type CliIo } from './cli-router'
import { mergeCommand } from './pr-merge-command'
import type { TeamCliCommand } from './team-args'
import { ensureTrusted, untrustedMessage } from './trust-prompt'
import {
  formatPullRequest,
  formatPullRequests,
  formatSync,
  formatTicket,
  formatTickets
} from './team-output'

/**
 * Runs `ticket …`, `pr …` and `sync` through the same router as the app. Reads print a table
 * (or JSON with --json) on stdout; what a change did goes to stdout, progress to stderr.
 * Exit code 0 on success, 1 when refused or failed (each failing check named), 2 for usage.
 */
export function runTeamCommand(command: TeamCliCommand, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router) => {
    const workspace = await openStrict(router, command.workspace)
    if (command.kind === 'pr-merge' && workspace.config.test) {
      // A merge runs the merge-result tests: slipway.yml's commands, so the user says yes first.
      const answer = await ensureTrusted(router, workspace, io, command.trust)
      if (answer !== 'trusted') throw new CliFailure(untrustedMessage(workspace, answer))
    }
    return dispatch(command, router, io)
  })
}

async function dispatch(command: TeamCliCommand, router: Router, io: CliIo): Promise<number> {
  const print = (value: unknown, text: string): number => {
    io.stdout(command.json ? `${JSON.stringify(value, null, 2)}\n` : text)
    return 0
  }
  switch (command.kind) {
    case 'ticket-new': {
      const ticket = unwrap(
        await router.call('tickets.create', {
          title: command.title,
          ...(command.description !== null ? { description: command.description } : {}),
          ...(command.type !== null ? { type: command.type } : {}),
          ...(command.assignee !== null ? { assignee: command.assignee } : {})
        })
      )
      const tentative = ticket.keyConfirmed
        ? ''
        : ' (numbered offline: the key is final after the next sync)'
      return print(ticket, `${ticket.key} ${ticket.title}${tentative}\n`)
    }
    case 'ticket-list': {
      const tickets = unwrap(
        await router.call('tickets.list', {
          ...(command.status ? { status: [...command.status] } : {}),
          ...(command.type ? { type: [...command.type] } : {}),
          ...(command.assignee !== null ? { assignee: command.assignee } : {}),
          ...(command.text !== null ? { text: command.text } : {})
        })
      )
      return print(tickets, formatTickets(tickets))
    }
    case 'ticket-show': {
      const detail = unwrap(await router.call('tickets.get', { key: command.key }))
      return print(detail, formatTicket(detail))
    }
    case 'ticket-start': {
      const started = unwrap(
        await router.call('tickets.startWork', { key: command.key, switchTo: command.switchTo })
      )
      const lines = [
        `${started.created ? 'Created' : 'Reusing'} branch ${started.branch} for ${started.ticket.key} (${started.ticket.status})`
      ]
      if (started.switched) lines.push(`Switched to ${started.branch}`)
      if (started.notSwitchedReason) lines.push(`Not switched: ${started.notSwitchedReason}`)
      return print(started, `${lines.join('\n')}\n`)
    }
    case 'pr-open': {
      const opened = unwrap(
        await router.call('pullRequests.open', {
          branch: command.branch,
          ...(command.title !== null ? { title: command.title } : {}),
          ...(command.description !== null ? { description: command.description } : {})
        })
      )
      const pr = opened.view.pullRequest
      const pushed =
        opened.push.kind === 'pushed'
          ? `pushed ${pr.branch} to origin`
          : opened.push.kind === 'no-origin'
            ? 'no origin to push to'
            : `not pushed (${opened.push.message ?? opened.push.kind}); it goes with the next sync`
      return print(opened, `Opened pull request for ${pr.branch}: ${pr.title} (${pushed})\n`)
    }
    case 'pr-list': {
      const prs = unwrap(await router.call('pullRequests.list', { state: command.state }))
      return print(prs, formatPullRequests(prs))
    }
    case 'pr-show': {
      const view = unwrap(await router.call('pullRequests.get', { branch: command.branch }))
      return print(view, formatPullRequest(view))
    }
    case 'pr-review': {
      const view = unwrap(
        await router.call('pullRequests.review', {
          branch: command.branch,
          verdict: command.verdict,
          body: command.comment
        })
      )
      const approvals = view.checks.find((c) => c.name === 'approvals')
      const said = command.verdict === 'approve' ? 'Approved' : 'Requested changes on'
      return print(
        view,
        `${said} ${view.pullRequest.branch} at ${view.head?.slice(0, 8) ?? '?'}${approvals ? ` (approvals: ${approvals.summary})` : ''}\n`
      )
    }
    case 'pr-merge':
      return mergeCommand(command, router, io)
    case 'pr-delete-branch': {
      const d = unwrap(await router.call('pullRequests.deleteBranch', { branch: command.branch }))
      const where = [d.local ? 'here' : '', d.origin.kind === 'pushed' ? 'on origin' : '']
      return print(
        d,
        `Deleted ${command.branch} ${where.filter(Boolean).join(' and ') || 'nowhere (it was gone)'}\n`
      )
    }
    case 'sync': {
      const status = unwrap(await router.call('team.sync', {}))
      const failed = status.last?.kind === 'offline'
      print(status, formatSync(status))
      return failed ? 1 : 0
    }
  }
}
