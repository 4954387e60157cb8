import type { HostKeyScan } from '../../../shared/contract-deploy'
import { assertNever } from '../../../shared/errors'
import type { UiError } from './workspace-store'

/** What "Check host keys…" found on one environment's hosts, kept for the lane to show. */
export interface HostKeyCheck {
  readonly state: 'checking' | 'done' | 'failed'
  /** One scan per host (empty while checking or when the check itself failed). */
  readonly hosts: readonly HostKeyScan[]
  /** Why the check could not run at all. */
  readonly error: UiError | null
}

/**
 * How one host's scan reads in the lane, as a sentence that says what to do next. `onCard`: the
 * host's card already shows this very reason, so it is pointed to, not said twice.
 */
export function keyScanText(scan: HostKeyScan, onCard = false): string {
  switch (scan.state) {
    case 'trusted':
      return `${scan.host}: host key trusted`
    case 'local':
      return `${scan.host}: a folder on this machine, no host key`
    case 'unknown':
      return `${scan.host}: host key not known yet (${scan.fingerprint ?? 'no fingerprint'})`
    case 'changed':
      return `${scan.host}: host key changed, connection refused: ${scan.message}`
    case 'unreachable':
      return onCard
        ? `${scan.host} is unreachable, so its host key was not checked; the reason is on its card below`
        : `${scan.host} is unreachable, so its host key was not checked: ${scan.message}`
    default:
      return assertNever(scan.state)
  }
}
