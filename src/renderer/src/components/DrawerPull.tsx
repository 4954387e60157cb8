import type { Branch } from '../../../shared'
import { useStores } from '../stores/hooks'
import { pullOf } from '../stores/pulls-store'
import { usePulls } from '../stores/use-team'

/** The branch drawer's pull-request line: view it, or open one for a branch ahead of main. */
export function DrawerPull({ branch }: { readonly branch: Branch }): React.JSX.Element | null {
  const { pulls: store } = useStores()
  const pulls = usePulls((s) => s.pulls)
  const pr = pullOf(pulls, branch.name)
  if (pr) {
    return (
      <div className="drawer-pull">
        <button
          type="button"
          className="primary"
          data-testid="drawer-view-pull"
          onClick={() => void store.getState().openView(pr.branch)}
        >
          View pull request ({pr.state})
        </button>
      </div>
    )
  }
  if (branch.kind !== 'local' || branch.ahead === 0) return null
  return (
    <div className="drawer-pull">
      <button
        type="button"
        className="primary"
        data-testid="drawer-open-pull"
        onClick={() => store.getState().compose(branch.name)}
      >
        Open a pull request…
      </button>
    </div>
  )
}
