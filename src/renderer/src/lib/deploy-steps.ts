import type { DeployStep, HostDeployState, HostStep, StepState } from '../../../shared'

/** The steps every host goes through, in order, as chips ('verify' happens inside 'unpack'). */
export const CHIP_STEPS: readonly DeployStep[] = [
  'preflight',
  'lock',
  'upload',
  'unpack',
  'activate',
  'hook',
  'health'
]
/** Steps shown after those only when a host reported them. */
const TAIL_STEPS: readonly DeployStep[] = ['rollback', 'unlock', 'cleanup']

/** How a step is named on its chip. */
export const STEP_LABEL: Readonly<Record<DeployStep, string>> = {
  preflight: 'preflight',
  lock: 'lock',
  upload: 'upload',
  verify: 'verify',
  unpack: 'verify + unpack',
  activate: 'activate',
  hook: 'hook',
  health: 'health',
  rollback: 'switch back',
  unlock: 'unlock',
  cleanup: 'cleanup'
}

/** How a step's state reads (for screen readers and beside its icon). */
export const STEP_STATE_TEXT: Readonly<Record<StepState, string>> = {
  pending: 'to do',
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
  'rolled-back': 'rolled back'
}

/**
 * Each step of one host with how it stands: what the host reported; a step it never reported is
 * skipped once a later one was reported (or once the deployment ended), else still to do.
 * Older records without `steps`: steps before the current one done, after it to do.
 */
export function hostSteps(host: HostDeployState, finished: boolean): HostStep[] {
  if (!host.steps) {
    const order = CHIP_STEPS.includes(host.step) ? CHIP_STEPS : [...CHIP_STEPS, host.step]
    const at = order.indexOf(host.step)
    return order.map((step, i) => ({
      step,
      state: i < at ? 'done' : i === at ? host.state : finished ? 'skipped' : 'pending',
      message: i === at ? host.message : ''
    }))
  }
  const reported = new Map(host.steps.map((s) => [s.step, s]))
  const order = [...CHIP_STEPS, ...TAIL_STEPS.filter((s) => reported.has(s))]
  let last = -1
  order.forEach((step, i) => {
    if (reported.has(step)) last = i
  })
  return order.map((step, i) => {
    const seen = reported.get(step)
    if (seen) return seen
    if (finished || i < last) return { step, state: 'skipped', message: 'did not run' }
    return { step, state: 'pending', message: '' }
  })
}

/**
 * The sentence a failed step adds under the chips: a health check with its last answer
 * ("health failed, last answer: …"), any other step with its reason.
 */
export function stepFailureText(step: HostStep): string {
  if (step.step === 'health') {
    const answer = step.message.replace(/^health check failed: /, '')
    return `health failed, last answer: ${answer}`
  }
  return `${STEP_LABEL[step.step]} failed: ${step.message}`
}

/** "27 s left", "1 min 5 s left", "giving up" — time until a health wait's deadline. */
export function timeLeft(deadline: string, now: number): string {
  const ms = Date.parse(deadline) - now
  if (Number.isNaN(ms)) return ''
  if (ms <= 0) return 'giving up'
  const s = Math.ceil(ms / 1000)
  if (s < 60) return `${s} s left`
  return `${Math.floor(s / 60)} min ${s % 60} s left`
}
