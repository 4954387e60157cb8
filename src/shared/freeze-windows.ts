import {
  addDays,
  formatWallTime,
  instantOf,
  wallTimeAt,
  weekdayOf,
  type WallTime
} from './zoned-time'

/** A freeze window from `slipway.yml`, parsed: weekly (`Fri 16:00 - Mon 08:00`) or dated. */
export type FreezeWindow =
  | {
      readonly kind: 'weekly'
      readonly text: string
      /** Monday = 0 … Sunday = 6. */
      readonly startDay: number
      readonly startMinute: number
      readonly endDay: number
      readonly endMinute: number
    }
  | {
      readonly kind: 'dated'
      readonly text: string
      readonly start: WallTime
      readonly end: WallTime
    }

/** The freeze in force at an instant: which windows, and when the environment thaws. */
export interface ActiveFreeze {
  /** The windows (as written in `slipway.yml`) that hold the freeze, in the order they apply. */
  readonly windows: readonly string[]
  /** ISO instant the freeze ends (windows that touch or overlap are one freeze). */
  readonly endsAt: string
  /** The end as a wall-clock time in the freeze's time zone: `2026-12-07 08:00`. */
  readonly endsAtLocal: string
  readonly timeZone: string
}

/** The fewest characters a freeze override's reason may have: a sentence, not "ok". */
export const MIN_OVERRIDE_REASON = 10

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
const FORMAT_HINT =
  "write 'Fri 16:00 - Mon 08:00' (weekly) or '2026-12-24 00:00 - 2026-12-27 00:00' (dated)"

const WEEKLY =
  /^([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*-\s*([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})$/
const DATED =
  /^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})\s*-\s*(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})$/

/**
 * Parses one freeze window; a string that is not one gives a sentence saying why (for the
 * config problem at its line). Times are wall-clock times in the environment's time zone.
 */
export function parseFreezeWindow(text: string): FreezeWindow | { readonly problem: string } {
  const t = text.trim()
  const weekly = WEEKLY.exec(t)
  if (weekly) {
    const [, d1, h1, m1, d2, h2, m2] = weekly as unknown as string[]
    const startDay = dayIndex(d1 as string, t)
    const endDay = dayIndex(d2 as string, t)
    if (typeof startDay === 'string') return { problem: startDay }
    if (typeof endDay === 'string') return { problem: endDay }
    const startMinute = minuteOfDay(h1 as string, m1 as string)
    const endMinute = minuteOfDay(h2 as string, m2 as string)
    if (startMinute === null || endMinute === null) {
      return { problem: `${JSON.stringify(t)}: a time is HH:MM from 00:00 to 23:59` }
    }
    if (startDay === endDay && startMinute === endMinute) {
      return { problem: `${JSON.stringify(t)}: the window starts and ends at the same time` }
    }
    return { kind: 'weekly', text: t, startDay, startMinute, endDay, endMinute }
  }
  const dated = DATED.exec(t)
  if (dated) {
    const n = (dated.slice(1) as string[]).map(Number)
    const start = wall(n[0], n[1], n[2], n[3], n[4])
    const end = wall(n[5], n[6], n[7], n[8], n[9])
    if (!start || !end) {
      return {
        problem: `${JSON.stringify(t)}: not a real date and time (dates are YYYY-MM-DD, times HH:MM)`
      }
    }
    if (formatWallTime(end) <= formatWallTime(start)) {
      return { problem: `${JSON.stringify(t)}: the window ends before it starts` }
    }
    return { kind: 'dated', text: t, start, end }
  }
  return { problem: `${JSON.stringify(t)} is not a freeze window: ${FORMAT_HINT}` }
}

function dayIndex(word: string, text: string): number | string {
  const i = DAYS.indexOf(word.toLowerCase() as (typeof DAYS)[number])
  return i >= 0 ? i : `${JSON.stringify(text)}: ${JSON.stringify(word)} is not a day (Mon … Sun)`
}

function minuteOfDay(h: string, m: string): number | null {
  const hour = Number(h)
  const minute = Number(m)
  return hour > 23 || minute > 59 ? null : hour * 60 + minute
}

function wall(
  year?: number,
  month?: number,
  day?: number,
  hour?: number,
  minute?: number
): WallTime | null {
  if ([year, month, day, hour, minute].some((v) => v === undefined)) return null
  const w = { year, month, day, hour, minute } as WallTime
  if (w.hour > 23 || w.minute > 59 || w.month < 1 || w.month > 12) return null
  // 2026-02-30 rolls over to March in Date.UTC: a date that does not round-trip is not real.
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day))
  if (
    d.getUTCFullYear() !== w.year ||
    d.getUTCMonth() !== w.month - 1 ||
    d.getUTCDate() !== w.day
  ) {
    return null
  }
  return w
}

/** Every window's occurrence that holds `instant`, as [start, end) instants. */
function occurrencesAt(
  window: FreezeWindow,
  instant: number,
  timeZone: string
): { start: number; end: number } | null {
  if (window.kind === 'dated') {
    const start = instantOf(window.start, timeZone)
    const end = instantOf(window.end, timeZone)
    return start <= instant && instant < end ? { start, end } : null
  }
  const today = wallTimeAt(instant, timeZone)
  const back = (weekdayOf(today.year, today.month, today.day) - window.startDay + 7) % 7
  let span = (window.endDay - window.startDay + 7) % 7
  if (span === 0 && window.endMinute <= window.startMinute) span = 7
  // A weekly window lasts at most a week: the occurrence holding `instant` started on the
  // latest start day up to today, or the one a week before (a window longer than 6 days).
  for (const weeksBack of [0, 7]) {
    const startDate = addDays(today, -(back + weeksBack))
    const endDate = addDays(startDate, span)
    const start = instantOf(atMinute(startDate, window.startMinute), timeZone)
    const end = instantOf(atMinute(endDate, window.endMinute), timeZone)
    if (start <= instant && instant < end) return { start, end }
  }
  return null
}

function atMinute(date: { year: number; month: number; day: number }, minute: number): WallTime {
  return { ...date, hour: Math.floor(minute / 60), minute: minute % 60 }
}

/**
 * The freeze in force at `now` (ms since the epoch), or null. Windows that overlap or touch
 * are one freeze: it ends when none of them holds any more (Fri–Mon followed by a dated
 * holiday window starting Monday ends when the holiday does).
 */
export function activeFreeze(
  windows: readonly FreezeWindow[],
  now: number,
  timeZone: string
): ActiveFreeze | null {
  const held: string[] = []
  let at = now
  // Each step moves `at` to a later end; a week's worth of chained windows is far more than
  // any real calendar needs, and the bound keeps a pathological file from looping.
  for (let step = 0; step < 64; step++) {
    let latest: number | null = null
    for (const w of windows) {
      const o = occurrencesAt(w, at, timeZone)
      if (!o) continue
      if (!held.includes(w.text)) held.push(w.text)
      if (latest === null || o.end > latest) latest = o.end
    }
    if (latest === null) break
    at = latest
  }
  if (held.length === 0) return null
  return {
    windows: held,
    endsAt: new Date(at).toISOString(),
    endsAtLocal: formatWallTime(wallTimeAt(at, timeZone)),
    timeZone
  }
}

/** Parses an environment's `freeze` list, dropping what does not parse (the config refuses it). */
export function parseFreezeWindows(texts: readonly string[] | undefined): FreezeWindow[] {
  return (texts ?? []).flatMap((t) => {
    const w = parseFreezeWindow(t)
    return 'problem' in w ? [] : [w]
  })
}

/** One sentence: `production is frozen by 'Fri 16:00 - Mon 08:00' until 2026-12-07 08:00 (UTC)`. */
export function describeFreeze(environment: string, freeze: ActiveFreeze): string {
  const windows = freeze.windows.map((w) => `'${w}'`).join(' and ')
  return `${environment} is frozen by ${windows} until ${freeze.endsAtLocal} (${freeze.timeZone})`
}
