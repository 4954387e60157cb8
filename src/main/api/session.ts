import type { AppEvent } from '../../shared/contract'
import type { Workspace } from '../../shared/models'
import { ExpectedError } from '../services/errors'
import { resolveGitDirs, watchRefs } from '../services/watch'
import { loadWorkspace, rememberWorkspace, type SettingsStore } from '../services/workspace'
import type { ErrorLog } from './to-api-error'

/** What the session tells a domain about the workspace it just opened. */
export interface OpenedWorkspace {
  /** Calls `listener` whenever refs of this workspace move on disk (until it is closed). */
  onRefsMoved(listener: () => void): void
}

/**
 * Called when a workspace becomes the open one; what it returns is called when that workspace
 * is closed (another opens, or the session ends). Domains (branches, tests, deploys) use this
 * to start and stop their per-workspace services without the session knowing them.
 */
export type WorkspaceOpenListener = (
  workspace: Workspace,
  opened: OpenedWorkspace
) => (() => void | Promise<void>) | void

/** What a {@link Session} needs from its host. */
export interface SessionDeps {
  readonly settings: SettingsStore
  readonly emit: (event: AppEvent) => void
  readonly log: ErrorLog
}

// Everything tied to one open workspace; replaced as a whole when another one opens.
interface OpenState {
  readonly workspace: Workspace
  readonly stopWatching: () => void
  /** Disposers returned by the open listeners for this workspace. */
  readonly closers: Array<() => void | Promise<void>>
  /** Called when refs move (domains caching what refs determine). */
  readonly refListeners: Array<() => void>
}

/**
 * The router's state: the open workspace and its ref watcher. Opens are serialised; each
 * domain creates its per-workspace service in an {@link onOpen} listener; a ref change is
 * passed to the domains that asked and emitted as `branches.changed`.
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
      const gitDirs = await resolveGitDirs(workspace.path)
      if (this.disposed) throw new ExpectedError('conflict', 'Slipway is shutting down')
      const stops: Array<() => void> = []
      const next: OpenState = {
        workspace,
        stopWatching: () => stops.forEach((s) => s()),
        closers: [],
        refListeners: []
      }
      for (const dir of gitDirs) stops.push(watchRefs(dir, () => this.refsMoved(next)))
      void this.close(this.state)
      this.state = next
      for (const listener of this.openListeners) this.notifyOpen(next, listener)
      this.remember(workspace)
      this.deps.emit({ event: 'workspace.changed', payload: { workspace } })
      return workspace
    })
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

  /**
   * Stops the watcher and the per-workspace services; later opens fail. Resolves when the
   * services have stopped (a one-shot CLI command waits for that before it exits).
   */
  dispose(): Promise<void> {
    this.disposed = true
    const stopping = this.close(this.state)
    this.state = null
    this.openListeners.clear()
    return stopping
  }

  private notifyOpen(state: OpenState, listener: WorkspaceOpenListener): void {
    try {
      const closer = listener(state.workspace, {
        onRefsMoved: (refListener) => {
          state.refListeners.push(refListener)
        }
      })
      if (closer) state.closers.push(closer)
    } catch (err) {
      this.deps.log(`a workspace service failed to start for ${state.workspace.path}`, err)
    }
  }

  private async close(state: OpenState | null): Promise<void> {
    if (!state) return
    state.stopWatching()
    const failed = (err: unknown): void =>
      this.deps.log(`a workspace service failed to stop for ${state.workspace.path}`, err)
    const stopping: Array<Promise<void>> = []
    for (const closer of state.closers.splice(0)) {
      try {
        const done = closer()
        if (done) stopping.push(done.catch(failed))
      } catch (err) {
        failed(err)
      }
    }
    await Promise.all(stopping)
  }

  private refsMoved(state: OpenState): void {
    if (this.state !== state) return
    for (const listener of state.refListeners) {
      try {
        listener()
      } catch (err) {
        this.deps.log(`a ref listener failed for ${state.workspace.path}`, err)
      }
    }
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
