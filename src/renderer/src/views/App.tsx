import { useEffect } from 'react'
import { StoresContext, useWorkspace } from '../stores/hooks'
import type { Stores } from '../stores/stores'
import { BoardView } from './BoardView'
import { WorkspacePicker } from './WorkspacePicker'

/** The whole renderer over a set of stores: the picker until a workspace is open, then the board. */
export function App({ stores }: { readonly stores: Stores }): React.JSX.Element {
  return (
    <StoresContext.Provider value={stores}>
      <Shell />
    </StoresContext.Provider>
  )
}

function Shell(): React.JSX.Element {
  const initialized = useWorkspace((s) => s.initialized)
  const workspace = useWorkspace((s) => s.workspace)
  const pickerRequested = useWorkspace((s) => s.pickerRequested)
  const loadCurrent = useWorkspace((s) => s.loadCurrent)
  const loadRecent = useWorkspace((s) => s.loadRecent)

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
  return <BoardView workspace={workspace} />
}
