import type { AppEvent } from '../../shared/contract'
import type { Deployment } from '../../shared/deploy-models'
import { needsUser, type ApiError, type ApiResult } from '../../shared/errors'
import type { Router } from '../api'
import { CliFailure, openStrict, unwrap, withRouter, type CliIo } from './cli-router'
import type { DeployCliCommand } from './deploy-args'
import { formatStatus, progressPrinter, statusRows } from './deploy-output'
import { trustHosts } from './hosts-trust-command'
import { plural } from '../../shared/plural'
import { ensureTrusted, untrustedMessage } from './trust-prompt'

/**
 * Runs `release create|list`, `deploy`, `status`, `rollback` and `hosts trust` through the same
 * router as the app (so the engine, locks and host keys behave the same); progress goes to
 * stderr, results to stdout. Exit code 0 on success, 1 when the operation failed.
 */
export function runDeployCommand(command: DeployCliCommand, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router, dataDir) => {
    const workspace = await openStrict(router, command.workspace)
    if (['release-create', 'deploy', 'rollback'].includes(command.kind)) {
      // Builds, hooks and health commands come from slipway.yml: the user says yes first.
      const answer = await ensureTrusted(router, workspace, io, command.trust)
      if (answer !== 'trusted') throw new CliFailure(untrustedMessage(workspace, answer))
    }
    return dispatch(command, router, io, dataDir)
  })
}

async function dispatch(
  command: DeployCliCommand,
  router: Router,
  io: CliIo,
  dataDir: string
): Promise<number> {
  switch (command.kind) {
    case 'release-create': {
      const off = router.onEvent((e) => {
        if (e.event === 'releases.changed' && e.payload.kind === 'building') {
          io.stderr(`${e.payload.step}: ${e.payload.line}\n`)
        }
      })
      try {
        const release = unwrap(
          await router.call('releases.create', command.commit ? { commit: command.commit } : {}),
          explainFor(command)
        )
        io.stdout(command.json ? `${JSON.stringify(release, null, 2)}\n` : `${release.id}\n`)
        io.stderr(
          `release ${release.id}: ${release.commit.slice(0, 8)} ${release.subject}; ` +
            `${plural(release.commits.length, 'commit')} since ${release.previousId ?? 'the start'}` +
            `${release.tickets.length ? ` (${release.tickets.join(', ')})` : ''}; sha256 ${release.sha256}\n`
        )
        return 0
      } finally {
        off()
      }
    }
    case 'release-list': {
      const releases = unwrap(await router.call('releases.list', {}), explainFor(command))
      if (command.json) io.stdout(`${JSON.stringify(releases, null, 2)}\n`)
      else {
        for (const r of releases) {
          io.stdout(`${r.id}  ${r.commit.slice(0, 8)}  ${r.createdBy}  ${r.subject}\n`)
        }
      }
      return 0
    }
    case 'status': {
      const status = unwrap(
        await router.call('environments.status', { environment: command.environment }),
        explainFor(command)
      )
      io.stdout(
        command.json ? `${JSON.stringify(statusRows(status), null, 2)}\n` : formatStatus(status)
      )
      return 0
    }
    case 'deploy': {
      let release = command.release
      if (release === 'latest') {
        const [newest] = unwrap(await router.call('releases.list', {}), explainFor(command))
        if (!newest) throw new CliFailure('no releases yet; build one with: slipway release create')
        release = newest.id
      }
      return follow(
        router,
        io,
        () =>
          router.call('deployments.start', {
            release,
            environment: command.environment,
            ...(command.reason ? { reason: command.reason } : {}),
            ...(command.overrideFreeze ? { overrideFreeze: command.overrideFreeze } : {})
          }),
        explainFor(command)
      )
    }
    case 'rollback':
      return follow(
        router,
        io,
        () =>
          router.call('environments.rollback', {
            environment: command.environment,
            ...(command.to ? { to: command.to } : {})
          }),
        explainFor(command)
      )
    case 'hosts-trust':
      return trustHosts(command, router, io, dataDir, explainFor(command))
  }
}

/** Starts a deployment or rollback, prints its progress, and answers its exit code. */
async function follow(
  router: Router,
  io: CliIo,
  start: () => Promise<ApiResult<Deployment>>,
  explain: (error: ApiError) => string
): Promise<number> {
  const print = progressPrinter((line) => io.stderr(`${line}\n`))
  // Events can come before the start call answers with the id: keep them until then.
  const early: Deployment[] = []
  let id: string | null = null
  let settle: (d: Deployment) => void = () => {}
  const done = new Promise<Deployment>((resolve) => (settle = resolve))
  const onDeployment = (d: Deployment): void => {
    if (d.id !== id) return
    print(d)
    if (d.status !== 'running') settle(d)
  }
  const off = router.onEvent((e: AppEvent) => {
    if (e.event !== 'deployments.changed') return
    if (id === null) early.push(e.payload.deployment)
    else onDeployment(e.payload.deployment)
  })
  try {
    const started = unwrap(await start(), explain)
    id = started.id
    io.stderr(`${started.kind} ${started.id}: ${started.release} to ${started.environment}\n`)
    for (const d of early.splice(0)) onDeployment(d)
    onDeployment(started)
    // Ctrl-C cancels: the engine stops and rolls back what it activated.
    void io.untilStopped().then(() => {
      io.stderr('slipway: cancelling (hosts already switched are rolled back)…\n')
      void router.call('deployments.cancel', { id: started.id })
    })
    const final = await done
    io.stdout(`${final.status}\n`)
    return final.status === 'succeeded' ? 0 : 1
  } finally {
    off()
  }
}

// The errors that need the user get their hint; others their first line.
function explainFor(command: DeployCliCommand): (error: ApiError) => string {
  return (error) => explain(error, command)
}

/** One line, plus what to do for the errors that need the user. */
function explain(error: ApiError, command: DeployCliCommand): string {
  const first = error.message.split('\n')[0] ?? error.code
  const env = 'environment' in command ? command.environment : '<ENV>'
  const asked = needsUser(error)
  if (asked?.kind === 'host-key' && !asked.changed) {
    const { keyType, fingerprint } = asked.details
    return `${first}\n  fingerprint: ${keyType} ${fingerprint}\n  to accept it after checking: slipway hosts trust ${env}`
  }
  if (asked?.kind === 'passphrase') {
    return `${first}\n  load the key into ssh-agent first: ssh-add ${asked.details.keyFile}`
  }
  return first
}
