import type { Deployment, HostDeployState } from '../../../shared'

/** How a deployment's status reads in a sentence: "rolled back", never "rolled-back". */
export const DEPLOYMENT_STATUS_TEXT: Record<Deployment['status'], string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  'rolled-back': 'rolled back'
}

/** How one host's state reads. */
export const HOST_STATE_TEXT: Record<HostDeployState['state'], string> = {
  pending: 'waiting',
  running: 'running',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
  'rolled-back': 'rolled back'
}

/**
 * A host's state and its message as one line, without saying the same word twice
 * ("waiting", not "pending: pending").
 */
export function hostStateLine(host: HostDeployState): string {
  const state = HOST_STATE_TEXT[host.state]
  const message = host.message?.trim() ?? ''
  if (!message || message === host.state || message === state) return state
  return `${state}: ${message}`
}
