import { useCallback, useEffect, useState } from 'react'
import type { SessionRole } from '../api/session-role'
import { PresentationView } from '../components/presentation/PresentationView'
import { StoresContext, useWorkspace } from '../stores/hooks'
import type { Stores } from '../stores/stores'
import { BoardView } from './BoardView'
import { WorkspacePicker } from './WorkspacePicker'

/**
 * The whole renderer over a set of stores: the picker until a workspace is open, then the board
 * (or presentation mode). A read-only viewer (`serve --viewer`) gets presentation mode only.
 */
export function App({
  stores,
  role = 'full'
}: {
  readonly stores: Stores
  readonly role?: SessionRole
}): React.JSX.Element {
  return (
    <StoresContext.Provider value={stores}>
      {role === 'viewer' ? <ViewerShell /> : <Shell />}
    </StoresContext.Provider>
  )
}

/** Leaves full screen if the page is in it (it may not be: the browser refused, or F11). */
function exitFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined)
}

function ViewerShell(): React.JSX.Element {
  const initialized = useWorkspace((s) => s.initialized)
  const workspace = useWorkspace((s) => s.workspace)
  const error = useWorkspace((s) => s.error)
  const loadCurrent = useWorkspace((s) => s.loadCurrent)
  useEffect(() => void loadCurrent(), [loadCurrent])
  if (workspace) return <PresentationView workspace={workspace} onLeave={null} />
  return (
    <div className="splash" role="status">
      {!initialized
        ? 'Opening the read-only view…'
        : (error?.message ??
          'The presenter has no workspace open yet; this page follows when one opens.')}
    </div>
  )
}

function Shell(): React.JSX.Element {
  const initialized = useWorkspace((s) => s.initialized)
  const workspace = useWorkspace((s) => s.workspace)
  const pickerRequested = useWorkspace((s) => s.pickerRequested)
  const loadCurrent = useWorkspace((s) => s.loadCurrent)
  const loadRecent = useWorkspace((s) => s.loadRecent)
  const [presenting, setPresenting] = useState(false)
  const present = useCallback(() => {
    setPresenting(true)
    // Full screen needs the click or key that asked for it; a refusal leaves the window mode.
    void document.documentElement.requestFullscreen?.().catch(() => undefined)
  }, [])
  const leave = useCallback(() => {
    setPresenting(false)
    exitFullscreen()
  }, [])

  useEffect(() => {
    void loadCurrent()
    void loadRecent()
  }, [loadCurrent, loadRecent])

  if (!initialized) {
    return (
      <div className="splash" role="status">
        Opening Slipway…
      </div>
    )
  }
  if (!workspace || pickerRequested) return <WorkspacePicker canCancel={workspace !== null} />
  // The board is not rendered behind the slide: nothing there can take focus or keys.
  if (presenting) return <PresentationView workspace={workspace} onLeave={leave} />
  return <BoardView workspace={workspace} onPresent={present} />
}
