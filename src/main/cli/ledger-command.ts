import type {
  LedgerFilter,
  LedgerFinding,
  LedgerRecord,
  LedgerVerifyReport
} from '../../shared/ledger-models'
import { EXIT, openStrict, unwrap, withRouter, type CliIo } from './cli-router'
import type { LedgerCliCommand, LedgerCliFilter } from './ledger-args'

/**
 * Runs `ledger verify|list|export` through the same router as the app. `verify` exits 1 when
 * it found anything wrong (each finding on its own line), 0 when the ledger verifies.
 */
export function runLedgerCommand(command: LedgerCliCommand, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router) => {
    await openStrict(router, command.workspace)
    switch (command.kind) {
      case 'ledger-verify': {
        const report = unwrap(
          await router.call('ledger.verify', {
            ...(command.accept ? { accept: true } : {}),
            hosts: command.hosts
          })
        )
        io.stdout(command.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report))
        return report.ok ? EXIT.ok : EXIT.failure
      }
      case 'ledger-list': {
        const records = unwrap(await router.call('ledger.list', filterOf(command)))
        io.stdout(command.json ? `${JSON.stringify(records, null, 2)}\n` : formatList(records))
        return EXIT.ok
      }
      case 'ledger-export': {
        const out = unwrap(
          await router.call('ledger.export', {
            ...filterOf(command),
            format: command.csv ? 'csv' : 'json'
          })
        )
        io.stdout(out.text)
        io.stderr(`${out.entries} ${out.entries === 1 ? 'entry' : 'entries'} exported\n`)
        return EXIT.ok
      }
    }
  })
}

function filterOf(f: LedgerCliFilter): LedgerFilter {
  return {
    ...(f.environment !== null ? { environment: f.environment } : {}),
    ...(f.ticket !== null ? { ticket: f.ticket } : {}),
    ...(f.person !== null ? { person: f.person } : {}),
    ...(f.outcome !== null ? { outcome: f.outcome } : {})
  }
}

/** The verify report for people: a verdict line, then one line per finding. */
export function formatVerify(r: LedgerVerifyReport): string {
  const lines: string[] = []
  const tip = r.tip ? r.tip.slice(0, 12) : 'none'
  lines.push(
    r.ok
      ? `ledger verified: ${r.entries} ${r.entries === 1 ? 'entry' : 'entries'}, tip ${tip}`
      : `ledger NOT verified: ${r.findings.length} ${r.findings.length === 1 ? 'problem' : 'problems'} in ${r.entries} entries (tip ${tip})`
  )
  for (const f of r.findings) lines.push(`  ${formatFinding(f)}`)
  if (r.hosts.checked > 0) lines.push(`deployments checked against their hosts: ${r.hosts.checked}`)
  for (const u of r.hosts.unreadable) {
    lines.push(`not checked: ${u.environment} ${u.host === '*' ? '' : `${u.host} `}(${u.error})`)
  }
  if (r.hosts.unrecorded.length > 0) {
    lines.push(
      `deployments the hosts logged that the ledger does not hold: ${r.hosts.unrecorded.length}`
    )
  }
  if (r.previous && !r.remembered) {
    lines.push(
      `the baseline stays ${r.previous.tip.slice(0, 12)} (verified ${r.previous.at}); slipway ledger verify --accept takes the ledger as it is now`
    )
  }
  return `${lines.join('\n')}\n`
}

function formatFinding(f: LedgerFinding): string {
  switch (f.kind) {
    case 'bad-entry':
      return `${f.position === null ? '' : `#${f.position} `}bad entry ${f.commit.slice(0, 12)}: ${f.reason}`
    case 'rewritten-history':
      return `history rewritten: the tip verified on ${f.verifiedAt} (${f.verifiedTip.slice(0, 12)}) is no longer in the ledger`
    case 'entry-disappeared':
      return `#${f.position} disappeared: ${f.summary}`
    case 'entry-rewritten':
      return `#${f.position} rewritten: was ${f.was}; now ${f.now}`
    case 'host-mismatch':
      return `#${f.position} ${f.environment} ${f.deployment}: ${f.reason}`
  }
}

/** The history for a terminal: position, time, kind and what happened. */
export function formatList(records: readonly LedgerRecord[]): string {
  if (records.length === 0) return 'no ledger entries\n'
  return records
    .map((r) => {
      const e = r.entry
      const what =
        'summary' in e
          ? `${e.kind} ${e.phase} ${e.release}${e.outcome ? ` ${e.outcome}` : ''}`
          : e.kind
      const tickets = e.tickets.length > 0 ? ` [${e.tickets.join(' ')}]` : ''
      return `#${r.position}\t${e.at}\t${e.environment ?? '-'}\t${what}\t${e.by}${tickets}`
    })
    .join('\n')
    .concat('\n')
}
