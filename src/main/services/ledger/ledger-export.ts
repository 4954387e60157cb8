/**
 * The ledger as a file: JSON (every record as read, for tools) or CSV (one row per entry, the
 * columns every kind shares plus a `details` column holding the rest as JSON), RFC 4180 quoting.
 */
import type { LedgerRecord } from '../../../shared/ledger-models'
import { describeEntry } from './ledger-chain'

const COLUMNS = [
  'position',
  'at',
  'kind',
  'environment',
  'release',
  'outcome',
  'by',
  'author',
  'tickets',
  'summary',
  'id',
  'commit',
  'details'
] as const

const SHARED = new Set(['id', 'at', 'kind', 'by', 'environment', 'tickets', 'release', 'outcome'])

/** The records as pretty JSON (oldest first), ending with a newline. */
export function ledgerJson(records: readonly LedgerRecord[]): string {
  return JSON.stringify(records, null, 2) + '\n'
}

/** The records as CSV with a header row, oldest first, CRLF line ends. */
export function ledgerCsv(records: readonly LedgerRecord[]): string {
  const rows = [COLUMNS.join(',')]
  for (const r of records) {
    const e = r.entry
    const rest = Object.fromEntries(Object.entries(e).filter(([k]) => !SHARED.has(k)))
    const values: Record<(typeof COLUMNS)[number], string> = {
      position: String(r.position),
      at: e.at,
      kind: e.kind,
      environment: e.environment ?? '',
      release: 'release' in e && e.release ? e.release : '',
      outcome: 'outcome' in e && e.outcome ? e.outcome : '',
      by: e.by,
      author: `${r.author.name} <${r.author.email}>`,
      tickets: e.tickets.join(' '),
      summary: describeEntry(e),
      id: e.id,
      commit: r.commit,
      details: JSON.stringify(rest)
    }
    rows.push(COLUMNS.map((c) => csvField(values[c])).join(','))
  }
  return rows.join('\r\n') + '\r\n'
}

function csvField(value: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet: prefix it with a quote.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
