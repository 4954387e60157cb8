import { checkRegexSafety } from './regex-safety'

/**
 * Ticket keys when slipway.yml names no projects: capitals and digits, a dash, a number. The
 * number must not go on with more digits or another `-<digit>`, so `CVE-2026-4867` (an id
 * with two dashes) is no ticket at all rather than ticket `CVE-2026`.
 */
export const DEFAULT_TICKET_PATTERN = '[A-Z][A-Z0-9]+-[0-9]+(?!-?[0-9])'

/**
 * The ticket pattern of `tickets.projects` (the prefixes in use): exactly those prefixes, not
 * inside a longer word (`XORD-1` is not `ORD-1`), the whole number. Without projects, the
 * {@link DEFAULT_TICKET_PATTERN}.
 */
export function ticketPatternFor(projects: readonly string[] | undefined): string {
  if (!projects || projects.length === 0) return DEFAULT_TICKET_PATTERN
  // Prefixes are validated as [A-Z][A-Z0-9]*: nothing to escape.
  return `(?<![A-Z0-9])(?:${[...new Set(projects)].join('|')})-[0-9]+(?![0-9])`
}

// Configs are validated on every open and by every CLI command; patterns rarely change.
const verdicts = new Map<string, string | null>()
const REMEMBERED = 64

/**
 * Why `pattern` cannot be a ticket pattern, or null when it can: it must compile as a
 * JavaScript regular expression and must not be able to stall matching (see regex-safety.ts).
 */
export function ticketPatternProblem(pattern: string): string | null {
  const known = verdicts.get(pattern)
  if (known !== undefined) return known
  const verdict = judge(pattern)
  if (verdicts.size >= REMEMBERED) verdicts.delete(verdicts.keys().next().value as string)
  verdicts.set(pattern, verdict)
  return verdict
}

function judge(pattern: string): string | null {
  try {
    new RegExp(pattern, 'g')
  } catch {
    return 'not a valid regular expression'
  }
  const safety = checkRegexSafety(pattern)
  if (safety.kind === 'safe') return null
  const where = safety.index === null ? '' : ` (at character ${safety.index + 1} of the pattern)`
  return `refused${where}: ${safety.reason}`
}
