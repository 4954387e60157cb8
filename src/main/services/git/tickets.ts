import { ExpectedError } from '../errors'

const compiled = new Map<string, RegExp>()

function ticketRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern)
  if (!re) {
    try {
      re = new RegExp(pattern, 'g')
    } catch (e) {
      throw new ExpectedError('bad-config', `ticket pattern is not a valid regular expression`, {
        pattern,
        reason: e instanceof Error ? e.message : String(e)
      })
    }
    compiled.set(pattern, re)
  }
  return re
}

/**
 * Ticket keys in `text` matched by `pattern` (applied as a global regular expression), each
 * once, in the order first seen. Empty matches are ignored.
 */
export function findTickets(text: string, pattern: string): string[] {
  const found: string[] = []
  const re = ticketRegExp(pattern)
  // One shared instance: reset lastIndex, and never yield between exec calls.
  re.lastIndex = 0
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const key = m[0]
    if (!key) {
      re.lastIndex += 1
      continue
    }
    if (!found.includes(key)) found.push(key)
  }
  return found
}

/** Adds each of `keys` to `into` unless already there, keeping first-seen order. */
export function mergeTickets(into: string[], keys: readonly string[]): void {
  for (const key of keys) if (!into.includes(key)) into.push(key)
}
