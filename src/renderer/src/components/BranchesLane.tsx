import { useVirtualizer } from '@tanstack/react-virtual'
import { Clock, GitBranchMinus } from 'lucide-react'
import { useEffect, useMemo, useState, type RefObject } from 'react'
import { onlyMine } from '../stores/branches-store'
import { boardBranches, filterBranches, sortBranches } from '../stores/filter-branches'
import { useBranches, useStores } from '../stores/hooks'
import { plural } from '../lib/format'
import { BRANCH_CARD_HEIGHT, BranchCard } from './BranchCard'
import { PruneDialog } from './PruneDialog'
import { ReadNote } from './ReadNote'
import '../styles/branches.css'

/** DOM id of the option at `index`, for aria-activedescendant. */
function optionId(index: number): string {
  return `branch-option-${index}`
}

/**
 * The branches lane: filter, count, refresh, and a virtualized listbox of branch cards (only the
 * rows in view exist in the DOM, so thousands of branches scroll smoothly).
 */
export function BranchesLane({
  mainBranch,
  now,
  filterRef,
  listRef
}: {
  readonly mainBranch: string
  readonly now: number
  readonly filterRef: RefObject<HTMLInputElement | null>
  readonly listRef: RefObject<HTMLDivElement | null>
}): React.JSX.Element {
  const { branches: store } = useStores()
  const listing = useBranches((s) => s.listing)
  const filter = useBranches((s) => s.filter)
  const selected = useBranches((s) => s.selected)
  const loading = useBranches((s) => s.loading)
  const error = useBranches((s) => s.error)
  const mine = useBranches((s) => s.mine)
  const mineOnly = useBranches((s) => s.mineOnly)

  const sort = useBranches((s) => s.sort)
  const [pruning, setPruning] = useState(false)

  const all = useMemo(() => boardBranches(listing?.branches ?? []), [listing])
  const visible = useMemo(
    () => sortBranches(filterBranches(onlyMine(all, { mine, mineOnly }), filter), sort),
    [all, filter, mine, mineOnly, sort]
  )
  const total = all.length
  const selectedIndex = useMemo(
    () => (selected ? visible.findIndex((b) => b.name === selected) : -1),
    [visible, selected]
  )

  // The virtualizer hands back fresh functions each render by design; the compiler must not memoize around it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: visible.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => BRANCH_CARD_HEIGHT,
    overscan: 10,
    // React 19 warns when the virtualizer flushes synchronously from inside an effect.
    useFlushSync: false,
    initialRect: { width: 320, height: 800 },
    getItemKey: (index) => visible[index]?.name ?? index
  })

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' })
  }, [selectedIndex, virtualizer])

  const open = (name: string): void => {
    store.getState().openDrawer(name)
    listRef.current?.focus({ preventScroll: true })
  }

  const countText = !listing
    ? ''
    : filter.trim() || mineOnly
      ? `${visible.length.toLocaleString('en')} of ${plural(total, 'branch', 'branches')}`
      : plural(total, 'branch', 'branches')

  return (
    <section
      className="lane lane-branches"
      data-testid="lane-branches"
      aria-labelledby="lane-branches-title"
    >
      <header className="lane-header">
        <h2 id="lane-branches-title">Branches</h2>
        <span className="lane-count" data-testid="branch-count" aria-live="polite">
          {countText}
        </span>
        <button
          type="button"
          className="icon-button"
          onClick={() => void store.getState().refresh()}
          disabled={loading}
          title="Re-read branches from git"
        >
          {loading ? 'Reading…' : 'Refresh'}
        </button>
        <button
          type="button"
          className="icon-button"
          onClick={() => setPruning(true)}
          data-testid="prune-open"
          title={`Delete local branches already merged into ${mainBranch} (asks first)`}
        >
          <GitBranchMinus size={14} aria-hidden="true" /> Prune…
        </button>
      </header>
      {pruning && (
        <PruneDialog mainBranch={mainBranch} now={now} onClose={() => setPruning(false)} />
      )}
      <div className="lane-tools">
        <div className="filter-row">
          <input
            ref={filterRef}
            type="search"
            className="filter-input"
            data-testid="branch-filter"
            placeholder="Filter: name, ticket, author, subject  /"
            aria-label="Filter branches by name, ticket, author or subject (author: and subject: look in one field)"
            title="Words match the name, ticket keys, the tip's author or subject; author:ana or subject:refund look in that field only"
            aria-controls="branch-list"
            value={filter}
            onChange={(e) => store.getState().setFilter(e.target.value)}
          />
          <button
            type="button"
            className="mine-toggle"
            data-testid="mine-filter"
            aria-pressed={mineOnly}
            aria-controls="branch-list"
            disabled={mine !== null && mine.email === null && !mineOnly}
            onClick={() => store.getState().setMineOnly(!mineOnly)}
            title={
              mine?.email
                ? `Only branches with commits by ${mine.email} (git user.email)`
                : mine
                  ? 'git has no user.email here: set it (git config user.email) to find your branches'
                  : 'Only branches with commits by your git identity (user.email)'
            }
          >
            Mine
          </button>
          <button
            type="button"
            className="sort-toggle"
            data-testid="branch-sort"
            aria-pressed={sort === 'activity'}
            aria-controls="branch-list"
            onClick={() => store.getState().setSort(sort === 'activity' ? 'name' : 'activity')}
            title={
              sort === 'activity'
                ? 'Newest commit first; press to list by name'
                : 'Listed by name; press to put the newest commit first'
            }
          >
            <Clock size={14} aria-hidden="true" /> Recent
          </button>
        </div>
        {listing && <ReadNote readAt={listing.readAt} tookMs={listing.tookMs} now={now} />}
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error.message}
        </p>
      )}
      {!listing && loading && <p className="lane-empty">Reading branches…</p>}
      {listing && visible.length === 0 && (
        <p className="lane-empty">
          {total === 0
            ? 'No branches besides ' + mainBranch + ' yet.'
            : mineOnly && mine?.email && !filter.trim()
              ? `No branch has commits by ${mine.email} that main does not have.`
              : 'No branch matches this filter.'}
        </p>
      )}
      <div
        ref={listRef}
        id="branch-list"
        className="branch-list"
        role="listbox"
        tabIndex={0}
        aria-label="Branches"
        aria-activedescendant={selectedIndex >= 0 ? optionId(selectedIndex) : undefined}
        hidden={!listing || visible.length === 0}
      >
        <div className="branch-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const branch = visible[row.index]
            if (!branch) return null
            return (
              <div
                key={row.key}
                className="branch-row"
                style={{ transform: `translateY(${row.start}px)`, height: BRANCH_CARD_HEIGHT }}
              >
                <BranchCard
                  branch={branch}
                  mainBranch={mainBranch}
                  selected={row.index === selectedIndex}
                  id={optionId(row.index)}
                  now={now}
                  onOpen={open}
                />
              </div>
            )
          })}
        </div>
      </div>
    </section>
  )
}
