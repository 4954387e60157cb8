import { ticketPatternProblem } from '../../../shared/ticket-pattern'
import { ExpectedError } from '../errors'

/**
 * How much of a text (branch name, commit subject) is searched for ticket keys. Patterns are
 * checked to match in linear time per start position, so this keeps the search of any one
 * text well under a millisecond; a ticket key further in is not found.
 */
export const MAX_TICKET_TEXT = 512
/** The longest ticket key kept; a longer match is not a ticket key. */
export const MAX_TICKET_KEY = 64

const compiled = new Map<string, RegExp>()

function ticketRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern)
  if (!re) {
    // The config schema refuses such patterns already; a pattern from anywhere else gets the
    // same check before it can run.
    const problem = ticketPatternProblem(pattern)
    if (problem) {
      throw new ExpectedError('bad-config', `ticket pattern ${problem}`, { pattern })
    }
    re = new RegExp(pattern, 'g')
    compiled.set(pattern, re)
  }
  return re
}

/**
 * Ticket keys in `text` matched by `pattern` (applied as a global regular expression), each
 * once, in the order first seen. Empty matches and matches longer than {@link MAX_TICKET_KEY}
 * are ignored; only the first {@link MAX_TICKET_TEXT} characters are searched.
 */
export function findTickets(text: string, pattern: string): string[] {
  const found: string[] = []
  const re = ticketRegExp(pattern)
  const bounded = text.length > MAX_TICKET_TEXT ? text.slice(0, MAX_TICKET_TEXT) : text
  // One shared instance: reset lastIndex, and never yield between exec calls.
  re.lastIndex = 0
  for (let m = re.exec(bounded); m !== null; m = re.exec(bounded)) {
    const key = m[0]
    if (!key) {
      re.lastIndex += 1
      continue
    }
    if (key.length <= MAX_TICKET_KEY && !found.includes(key)) found.push(key)
  }
  return found
}

/** Adds each of `keys` to `into` unless already there, keeping first-seen order. */
export function mergeTickets(into: string[], keys: readonly string[]): void {
  for (const key of keys) if (!into.includes(key)) into.push(key)
}
