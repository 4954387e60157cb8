import type { HostTransfer } from './deploy-models'
import { assertNever } from './errors'

/** Bytes for people: `812 B`, `4.20 KiB`, `1.05 MiB`, `48.3 MiB`, `2.10 GiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = n / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`
}

/**
 * One line saying how a release reached a host: the bytes sent from this machine, the bytes
 * fetched from a relay host (fan-out) and the bytes reused from an earlier release, with where
 * each came from.
 */
export function describeTransfer(t: HostTransfer): string {
  const relay = t.relay
    ? `fetched ${formatBytes(t.relay.bytes)} from ${t.relay.host} (relay), `
    : ''
  const sent = `${relay}sent ${formatBytes(t.bytesSent)} from this machine`
  switch (t.mode) {
    case 'present':
      return 'release already on the host: nothing sent'
    case 'delta':
      return `${sent}, reused ${formatBytes(t.bytesReused)} from ${t.base ?? 'the previous release'}`
    case 'full':
      return `${sent} (whole release${t.fallback ? `; ${t.fallback}` : ''})`
    default:
      return assertNever(t.mode)
  }
}
