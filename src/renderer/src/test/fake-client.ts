import type {
  AppEvent,
  Branch,
  BranchListing,
  Method,
  RequestOf,
  ResponseOf,
  Workspace
} from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import type { ApiClient } from '../api/client'

/** Per-method answers for {@link createFakeClient}; throw an ApiCallError to fail a call. */
export type FakeHandlers = {
  [M in Method]?: (request: RequestOf<M>) => ResponseOf<M> | Promise<ResponseOf<M>>
}

/** An in-memory ApiClient for store and component tests: scripted answers, recorded calls, emitted events. */
export interface FakeClient extends ApiClient {
  readonly calls: { readonly method: Method; readonly request: unknown }[]
  handlers: FakeHandlers
  emit(event: AppEvent): void
  /** Pretends the event stream came back after a drop. */
  reconnect(): void
  listenerCount(): number
  callsOf(method: Method): unknown[]
}

/** Creates a {@link FakeClient}; unscripted methods fail like the router does for unknown ones. */
export function createFakeClient(handlers: FakeHandlers = {}): FakeClient {
  const listeners = new Set<(event: AppEvent) => void>()
  const reconnectListeners = new Set<() => void>()
  const fake: FakeClient = {
    calls: [],
    handlers,
    async call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
      fake.calls.push({ method, request })
      const handler = fake.handlers[method] as
        ((request: RequestOf<M>) => ResponseOf<M> | Promise<ResponseOf<M>>) | undefined
      if (!handler) {
        throw new ApiCallError({ code: 'unknown-method', message: `No fake answer for ${method}.` })
      }
      return handler(request)
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => reconnectListeners.delete(listener)
    },
    reconnect() {
      for (const listener of [...reconnectListeners]) listener()
    },
    emit(event) {
      for (const listener of [...listeners]) listener(event)
    },
    listenerCount: () => listeners.size,
    callsOf: (method) => fake.calls.filter((c) => c.method === method).map((c) => c.request)
  }
  return fake
}

/** A deferred promise, to hold an answer until the test releases it. */
export function deferred<T>(): {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
} {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** A workspace as `workspace.open` answers it, with overrides. */
export function makeWorkspace(overrides: Partial<Workspace> = {}): Workspace {
  return {
    path: '/repos/orders',
    name: 'orders',
    isDemo: false,
    config: {
      tickets: { pattern: '[A-Z][A-Z0-9]+-[0-9]+' },
      pullRequests: { approvals: 1, mergeMethod: 'merge' },
      environments: []
    },
    mainBranch: 'main',
    configSource: 'file',
    configProblems: [],
    ...overrides
  }
}

let shaCounter = 0
/** A branch with a unique sha, with overrides. */
export function makeBranch(overrides: Partial<Branch> & { name: string }): Branch {
  shaCounter++
  return {
    ref: `refs/heads/${overrides.name}`,
    kind: 'local',
    sha: shaCounter.toString(16).padStart(40, 'a'),
    subject: `Work on ${overrides.name}`,
    author: 'Ada Lovelace',
    date: new Date(Date.now() - 3_600_000).toISOString(),
    ahead: 1,
    behind: 0,
    tickets: [],
    isMain: false,
    ...overrides
  }
}

/** A listing of `branches` plus a main branch tip. */
export function makeListing(branches: readonly Branch[], mainBranch = 'main'): BranchListing {
  const main = makeBranch({
    name: mainBranch,
    isMain: true,
    ahead: 0,
    behind: 0,
    subject: 'Merge ORD-1'
  })
  return {
    mainBranch,
    mainSha: main.sha,
    branches: [main, ...branches],
    readAt: new Date().toISOString(),
    tookMs: 12
  }
}
