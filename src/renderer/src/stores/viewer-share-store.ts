import { createStore, type StoreApi } from 'zustand'
import type { ViewerShare } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** "Share read-only…": the viewer link the app shares, and its dialog. */
export interface ViewerShareState {
  /** The link being shared, or null. */
  readonly link: ViewerShare | null
  readonly dialogOpen: boolean
  /** What is being asked of the backend now. */
  readonly pending: 'load' | 'share' | 'stop' | null
  readonly error: UiError | null
}

/** What the header's dialog may do. */
export interface ViewerShareActions {
  /** Opens the dialog and reads the link being shared, if any. */
  showDialog(): Promise<void>
  close(): void
  /** Starts sharing (on this machine only, or for other machines too). */
  share(network: boolean): Promise<void>
  /** Stops sharing: the link stops working. */
  stop(): Promise<void>
}

/** The viewer-share store's full shape. */
export type ViewerShareStore = ViewerShareState & ViewerShareActions

/** Defaults: nothing shared, dialog closed. */
export const VIEWER_SHARE_DEFAULTS: ViewerShareState = {
  link: null,
  dialogOpen: false,
  pending: null,
  error: null
}

/** Creates the viewer-share store over an API client (a fake one in tests). */
export function createViewerShareStore(client: ApiClient): StoreApi<ViewerShareStore> {
  const run = async (
    set: (s: Partial<ViewerShareState>) => void,
    pending: 'load' | 'share' | 'stop',
    work: () => Promise<ViewerShare | null>
  ): Promise<void> => {
    set({ pending, error: null })
    try {
      set({ link: await work(), pending: null })
    } catch (err) {
      set({ pending: null, error: describeError(err) })
    }
  }
  return createStore<ViewerShareStore>()((set) => ({
    ...VIEWER_SHARE_DEFAULTS,
    async showDialog() {
      set({ dialogOpen: true })
      await run(set, 'load', () => client.call('viewer.current', {}))
    },
    close() {
      set({ dialogOpen: false, error: null })
    },
    share(network) {
      return run(set, 'share', () => client.call('viewer.share', { network }))
    },
    stop() {
      return run(set, 'stop', () => client.call('viewer.stop', {}))
    }
  }))
}
