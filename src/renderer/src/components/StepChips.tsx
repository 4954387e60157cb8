import { Circle, CircleCheck, CircleSlash2, CircleX, LoaderCircle, Undo2 } from 'lucide-react'
import type { HostDeployState, StepState } from '../../../shared'
import {
  hostSteps,
  STEP_LABEL,
  STEP_STATE_TEXT,
  stepFailureText,
  timeLeft
} from '../lib/deploy-steps'
import { useNow } from '../lib/use-now'

// Each state has its own icon and outline (solid, bold, filled, dashed, dotted), so no state is
// told by colour alone; the state is also written out for screen readers.
const ICONS: Readonly<Record<StepState, typeof Circle>> = {
  pending: Circle,
  running: LoaderCircle,
  done: CircleCheck,
  failed: CircleX,
  skipped: CircleSlash2,
  'rolled-back': Undo2
}

/** Counts down to a health wait's deadline, as the server set it. */
function Countdown({ deadline }: { readonly deadline: string }): React.JSX.Element {
  const now = useNow(1000)
  return (
    <time
      className="step-countdown"
      dateTime={deadline}
      title={`The health check gives up at ${new Date(deadline).toLocaleTimeString()}`}
      data-testid="health-countdown"
    >
      {timeLeft(deadline, now)}
    </time>
  )
}

/**
 * One host's steps as chips (done, running, failed, skipped, to do, rolled back), the health
 * wait's countdown on the running one, and under them what each failed step said.
 */
export function StepChips({
  host,
  finished
}: {
  readonly host: HostDeployState
  readonly finished: boolean
}): React.JSX.Element {
  const steps = hostSteps(host, finished)
  const failures = steps.filter((s) => s.state === 'failed' && s.message !== '')
  return (
    <>
      <ol className="step-list" aria-label={`Steps on ${host.host}`}>
        {steps.map((s) => {
          const Icon = ICONS[s.state]
          const current = s.step === host.step && !finished
          return (
            <li
              key={s.step}
              className={`step step-${s.state}`}
              data-step={s.step}
              data-state={s.state}
              aria-current={current ? 'step' : undefined}
              title={s.message || STEP_STATE_TEXT[s.state]}
            >
              <Icon className="step-icon" aria-hidden="true" size={12} strokeWidth={2.5} />
              <span>{STEP_LABEL[s.step]}</span>
              <span className="visually-hidden">: {STEP_STATE_TEXT[s.state]}</span>
              {s.state === 'running' && host.healthDeadline && current && (
                <Countdown deadline={host.healthDeadline} />
              )}
            </li>
          )
        })}
      </ol>
      {failures
        .filter((s) => !(s.step === host.step && host.state === 'failed'))
        .map((s) => (
          <p key={s.step} className="step-failure" data-testid={`step-failure-${s.step}`}>
            <CircleX aria-hidden="true" size={12} /> {stepFailureText(s)}
          </p>
        ))}
    </>
  )
}
