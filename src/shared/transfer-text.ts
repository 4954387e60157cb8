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

/** One line saying how a release reached a host: what was sent, what was reused and from where. */
export function describeTransfer(t: HostTransfer): string {
  switch (t.mode) {
    case 'present':
      return 'release already on the host: nothing sent'
    case 'delta':
      return `sent ${formatBytes(t.bytesSent)}, reused ${formatBytes(t.bytesReused)} from ${t.base ?? 'the previous release'}`
    case 'full':
      return `sent ${formatBytes(t.bytesSent)} (whole release${t.fallback ? `; ${t.fallback}` : ''})`
    default:
      return assertNever(t.mode)
  }
}
