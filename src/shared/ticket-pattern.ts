import { checkRegexSafety } from './regex-safety'

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
