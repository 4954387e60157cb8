import type { AppEvent } from '../../shared/contract'
import type { BranchListing, Commit, Workspace } from '../../shared/models'
import { ExpectedError } from '../services/errors'
import { BranchReader } from '../services/git'
import { resolveGitDirs, watchRefs } from '../services/watch'
import { loadWorkspace, rememberWorkspace, type SettingsStore } from '../services/workspace'
import type { ErrorLog } from './to-api-error'

/**
 * Called when a workspace becomes the open one; what it returns is called when that workspace
 * is closed (another opens, or the session ends). Domains (tests, deploys) use this to start
 * and stop their per-workspace services without the session knowing them.
 */
export type WorkspaceOpenListener = (workspace: Workspace) => (() => void) | void

/** What a {@link Session} needs from its host. */
export interface SessionDeps {
  readonly settings: SettingsStore
  readonly emit: (event: AppEvent) => void
  readonly log: ErrorLog
}

// Everything tied to one open workspace; replaced as a whole when another one opens.
interface OpenState {
  readonly workspace: Workspace
  readonly reader: BranchReader
  readonly stopWatching: () => void
  /** Disposers returned by the open listeners for this workspace. */
  readonly closers: Array<() => void>
  listing: BranchListing | null
  /** Bumped on every ref change; a listing read under an older generation is stale. */
  generation: number
  listingGeneration: number
  inflight: Promise<BranchListing> | null
}

/**
 * The router's state: the open workspace, its {@link BranchReader} (one per workspace, so
 * listing stays incremental) and its ref watcher. Opens are serialised; a ref change marks
 * the cached listing stale and emits `branches.changed`.
 */
export class Session {
  private state: OpenState | null = null
  private readonly openListeners = new Set<WorkspaceOpenListener>()
  private queue: Promise<unknown> = Promise.resolve()
  private disposed = false

  constructor(private readonly deps: SessionDeps) {}

  /** The open workspace, or null. */
  current(): Workspace | null {
    return this.state?.workspace ?? null
  }

  /**
   * Loads the workspace at `path`, makes it the open one (watching its refs), remembers a
   * non-demo workspace in the settings and emits `workspace.changed`.
   */
  open(path: string, options: { readonly isDemo?: boolean } = {}): Promise<Workspace> {
    return this.serialise(async () => {
      const workspace = await loadWorkspace(path, { isDemo: options.isDemo ?? false })
      const reader = new BranchReader(workspace.path, {
        mainBranch: workspace.mainBranch,
        ticketPattern: workspace.config.tickets.pattern
      })
      const gitDirs = await resolveGitDirs(workspace.path)
      if (this.disposed) throw new ExpectedError('conflict', 'Slipway is shutting down')
      const stops: Array<() => void> = []
      const next: OpenState = {
        workspace,
        reader,
        stopWatching: () => stops.forEach((s) => s()),
        closers: [],
        listing: null,
        generation: 0,
        listingGeneration: -1,
        inflight: null
      }
      for (const dir of gitDirs) stops.push(watchRefs(dir, () => this.refsMoved(next)))
      this.close(this.state)
      this.state = next
      for (const listener of this.openListeners) this.notifyOpen(next, listener)
      this.remember(workspace)
      this.deps.emit({ event: 'workspace.changed', payload: { workspace } })
      return workspace
    })
  }

  /** The branch listing of the open workspace: cached until refs move, or re-read on `refresh`. */
  async listBranches(refresh: boolean): Promise<BranchListing> {
    const state = this.require()
    if (!refresh && state.listing && state.listingGeneration === state.generation) {
      return state.listing
    }
    if (state.inflight) return state.inflight
    const generation = state.generation
    const reading = state.reader
      .list()
      .then((listing) => {
        state.listing = listing
        state.listingGeneration = generation
        return listing
      })
      .finally(() => {
        state.inflight = null
      })
    state.inflight = reading
    return reading
  }

  /** Commits on branch `name` that are not on main, newest first. */
  commitsAhead(name: string, limit?: number): Promise<Commit[]> {
    return this.require().reader.commitsAhead(name, limit)
  }

  /** The open workspace, or `ExpectedError('no-workspace')`. */
  require(): OpenState {
    if (!this.state) {
      throw new ExpectedError('no-workspace', 'No workspace is open; open a git repository first.')
    }
    return this.state
  }

  /**
   * Subscribes a domain to workspace opens; if one is open already, the listener is called for
   * it right away. Returns the unsubscribe function.
   */
  onOpen(listener: WorkspaceOpenListener): () => void {
    this.openListeners.add(listener)
    if (this.state) this.notifyOpen(this.state, listener)
    return () => this.openListeners.delete(listener)
  }

  /** Stops the watcher and the per-workspace services; later opens fail. */
  dispose(): void {
    this.disposed = true
    this.close(this.state)
    this.state = null
    this.openListeners.clear()
  }

  private notifyOpen(state: OpenState, listener: WorkspaceOpenListener): void {
    try {
      const closer = listener(state.workspace)
      if (closer) state.closers.push(closer)
    } catch (err) {
      this.deps.log(`a workspace service failed to start for ${state.workspace.path}`, err)
    }
  }

  private close(state: OpenState | null): void {
    if (!state) return
    state.stopWatching()
    for (const closer of state.closers.splice(0)) {
      try {
        closer()
      } catch (err) {
        this.deps.log(`a workspace service failed to stop for ${state.workspace.path}`, err)
      }
    }
  }

  private refsMoved(state: OpenState): void {
    if (this.state !== state) return
    state.generation++
    this.deps.emit({ event: 'branches.changed', payload: { reason: 'refs changed on disk' } })
  }

  private remember(workspace: Workspace): void {
    try {
      if (workspace.isDemo) {
        // The demo is the start-up fallback anyway; keep the user's own last workspace.
        return
      }
      rememberWorkspace(this.deps.settings, { path: workspace.path, name: workspace.name })
      this.deps.settings.set('lastWorkspace', workspace.path)
    } catch (err) {
      // A settings file we cannot write must not stop the user from working.
      this.deps.log('could not save the recent workspaces', err)
    }
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => undefined)
    return run
  }
}
