import type { Deployment, DeployStep } from '../../../../shared'

// The steps a host goes through in a deployment, in order; rollback/unlock/cleanup end it.
const ORDER: readonly DeployStep[] = [
  'preflight',
  'lock',
  'upload',
  'verify',
  'unpack',
  'activate',
  'hook',
  'health'
]

/** How far a running deployment is, 0..1: each host's step (and upload fraction), averaged. */
export function deploymentFraction(deployment: Deployment): number {
  if (deployment.hosts.length === 0) return 0
  let sum = 0
  for (const host of deployment.hosts) {
    if (host.state === 'done' || host.state === 'skipped') {
      sum += 1
      continue
    }
    const index = ORDER.indexOf(host.step)
    if (index < 0) {
      sum += 1
      continue
    }
    const within = host.step === 'upload' && host.progress !== null ? host.progress : 0
    sum += host.state === 'pending' ? 0 : (index + within) / ORDER.length
  }
  return Math.min(1, sum / deployment.hosts.length)
}
