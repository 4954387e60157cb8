import { useCallback, useEffect, useRef, useState } from 'react'
import type { Workspace } from '../../../shared'
import { BRANCH_CARD_HEIGHT } from '../components/BranchCard'
import { BranchDrawer } from '../components/BranchDrawer'
import { BranchesLane } from '../components/BranchesLane'
import { DeployOverlay } from '../components/DeployOverlay'
import { PromoteDialog } from '../components/PromoteDialog'
import { EnvironmentLane, NoEnvironmentsLane } from '../components/EnvironmentLane'
import { Header } from '../components/Header'
import { LedgerView } from '../components/LedgerView'
import { LeftoversBanner } from '../components/LeftoversBanner'
import { MainLane } from '../components/MainLane'
import { OpenPullDialog } from '../components/OpenPullDialog'
import { OverviewView } from '../components/OverviewView'
import { PullRequestView } from '../components/PullRequestView'
import { TicketDialog } from '../components/TicketDialog'
import { TicketsView } from '../components/TicketsView'
import '../styles/team.css'
import { TrustDialog } from '../components/TrustDialog'
import { useNow } from '../lib/use-now'
import { useBranches, useStores } from '../stores/hooks'
import { EnvView } from './EnvView'
import { RunView } from './RunView'

/** True when keys typed at `target` belong to a text field rather than to the board. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  )
}

/**
 * The release board for an open workspace: header, four lanes and the branch drawer; `p` (or
 * the header's Present) asks for presentation mode, `o` (or the header's Overview) opens the
 * environment × release overview.
 */
export function BoardView({
  workspace,
  onPresent
}: {
  readonly workspace: Workspace
  readonly onPresent: () => void
}): React.JSX.Element {
  const { branches: store, tests } = useStores()
  const listing = useBranches((s) => s.listing)
  const loading = useBranches((s) => s.loading)
  const drawerOpen = useBranches((s) => s.drawerOpen)
  const selected = useBranches((s) => s.selected)
  const commits = useBranches((s) => s.commits)
  const now = useNow()
  const [overviewOpen, setOverviewOpen] = useState(false)
  const showOverview = useCallback(() => setOverviewOpen(true), [])
  const filterRef = useRef<HTMLInputElement>(null)
  const listRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    document.title = `${workspace.name} · Slipway`
    return () => {
      document.title = 'Slipway'
    }
  }, [workspace.name])

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return
      const target = e.target
      const inFilter = target === filterRef.current
      const typing = isTypingTarget(target)
      const state = store.getState()
      switch (e.key) {
        case 'p':
          if (typing || document.querySelector('[role="dialog"]')) return
          e.preventDefault()
          onPresent()
          return
        case 'o':
          if (typing || document.querySelector('[role="dialog"]')) return
          e.preventDefault()
          showOverview()
          return
        case '/':
          if (typing) return
          e.preventDefault()
          filterRef.current?.focus()
          filterRef.current?.select()
          return
        case 'ArrowDown':
        case 'ArrowUp':
          if (typing && !inFilter) return
          e.preventDefault()
          state.moveSelection(e.key === 'ArrowDown' ? 1 : -1)
          return
        case 'PageDown':
        case 'PageUp':
        case 'Home':
        case 'End': {
          // Only inside the list: elsewhere these keys scroll the page or move a text caret.
          const list = listRef.current
          if (!list || target !== list) return
          e.preventDefault()
          const page = Math.max(1, Math.floor(list.clientHeight / BRANCH_CARD_HEIGHT) - 1)
          const delta = { PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity }[e.key]
          state.moveSelection(delta)
          return
        }
        case 'Enter':
          if (
            (typing && !inFilter) ||
            target instanceof HTMLButtonElement ||
            target instanceof HTMLAnchorElement
          )
            return
          if (!state.selected) state.moveSelection(1)
          if (!store.getState().selected) return
          e.preventDefault()
          store.getState().openDrawer()
          return
        case 'Escape':
          if (state.drawerOpen) {
            e.preventDefault()
            state.closeDrawer()
            if (!inFilter) listRef.current?.focus({ preventScroll: true })
          } else if (state.filter) {
            e.preventDefault()
            state.clearFilter()
          }
          return
      }
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [store, onPresent, showOverview])

  const drawerBranch =
    drawerOpen && selected ? (listing?.branches.find((b) => b.name === selected) ?? null) : null
  const focusName = drawerBranch?.name ?? null
  // The branch in the drawer is tested first (after main).
  useEffect(() => {
    tests.getState().focus(focusName)
  }, [focusName, tests])
  const environments = workspace.config.environments

  return (
    <div className="app">
      <Header workspace={workspace} onPresent={onPresent} onOverview={showOverview} />
      <LeftoversBanner />
      <div className={drawerBranch ? 'board-area with-drawer' : 'board-area'}>
        <main className="board" data-testid="board" aria-label="Release board">
          <BranchesLane
            mainBranch={workspace.mainBranch}
            now={now}
            filterRef={filterRef}
            listRef={listRef}
          />
          <MainLane
            mainBranch={workspace.mainBranch}
            listing={listing}
            loading={loading}
            now={now}
          />
          {environments.length === 0 ? (
            <NoEnvironmentsLane problem={workspace.configProblems[0] ?? null} />
          ) : (
            environments.map((env) => (
              <EnvironmentLane key={env.name} environment={env} now={now} />
            ))
          )}
        </main>
        {drawerBranch && (
          <BranchDrawer
            branch={drawerBranch}
            mainBranch={workspace.mainBranch}
            commits={commits}
            now={now}
            onClose={() => store.getState().closeDrawer()}
            onRetry={() => void store.getState().loadCommits(drawerBranch.name)}
          />
        )}
      </div>
      <RunView />
      <EnvView />
      <DeployOverlay />
      <TicketsView now={now} />
      <LedgerView now={now} />
      {overviewOpen && <OverviewView now={now} onClose={() => setOverviewOpen(false)} />}
      <OpenPullDialog />
      <PullRequestView isDemo={workspace.isDemo} now={now} />
      <PromoteDialog />
      {/* After the dialogs a ticket chip can open it from, so the ticket shows on top of them. */}
      <TicketDialog now={now} />
      <TrustDialog />
    </div>
  )
}
