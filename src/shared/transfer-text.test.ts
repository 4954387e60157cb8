import { describe, expect, it } from 'vitest'
import { describeTransfer, formatBytes } from './transfer-text'

describe('describeTransfer', () => {
  it('says what was sent, what was reused and from where, or why the whole release went', () => {
    expect(
      describeTransfer({
        mode: 'delta',
        bytesSent: 1_100_000,
        bytesReused: 51_380_224,
        base: '20261126.1204-abc1234',
        fallback: null
      })
    ).toBe('sent 1.05 MiB from this machine, reused 49.0 MiB from 20261126.1204-abc1234')
    expect(
      describeTransfer({
        mode: 'full',
        bytesSent: 52_428_800,
        bytesReused: 0,
        base: null,
        fallback: 'delta from 20261126.1204-abc1234 failed: the assembled tree differs'
      })
    ).toBe(
      'sent 50.0 MiB from this machine (whole release; delta from 20261126.1204-abc1234 failed: the assembled tree differs)'
    )
    expect(
      describeTransfer({
        mode: 'delta',
        bytesSent: 2150,
        bytesReused: 51_380_224,
        base: '20261126.1204-abc1234',
        fallback: null,
        relay: { host: 'web-1', bytes: 1_100_000 }
      })
    ).toBe(
      'fetched 1.05 MiB from web-1 (relay), sent 2.10 KiB from this machine, reused 49.0 MiB from 20261126.1204-abc1234'
    )
    expect(
      describeTransfer({
        mode: 'full',
        bytesSent: 2150,
        bytesReused: 0,
        base: null,
        fallback: null,
        relay: { host: 'web-1', bytes: 52_428_800 }
      })
    ).toBe('fetched 50.0 MiB from web-1 (relay), sent 2.10 KiB from this machine (whole release)')
    expect(
      describeTransfer({
        mode: 'present',
        bytesSent: 0,
        bytesReused: 0,
        base: null,
        fallback: null
      })
    ).toBe('release already on the host: nothing sent')
  })

  it('formats bytes in binary units', () => {
    expect([formatBytes(812), formatBytes(4300), formatBytes(3 * 1024 ** 3)]).toEqual([
      '812 B',
      '4.20 KiB',
      '3.00 GiB'
    ])
  })
})
