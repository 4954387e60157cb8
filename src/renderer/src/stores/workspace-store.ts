import { createStore, type StoreApi } from 'zustand'
import type { RecentWorkspace, Workspace } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'

/** A failure as the UI shows it: the API error code and its one-line message. */
export interface UiError {
  readonly code: string
  readonly message: string
}

/** Which workspace request is in flight, if any. */
export type WorkspacePending = 'current' | 'open' | 'demo' | 'starter' | null

/** The open workspace, the recent list and the picker. */
export interface WorkspaceState {
  /** False until the first `workspace.current` answered (or failed). */
  readonly initialized: boolean
  readonly workspace: Workspace | null
  readonly recent: readonly RecentWorkspace[]
  readonly recentLoading: boolean
  readonly pending: WorkspacePending
  readonly error: UiError | null
  /** The picker was asked for while a workspace is open. */
  readonly pickerRequested: boolean
}

/** What the UI and the event subscriptions may do with the workspace. */
export interface WorkspaceActions {
  loadCurrent(): Promise<void>
  loadRecent(): Promise<void>
  open(path: string): Promise<boolean>
  openDemo(): Promise<boolean>
  writeStarterConfig(): Promise<boolean>
  /** The backend says the open workspace changed (pushed event). */
  workspaceChanged(workspace: Workspace | null): void
  showPicker(): void
  hidePicker(): void
  dismissError(): void
}

/** The workspace store's full shape. */
export type WorkspaceStore = WorkspaceState & WorkspaceActions

/** Defaults: nothing loaded yet. */
export const WORKSPACE_DEFAULTS: WorkspaceState = {
  initialized: false,
  workspace: null,
  recent: [],
  recentLoading: false,
  pending: null,
  error: null,
  pickerRequested: false
}

/** Creates the workspace store over an API client (a fake one in tests). */
export function createWorkspaceStore(client: ApiClient): StoreApi<WorkspaceStore> {
  return createStore<WorkspaceStore>()((set, get) => {
    /** Runs one workspace-changing call; true when it succeeded. */
    const run = async (
      pending: Exclude<WorkspacePending, null | 'current'>,
      call: () => Promise<Workspace>
    ): Promise<boolean> => {
      set({ pending, error: null })
      try {
        const workspace = await call()
        set({ workspace, pending: null, pickerRequested: false, initialized: true })
        void get().loadRecent()
        return true
      } catch (error) {
        set({ pending: null, error: describeError(error) })
        return false
      }
    }

    return {
      ...WORKSPACE_DEFAULTS,

      async loadCurrent() {
        set({ pending: 'current', error: null })
        try {
          const workspace = await client.call('workspace.current', {})
          set({ workspace, pending: null, initialized: true })
        } catch (error) {
          set({ pending: null, initialized: true, error: describeError(error) })
        }
      },

      async loadRecent() {
        set({ recentLoading: true })
        try {
          const recent = await client.call('workspace.recent', {})
          set({ recent, recentLoading: false })
        } catch (error) {
          set({ recentLoading: false, error: describeError(error) })
        }
      },

      open(path) {
        const trimmed = path.trim()
        if (!trimmed) {
          set({
            error: { code: 'bad-request', message: 'Type the path of a local git repository.' }
          })
          return Promise.resolve(false)
        }
        return run('open', () => client.call('workspace.open', { path: trimmed }))
      },

      openDemo() {
        return run('demo', () => client.call('workspace.openDemo', {}))
      },

      writeStarterConfig() {
        return run('starter', () => client.call('workspace.writeStarterConfig', {}))
      },

      workspaceChanged(workspace) {
        set({ workspace, initialized: true })
      },

      showPicker() {
        set({ pickerRequested: true, error: null })
        void get().loadRecent()
      },

      hidePicker() {
        set({ pickerRequested: false, error: null })
      },

      dismissError() {
        set({ error: null })
      }
    }
  })
}
