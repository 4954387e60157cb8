import { lockDeploymentId } from './host-lock'
import { readLocalDeployments } from './local-records'

/**
 * Deployments this machine recorded as ended. A lock that names one of them was left behind:
 * its host could not be unlocked when the deployment ended (it was down, frozen or cut off).
 * Such a lock holds nothing any more, and the next operation from this machine removes it
 * instead of refusing; anyone else's lock, or one of a deployment still running, still refuses.
 */
export async function endedDeploymentIds(dataDir: string): Promise<ReadonlySet<string>> {
  const recorded = await readLocalDeployments(dataDir).catch(() => [])
  return new Set(recorded.filter((d) => d.status !== 'running').map((d) => d.id))
}

/** The ended deployment a host's lock text was left by, or null (no lock, or a live one). */
export function leftoverLock(lockText: string, ended: ReadonlySet<string>): string | null {
  const id = lockText.trim() === '' ? null : lockDeploymentId(lockText)
  return id !== null && ended.has(id) ? id : null
}
