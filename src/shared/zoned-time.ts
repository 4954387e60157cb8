/** A wall-clock date and time in some time zone (month 1–12, weekday 0 = Monday). */
export interface WallTime {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit'
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** True when `name` is a time zone this runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '' || name !== name.trim()) return false
  try {
    formatter(name)
    return true
  } catch {
    return false
  }
}

/** The time zone of this machine (what `freezeTimezone` defaults to). */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** The wall clock in `timeZone` at `instant` (ms since the epoch), to the minute. */
export function wallTimeAt(instant: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    // Some ICU versions print midnight as 24 even with h23.
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0
  }
}

/** Monday = 0 … Sunday = 6, for a calendar date (no time zone involved). */
export function weekdayOf(year: number, month: number, day: number): number {
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7
}

/** The calendar date `days` after the given one (negative goes back). */
export function addDays(
  date: { readonly year: number; readonly month: number; readonly day: number },
  days: number
): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

// Wall clock read as if it were UTC: the offset of a zone at an instant is this minus the instant.
function asUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute)
}

function offsetAt(instant: number, timeZone: string): number {
  return asUtc(wallTimeAt(instant, timeZone)) - Math.floor(instant / 60_000) * 60_000
}

/**
 * The instant a wall-clock time happens in `timeZone`. Across a DST change it behaves as
 * Temporal's `compatible` disambiguation does: a time that happens twice (clocks go back) is
 * the earlier one; a time that never happens (clocks go forward) is moved forward by the gap
 * (02:30 on a spring-forward night in Berlin is 03:30 summer time).
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const local = asUtc(wall)
  // The offsets in force a day either side cover every real zone's transitions.
  const before = offsetAt(local - 86_400_000, timeZone)
  const after = offsetAt(local + 86_400_000, timeZone)
  const candidates = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((instant) => asUtc(wallTimeAt(instant, timeZone)) === local)
    .sort((a, b) => a - b)
  if (candidates.length > 0) return candidates[0] as number
  // In a gap: the wall clock jumped over this time; use the offset from before the jump.
  return local - before
}

/** `2026-12-07 08:00` for a wall time. */
export function formatWallTime(w: WallTime): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`
}
