import {
  contract,
  isMethod,
  type AppEvent,
  type EventMap,
  type EventName,
  type Method,
  type ResponseOf
} from '../../shared/contract'
import type { Deployment } from '../../shared/deploy-models'
import type { Workspace } from '../../shared/models'
import type { TestRun } from '../../shared/test-models'

/** Who a request comes from: the user who started serve, or someone given the viewer link. */
export type AccessRole = 'full' | 'viewer'

/** Read methods whose answer carries nothing a viewer may not see (after {@link viewerValue}). */
type ViewerRead = {
  [M in Method]: (typeof contract)[M]['effect'] extends 'read' ? M : never
}[Method]

/**
 * The methods a viewer may call: reads the board and presentation mode need. A `change`
 * method cannot be listed (the type admits reads only); any method not listed, including
 * every one added later, is refused. Left out on purpose: `tests.log` and `tests.logSearch` (logs may hold
 * secrets), `hosts.scan` (connects to hosts, the host-key question), `workspace.recent`
 * (other folders on this machine), `pullRequests.diff` / `.files` (source code).
 */
export const VIEWER_METHODS: ReadonlySet<Method> = new Set<ViewerRead>([
  'app.info',
  'workspace.current',
  'branches.list',
  'branches.commits',
  'tests.branchStates',
  'tests.queue',
  'tests.run',
  'tests.runs',
  'releases.list',
  'environments.status',
  'deployments.list',
  'deployments.history',
  'mergeReleases.list',
  'team.status',
  'tickets.list',
  'tickets.get',
  'pullRequests.list',
  'pullRequests.get',
  'promotions.list'
])

/** Why a viewer is refused `method`, or null when it may call it. */
export function viewerRefusal(method: string): string | null {
  if (isMethod(method) && contract[method].effect === 'read' && VIEWER_METHODS.has(method)) {
    return null
  }
  return isMethod(method) && contract[method].effect === 'change'
    ? `This is a read-only view: ${method} changes something`
    : `This is a read-only view: ${method.slice(0, 80)} is not open to viewers`
}

// Anything a command printed (deploy hooks, builds, tests) may hold a secret it was given.
const noLog = (d: Deployment): Deployment => ({ ...d, log: [] })
const noFailureText = (run: TestRun): TestRun => ({
  ...run,
  failedTests: run.failedTests.map((t) => ({ ...t, message: '' }))
})

/** The workspace without the values of `env` maps (`test.env`, `build.env`, …) in its config. */
function withoutEnvValues(workspace: Workspace): Workspace {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip)
    if (value === null || typeof value !== 'object') return value
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] =
        key === 'env' && inner && typeof inner === 'object'
          ? Object.fromEntries(Object.keys(inner).map((name) => [name, '(hidden)']))
          : strip(inner)
    }
    return out
  }
  return { ...workspace, config: strip(workspace.config) as Workspace['config'] }
}

type Redactors = { [M in ViewerRead]?: (value: ResponseOf<M>) => ResponseOf<M> }
const RESPONSE_REDACTORS: Redactors = {
  'workspace.current': (w) => (w ? withoutEnvValues(w) : w),
  'deployments.list': (list) => list.map(noLog),
  'tests.run': noFailureText,
  'tests.runs': (runs) => runs.map(noFailureText),
  'mergeReleases.list': (list) => list.map((m) => ({ ...m, step: null }))
}

/** What a viewer receives for a successful read: the value without logs and secrets. */
export function viewerValue(method: Method, value: unknown): unknown {
  const redact = RESPONSE_REDACTORS[method as ViewerRead] as ((v: unknown) => unknown) | undefined
  return redact ? redact(value) : value
}

type EventRule<E extends EventName> = (payload: EventMap[E]) => EventMap[E] | null
/**
 * The events a viewer's stream carries, each with what it keeps; an event not listed (test
 * log chunks, and any event added later) never reaches a viewer.
 */
const VIEWER_EVENTS: { [E in EventName]?: EventRule<E> } = {
  'workspace.changed': (p) => ({ workspace: p.workspace && withoutEnvValues(p.workspace) }),
  'branches.changed': (p) => p,
  'tests.runChanged': (p) => ({ run: noFailureText(p.run) }),
  'tests.queueChanged': (p) => p,
  'deployments.changed': (p) => ({ deployment: noLog(p.deployment) }),
  'releases.changed': (p) => (p.kind === 'building' ? { ...p, line: '' } : p),
  'environments.changed': (p) => p,
  'mergeReleases.changed': (p) => ({ mergeRelease: { ...p.mergeRelease, step: null } }),
  'team.synced': (p) => p,
  'tickets.changed': (p) => p,
  'pullRequests.changed': (p) => p,
  'pullRequests.mergeProgress': (p) => p,
  'promotions.changed': (p) => p
}

/** The event as a viewer may see it, or null when a viewer must not get it at all. */
export function viewerEvent(event: AppEvent): AppEvent | null {
  const rule = VIEWER_EVENTS[event.event] as ((p: unknown) => unknown) | undefined
  if (!rule) return null
  const payload = rule(event.payload)
  return payload === null ? null : ({ event: event.event, payload } as AppEvent)
}
