import type { Deployment } from '../../../shared/deploy-models'
import { ExpectedError } from '../errors'

/** The deployments started by this process: the latest state of each, and their cancel switches. */
export class DeploymentRegistry {
  private readonly all = new Map<string, Deployment>()
  private readonly controllers = new Map<string, AbortController>()
  /** Environment key (workspace + name) → id of the deployment running there. */
  private readonly busy = new Map<string, string>()

  /** Newest first. */
  list(): Deployment[] {
    return [...this.all.values()].reverse().slice(0, 50)
  }

  get(id: string): Deployment | undefined {
    return this.all.get(id)
  }

  /** Reserves an environment; throws ExpectedError('locked') when this process deploys there. */
  reserve(key: string, environment: string): () => void {
    const running = this.busy.get(key)
    const d = running === undefined ? undefined : this.all.get(running)
    // Its final event arrives just before its promise settles: finished counts as free.
    if (running !== undefined && d?.status !== 'running' && d !== undefined) {
      this.busy.delete(key)
    } else if (running !== undefined) {
      throw new ExpectedError(
        'locked',
        `${environment} is busy: ${d ? `${d.kind} of ${d.release} started by ${d.startedBy}` : 'a deployment'} is running in this Slipway`,
        { environment, deployment: running }
      )
    }
    const token = `pending-${Math.random()}`
    this.busy.set(key, token)
    return () => {
      if (this.busy.get(key) === token) this.busy.delete(key)
    }
  }

  bind(key: string, id: string): void {
    this.busy.set(key, id)
  }

  release(key: string, id: string): void {
    if (this.busy.get(key) === id) this.busy.delete(key)
    this.controllers.delete(id)
  }

  record(deployment: Deployment, controller?: AbortController): void {
    // Re-inserting keeps the map ordered by start, since ids are only added once.
    this.all.set(deployment.id, deployment)
    if (controller) this.controllers.set(deployment.id, controller)
    while (this.all.size > 200) {
      const oldest = this.all.keys().next().value
      if (oldest === undefined || this.controllers.has(oldest)) break
      this.all.delete(oldest)
    }
  }

  /** Aborts a running deployment; false when it is not running. */
  cancel(id: string): boolean {
    const controller = this.controllers.get(id)
    if (!controller) return false
    controller.abort(new ExpectedError('cancelled', 'cancelled by the user'))
    return true
  }
}
