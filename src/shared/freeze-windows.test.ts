import { describe, expect, it } from 'vitest'
import {
  activeFreeze,
  describeFreeze,
  parseFreezeWindow,
  parseFreezeWindows,
  type FreezeWindow
} from './freeze-windows'
import { instantOf, isTimeZone } from './zoned-time'

function window(text: string): FreezeWindow {
  const w = parseFreezeWindow(text)
  if ('problem' in w) throw new Error(w.problem)
  return w
}

function at(windows: string[], iso: string, tz = 'UTC'): ReturnType<typeof activeFreeze> {
  return activeFreeze(windows.map(window), Date.parse(iso), tz)
}

describe('parseFreezeWindow', () => {
  it('reads weekly and dated windows', () => {
    expect(window('Fri 16:00 - Mon 08:00')).toEqual({
      kind: 'weekly',
      text: 'Fri 16:00 - Mon 08:00',
      startDay: 4,
      startMinute: 16 * 60,
      endDay: 0,
      endMinute: 8 * 60
    })
    expect(window('friday 9:30-monday 08:00')).toMatchObject({ startDay: 4, startMinute: 570 })
    expect(window(' 2026-12-24 00:00 - 2026-12-27 00:00 ')).toEqual({
      kind: 'dated',
      text: '2026-12-24 00:00 - 2026-12-27 00:00',
      start: { year: 2026, month: 12, day: 24, hour: 0, minute: 0 },
      end: { year: 2026, month: 12, day: 27, hour: 0, minute: 0 }
    })
  })

  it.each([
    ['Fri 16:00', 'is not a freeze window'],
    ['Fri 24:00 - Mon 08:00', 'a time is HH:MM'],
    ['Fri 16:60 - Mon 08:00', 'a time is HH:MM'],
    ['Frx 16:00 - Mon 08:00', '"Frx" is not a day'],
    ['Fri 16:00 - Fri 16:00', 'starts and ends at the same time'],
    ['2026-02-30 00:00 - 2026-03-02 00:00', 'not a real date'],
    ['2026-13-01 00:00 - 2026-12-02 00:00', 'not a real date'],
    ['2026-12-27 00:00 - 2026-12-24 00:00', 'ends before it starts'],
    ['2026-12-24 00:00 - 2026-12-24 00:00', 'ends before it starts'],
    ['weekends', 'is not a freeze window'],
    ['', 'is not a freeze window']
  ])('refuses %j saying why', (text, reason) => {
    const parsed = parseFreezeWindow(text)
    expect(parsed).toHaveProperty('problem')
    expect((parsed as { problem: string }).problem).toContain(reason)
  })
})

describe('activeFreeze, weekly windows', () => {
  const weekend = ['Fri 16:00 - Mon 08:00']

  it('holds from Friday 16:00 to Monday 08:00 across the week end', () => {
    // 2026-12-04 is a Friday.
    expect(at(weekend, '2026-12-04T15:59:00Z')).toBeNull()
    expect(at(weekend, '2026-12-04T16:00:00Z')).toMatchObject({
      windows: ['Fri 16:00 - Mon 08:00'],
      endsAt: '2026-12-07T08:00:00.000Z',
      endsAtLocal: '2026-12-07 08:00'
    })
    expect(at(weekend, '2026-12-06T23:59:00Z')?.endsAt).toBe('2026-12-07T08:00:00.000Z')
    expect(at(weekend, '2026-12-07T07:59:00Z')?.endsAt).toBe('2026-12-07T08:00:00.000Z')
    expect(at(weekend, '2026-12-07T08:00:00Z')).toBeNull()
    expect(at(weekend, '2026-12-02T12:00:00Z')).toBeNull()
  })

  it('handles a window within one day and one that wraps Sunday into Monday', () => {
    expect(at(['Wed 09:00 - Wed 10:00'], '2026-12-02T09:30:00Z')?.endsAt).toBe(
      '2026-12-02T10:00:00.000Z'
    )
    expect(at(['Wed 09:00 - Wed 10:00'], '2026-12-02T10:00:00Z')).toBeNull()
    expect(at(['Sun 22:00 - Mon 02:00'], '2026-12-07T01:00:00Z')?.endsAt).toBe(
      '2026-12-07T02:00:00.000Z'
    )
  })

  it('handles a window of almost a whole week (it started the week before)', () => {
    const long = ['Mon 08:00 - Mon 07:00']
    expect(at(long, '2026-12-07T06:59:00Z')?.endsAt).toBe('2026-12-07T07:00:00.000Z')
    expect(at(long, '2026-12-07T07:30:00Z')).toBeNull()
    expect(at(long, '2026-12-07T08:00:00Z')?.endsAt).toBe('2026-12-14T07:00:00.000Z')
  })

  it('reads the times in the given time zone', () => {
    // New York is UTC-5 in December: Friday 16:00 there is 21:00 UTC.
    expect(at(weekend, '2026-12-04T20:59:00Z', 'America/New_York')).toBeNull()
    expect(at(weekend, '2026-12-04T21:00:00Z', 'America/New_York')).toMatchObject({
      endsAt: '2026-12-07T13:00:00.000Z',
      endsAtLocal: '2026-12-07 08:00',
      timeZone: 'America/New_York'
    })
  })

  it('spans the year boundary', () => {
    // 2026-12-31 is a Thursday, 2027-01-04 a Monday.
    expect(at(['Thu 16:00 - Mon 08:00'], '2027-01-01T12:00:00Z')?.endsAt).toBe(
      '2027-01-04T08:00:00.000Z'
    )
  })
})

describe('activeFreeze across daylight saving changes (Europe/Berlin)', () => {
  const tz = 'Europe/Berlin'
  const night = ['Sat 22:00 - Sun 06:00']

  it('spring forward: the night is an hour shorter, and ends at 06:00 summer time', () => {
    // Sat 2026-03-28 22:00 CET = 21:00 UTC; Sun 2026-03-29 06:00 CEST = 04:00 UTC.
    expect(at(night, '2026-03-28T20:59:00Z', tz)).toBeNull()
    expect(at(night, '2026-03-28T21:00:00Z', tz)?.endsAt).toBe('2026-03-29T04:00:00.000Z')
    expect(at(night, '2026-03-29T03:59:00Z', tz)?.endsAtLocal).toBe('2026-03-29 06:00')
    expect(at(night, '2026-03-29T04:00:00Z', tz)).toBeNull()
  })

  it('fall back: the night is an hour longer, and ends at 06:00 winter time', () => {
    // Sat 2026-10-24 22:00 CEST = 20:00 UTC; Sun 2026-10-25 06:00 CET = 05:00 UTC.
    expect(at(night, '2026-10-24T20:00:00Z', tz)?.endsAt).toBe('2026-10-25T05:00:00.000Z')
    expect(at(night, '2026-10-25T04:59:00Z', tz)).not.toBeNull()
    expect(at(night, '2026-10-25T05:00:00Z', tz)).toBeNull()
  })

  it('a window starting in the skipped hour starts when the clocks have jumped', () => {
    // 02:30 does not happen on 2026-03-29: it is 03:30 CEST = 01:30 UTC.
    expect(at(['Sun 02:30 - Sun 04:00'], '2026-03-29T01:29:00Z', tz)).toBeNull()
    expect(at(['Sun 02:30 - Sun 04:00'], '2026-03-29T01:30:00Z', tz)?.endsAt).toBe(
      '2026-03-29T02:00:00.000Z'
    )
  })

  it('a window starting in the repeated hour starts at its first occurrence', () => {
    // 02:30 happens twice on 2026-10-25: first at 00:30 UTC (CEST).
    expect(at(['Sun 02:30 - Sun 05:00'], '2026-10-25T00:29:00Z', tz)).toBeNull()
    expect(at(['Sun 02:30 - Sun 05:00'], '2026-10-25T00:30:00Z', tz)?.endsAt).toBe(
      '2026-10-25T04:00:00.000Z'
    )
  })

  it('instantOf resolves gaps forward and repeats to the earlier time', () => {
    const w = (day: number, month: number, hour: number, minute: number) =>
      instantOf({ year: 2026, month, day, hour, minute }, tz)
    expect(new Date(w(29, 3, 2, 30)).toISOString()).toBe('2026-03-29T01:30:00.000Z')
    expect(new Date(w(29, 3, 3, 0)).toISOString()).toBe('2026-03-29T01:00:00.000Z')
    expect(new Date(w(25, 10, 2, 30)).toISOString()).toBe('2026-10-25T00:30:00.000Z')
    expect(new Date(w(25, 10, 3, 0)).toISOString()).toBe('2026-10-25T02:00:00.000Z')
    expect(new Date(w(1, 7, 12, 0)).toISOString()).toBe('2026-07-01T10:00:00.000Z')
  })
})

describe('activeFreeze, dated windows', () => {
  it('holds from start to end in its zone, across the year boundary', () => {
    const newYear = ['2026-12-31 18:00 - 2027-01-02 08:00']
    // Tokyo is UTC+9: 2026-12-31 18:00 JST = 09:00 UTC; 2027-01-02 08:00 JST = 2027-01-01 23:00 UTC.
    expect(at(newYear, '2026-12-31T08:59:00Z', 'Asia/Tokyo')).toBeNull()
    expect(at(newYear, '2026-12-31T09:00:00Z', 'Asia/Tokyo')).toMatchObject({
      endsAt: '2027-01-01T23:00:00.000Z',
      endsAtLocal: '2027-01-02 08:00'
    })
    expect(at(newYear, '2027-01-01T23:00:00Z', 'Asia/Tokyo')).toBeNull()
  })

  it('windows that overlap or touch are one freeze, ending when the last does', () => {
    // Sat 2026-12-26 is inside Fri–Mon; a holiday window starts as it ends, on Mon 28th 08:00.
    const freeze = at(
      ['Fri 16:00 - Mon 08:00', '2026-12-28 08:00 - 2026-12-30 00:00'],
      '2026-12-26T12:00:00Z'
    )
    expect(freeze).toMatchObject({
      windows: ['Fri 16:00 - Mon 08:00', '2026-12-28 08:00 - 2026-12-30 00:00'],
      endsAt: '2026-12-30T00:00:00.000Z'
    })
    expect(describeFreeze('production', freeze!)).toBe(
      "production is frozen by 'Fri 16:00 - Mon 08:00' and '2026-12-28 08:00 - 2026-12-30 00:00' until 2026-12-30 00:00 (UTC)"
    )
  })
})

describe('zones and lists', () => {
  it('knows real time zones and refuses others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true)
    expect(isTimeZone('UTC')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
    expect(isTimeZone(' UTC')).toBe(false)
    expect(isTimeZone('')).toBe(false)
  })

  it('parseFreezeWindows keeps the windows that parse', () => {
    expect(parseFreezeWindows(['Fri 16:00 - Mon 08:00', 'nonsense']).map((w) => w.text)).toEqual([
      'Fri 16:00 - Mon 08:00'
    ])
    expect(parseFreezeWindows(undefined)).toEqual([])
  })
})
