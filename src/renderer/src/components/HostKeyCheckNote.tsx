import {
  FolderClosed,
  KeyRound,
  LoaderCircle,
  ServerOff,
  ShieldAlert,
  ShieldCheck
} from 'lucide-react'
import type { HostKeyScan } from '../../../shared/contract-deploy'
import { keyScanText, type HostKeyCheck } from '../stores/host-key-check'

const ICONS: Record<HostKeyScan['state'], typeof ServerOff> = {
  trusted: ShieldCheck,
  local: FolderClosed,
  unknown: KeyRound,
  changed: ShieldAlert,
  unreachable: ServerOff
}

/** What "Check host keys…" found, host by host, in words (never a silent button). */
export function HostKeyCheckNote({
  environment,
  check,
  cardErrors
}: {
  readonly environment: string
  readonly check: HostKeyCheck
  /** Each host's error as its card shows it now (null when it shows none). */
  readonly cardErrors: Readonly<Record<string, string | null>>
}): React.JSX.Element {
  return (
    <div className="key-check" role="status" data-testid={`key-check-${environment}`}>
      {check.state === 'checking' && (
        <p className="key-check-line">
          <LoaderCircle aria-hidden="true" className="spin" size={14} /> Checking host keys…
        </p>
      )}
      {check.state === 'failed' && check.error && (
        <p className="key-check-line key-check-unreachable">
          <ServerOff aria-hidden="true" size={14} /> Could not check host keys:{' '}
          {check.error.message}
        </p>
      )}
      {check.hosts.map((scan) => {
        const Icon = ICONS[scan.state]
        return (
          <p
            key={scan.host}
            className={`key-check-line key-check-${scan.state}`}
            data-state={scan.state}
          >
            <Icon aria-hidden="true" size={14} />{' '}
            {keyScanText(scan, cardErrors[scan.host] === scan.message)}
          </p>
        )
      })}
    </div>
  )
}
