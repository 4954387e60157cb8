import { randomBytes } from 'node:crypto'
import type {
  Deployment,
  DeployStep,
  HostDeployState,
  HostStep,
  HostTransfer
} from '../../../shared/deploy-models'
import type { DeployEvent } from './types'

type HostState = HostDeployState['state']
type Status = Deployment['status']

/** A new deployment id: sortable time plus randomness, e.g. `d20261126T132110-1a2b3c`. */
export function newDeploymentId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
  return `d${stamp}-${randomBytes(3).toString('hex')}`
}

/**
 * Holds one deployment's state and sends the whole Deployment (small) on every change;
 * upload progress is coalesced to at most one event per 100 ms.
 */
export class DeploymentTracker {
  private deployment: Deployment
  private readonly onEvent?: (e: DeployEvent) => void
  private progressTimer: NodeJS.Timeout | null = null
  /** Between finish() and publish(): events held back while locks are released. */
  private holding = false

  constructor(
    init: {
      id: string
      workspace: string
      kind: Deployment['kind']
      release: string
      environment: string
      startedBy: string
      hosts: readonly string[]
    },
    onEvent?: (e: DeployEvent) => void
  ) {
    this.onEvent = onEvent
    this.deployment = {
      id: init.id,
      workspace: init.workspace,
      kind: init.kind,
      release: init.release,
      environment: init.environment,
      status: 'running',
      startedBy: init.startedBy,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      hosts: init.hosts.map((host) => ({
        host,
        step: 'preflight',
        state: 'pending',
        progress: null,
        message: '',
        steps: [],
        healthDeadline: null
      })),
      log: [],
      summary: '',
      version: 1
    }
    this.emit()
  }

  /** The current snapshot. */
  get current(): Deployment {
    return this.deployment
  }

  /** Sets the release (rollback learns its target after reading the hosts). */
  setRelease(release: string): void {
    this.change({ release })
    this.emit()
  }

  /** Appends a log line (timestamped), optionally about one host. */
  log(line: string, host?: string): void {
    const time = new Date().toISOString().slice(11, 23)
    const text = `${time} ${host ? `${host}: ` : ''}${line}`
    this.change({ log: [...this.deployment.log, text] })
    this.emit()
  }

  /** Moves one host to a step/state with a message (also logged). */
  host(index: number, step: DeployStep, state: HostState, message: string): void {
    const hosts = this.deployment.hosts.map((h, i) =>
      i === index
        ? {
            ...h,
            step,
            state,
            message,
            progress: step === 'upload' ? h.progress : null,
            steps: withStep(h.steps, step, state, message),
            // A health wait's deadline lasts while the same step keeps running.
            healthDeadline:
              step === h.step && state === 'running' && h.state === 'running'
                ? (h.healthDeadline ?? null)
                : null
          }
        : h
    )
    const label = this.deployment.hosts[index].host
    const time = new Date().toISOString().slice(11, 23)
    this.change({
      hosts,
      log: [
        ...this.deployment.log,
        // "rolled back", never "rolled-back", in what people read.
        `${time} ${label}: ${step} ${state.replace('-', ' ')}${message ? `: ${message}` : ''}`
      ]
    })
    this.emit()
  }

  /**
   * Records steps one host will not run and why (a rollback uploads nothing, no hook is
   * configured), without moving the host or logging a line.
   */
  skip(index: number, steps: readonly DeployStep[], why: string): void {
    this.mark(index, steps, 'skipped', why)
  }

  /** Records how steps of one host stand without moving the host (a step ended as the next began). */
  mark(index: number, steps: readonly DeployStep[], state: HostState, message: string): void {
    const hosts = this.deployment.hosts.map((h, i) =>
      i === index
        ? { ...h, steps: steps.reduce((all, step) => withStep(all, step, state, message), h.steps) }
        : h
    )
    this.change({ hosts })
    this.emit()
  }

  /** Starts (an instant, ms) or ends (null) one host's health wait: the UI counts down to it. */
  healthWait(index: number, deadline: number | null): void {
    const healthDeadline = deadline === null ? null : new Date(deadline).toISOString()
    const hosts = this.deployment.hosts.map((h, i) => (i === index ? { ...h, healthDeadline } : h))
    this.change({ hosts })
    this.emit()
  }

  /**
   * The health check's latest answer while one host is waited for, shown as the running step's
   * message (coalesced like upload progress; not logged: it is retried every 25–500 ms).
   */
  healthAnswer(index: number, message: string): void {
    const h = this.deployment.hosts[index]
    if (h.state !== 'running' || h.message === message) return
    const hosts = this.deployment.hosts.map((x, i) =>
      i === index ? { ...x, message, steps: withStep(x.steps, x.step, x.state, message) } : x
    )
    this.change({ hosts })
    this.schedule()
  }

  /** Upload progress for one host, 0..1 (coalesced). */
  progress(index: number, fraction: number): void {
    const hosts = this.deployment.hosts.map((h, i) =>
      i === index ? { ...h, progress: Math.max(0, Math.min(1, fraction)) } : h
    )
    this.change({ hosts })
    this.schedule()
  }

  /** Sends the snapshot within 100 ms (one event for many quick changes). */
  private schedule(): void {
    if (this.progressTimer === null) {
      this.progressTimer = setTimeout(() => {
        this.progressTimer = null
        this.emit()
      }, 100)
    }
  }

  /** Records what the upload sent to and reused on one host. */
  transfer(index: number, transfer: HostTransfer): void {
    const hosts = this.deployment.hosts.map((h, i) => (i === index ? { ...h, transfer } : h))
    this.change({ hosts })
    this.emit()
  }

  /** The host state of one host. */
  stateOf(index: number): HostDeployState {
    return this.deployment.hosts[index]
  }

  /**
   * Ends the deployment with a status and a one-sentence summary and returns the snapshot; the
   * final event waits for {@link publish}, so listeners hear "finished" only once the locks are
   * released and the environment is free again.
   */
  finish(status: Exclude<Status, 'running'>, summary: string): Deployment {
    if (this.progressTimer !== null) {
      clearTimeout(this.progressTimer)
      this.progressTimer = null
    }
    this.holding = true
    this.change({ status, summary, finishedAt: new Date().toISOString() })
    this.log(summary)
    return this.deployment
  }

  /** Sends the final snapshot (after finish() and the cleanup that follows it). */
  publish(): Deployment {
    this.holding = false
    this.emit()
    return this.deployment
  }

  /** Every change goes through here, so each snapshot carries a higher version. */
  private change(patch: Partial<Omit<Deployment, 'version'>>): void {
    this.deployment = { ...this.deployment, ...patch, version: this.deployment.version + 1 }
  }

  private emit(): void {
    if (this.holding) return
    this.onEvent?.({ kind: 'deployment', deployment: this.deployment })
  }
}

/**
 * `steps` with `step` set to `state` and `message` (appended when first reported). A step still
 * running when the host reports another one has ended: done (an upload goes straight on to
 * unpacking; a fan-out peer's fetch from its relay too).
 */
function withStep(
  steps: readonly HostStep[] | undefined,
  step: DeployStep,
  state: HostState,
  message: string
): HostStep[] {
  const all = (steps ?? []).map((s) =>
    s.step !== step && s.state === 'running' ? { ...s, state: 'done' as const } : s
  )
  const at = all.findIndex((s) => s.step === step)
  if (at < 0) return [...all, { step, state, message }]
  return all.map((s, i) => (i === at ? { step, state, message } : s))
}
