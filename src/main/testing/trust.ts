import type { Router } from '../api'

/**
 * Test support: answers the trust question for the workspace open in `router` the way a user
 * does in the dialog (read the commands, trust exactly those). For tests of other features
 * that need a workspace's commands to run.
 */
export async function trustOpenWorkspace(router: Router): Promise<void> {
  const status = await router.call('trust.status', {})
  if (!status.ok) throw new Error(`trust.status failed: ${status.error.message}`)
  const granted = await router.call('trust.grant', { fingerprint: status.value.fingerprint })
  if (!granted.ok) throw new Error(`trust.grant failed: ${granted.error.message}`)
}
