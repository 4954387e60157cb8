import { Snowflake } from 'lucide-react'
import type { EnvironmentStatus } from '../../../shared'
import { formatAbsolute } from '../lib/format'

/**
 * An environment's freeze as its lane shows it: the windows in force and when the freeze
 * ends, and an override in force (who, why, for which release) until that freeze ends.
 */
export function FreezeNotice({
  status
}: {
  readonly status: EnvironmentStatus
}): React.JSX.Element | null {
  const freeze = status.freeze
  const override = status.freezeOverride
  if (!freeze && !override) return null
  return (
    <div
      className="env-warning freeze-notice"
      role="status"
      data-testid={`freeze-${status.environment}`}
    >
      {freeze && (
        <p>
          <Snowflake size={13} aria-hidden="true" /> <strong>Frozen</strong> until{' '}
          <time dateTime={freeze.endsAt} title={formatAbsolute(freeze.endsAt)}>
            {freeze.endsAtLocal}
          </time>{' '}
          ({freeze.timeZone}) by {freeze.windows.map((w) => `‘${w}’`).join(' and ')}. Deploys and
          promotions need a written override; rollbacks are never frozen.
        </p>
      )}
      {override && (
        <p data-testid={`freeze-override-${status.environment}`}>
          <strong>Freeze overridden</strong> by {override.by} for <code>{override.release}</code>: “
          {override.reason}” (in force until {override.freeze.endsAtLocal}{' '}
          {override.freeze.timeZone}).
        </p>
      )}
    </div>
  )
}
