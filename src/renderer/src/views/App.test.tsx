import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Commit, Workspace } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { formatAbsolute } from '../lib/format'
import { createStores } from '../stores/stores'
import { connectSubscriptions } from '../stores/subscriptions'
import {
  createFakeClient,
  makeBranch,
  makeListing,
  makeWorkspace,
  type FakeHandlers
} from '../test/fake-client'
import { App } from './App'

// jsdom has no layout: give scroll containers a height so the virtualizer renders rows, and a
// scrollTo so scrolling the selection into view works.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')
const scrollHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight')
beforeAll(() => {
  // A scroll box is as tall as its sized content (the virtualizer's inner div sets its height).
  Object.defineProperty(Element.prototype, 'scrollHeight', {
    configurable: true,
    get(this: Element) {
      const inner = this.firstElementChild as HTMLElement | null
      return Number.parseFloat(inner?.style.height ?? '') || 0
    }
  })
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get: () => 600
  })
  // jsdom keeps scrollTop but has no scrollTo; scroll the way a browser would, then tell listeners.
  Element.prototype.scrollTo = function scrollTo(
    this: Element,
    options?: ScrollToOptions | number
  ) {
    if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top
    this.dispatchEvent(new Event('scroll'))
  } as Element['scrollTo']
})
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight)
  if (scrollHeight) Object.defineProperty(Element.prototype, 'scrollHeight', scrollHeight)
})

const offs: (() => void)[] = []
afterEach(() => {
  cleanup()
  offs.splice(0).forEach((off) => off())
})

const BRANCH_COUNT = 2000
const branches = Array.from({ length: BRANCH_COUNT }, (_, i) =>
  makeBranch({
    name: `feature/ORD-${i + 1}-work`,
    tickets: i % 2 === 0 ? [`ORD-${i + 1}`, 'PAY-9'] : [`ORD-${i + 1}`],
    ahead: (i % 5) + 1,
    behind: i % 3
  })
)
const listing = makeListing(branches)
const commits: Commit[] = [
  {
    sha: 'c'.repeat(40),
    subject: 'Add refunds endpoint',
    author: 'Grace',
    date: new Date().toISOString(),
    tickets: ['ORD-1']
  }
]
const workspace = makeWorkspace({
  config: {
    tickets: { pattern: '[A-Z][A-Z0-9]+-[0-9]+' },
    pullRequests: { approvals: 1, mergeMethod: 'merge' },
    environments: [
      {
        name: 'staging',
        hosts: [{ local: '/srv/staging', port: 8081 }],
        keepReleases: 5,
        deployOn: 'merge'
      },
      {
        name: 'production',
        hosts: [{ host: 'app1.internal', user: 'deploy', path: '/srv/orders', name: 'app1' }],
        keepReleases: 5,
        promoteFrom: 'staging'
      }
    ]
  }
})

function renderApp(handlers: FakeHandlers) {
  const client = createFakeClient({ 'workspace.recent': () => [], ...handlers })
  const stores = createStores(client)
  offs.push(connectSubscriptions(stores, client, { coalesceMs: 10 }))
  render(<App stores={stores} />)
  return { client, stores }
}

function renderBoard(ws: Workspace = workspace) {
  return renderApp({
    'workspace.current': () => ws,
    'branches.list': () => listing,
    'branches.commits': () => commits
  })
}

describe('the board', () => {
  it('shows the four lanes in order with virtualized branch cards', async () => {
    renderBoard()
    const board = await screen.findByTestId('board')
    await screen.findAllByTestId('branch-card')
    const lanes = [...board.querySelectorAll('section[data-testid]')].map((l) =>
      l.getAttribute('data-testid')
    )
    expect(lanes).toEqual(['lane-branches', 'lane-main', 'lane-env-staging', 'lane-env-production'])

    const cards = screen.getAllByTestId('branch-card')
    // Only the rows in view (plus overscan) exist, not 2,000.
    expect(cards.length).toBeGreaterThan(3)
    expect(cards.length).toBeLessThan(40)
    expect(screen.getByTestId('branch-count').textContent).toBe('2,000 branches')

    const first = cards[0]
    expect(first.getAttribute('data-branch')).toBe('feature/ORD-1-work')
    expect(within(first).getByTestId('branch-ahead').textContent).toBe('↑1')
    expect(within(first).getByTestId('branch-behind').textContent).toBe('↓0')
    expect(within(first).getByTitle('1 ahead, 0 behind main')).toBeTruthy()
    expect(
      within(first)
        .getAllByTestId('ticket-chip')
        .map((c) => c.textContent)
    ).toEqual(['ORD-1', 'PAY-9'])

    const main = screen.getByTestId('lane-main')
    expect(main.textContent).toContain('Merge ORD-1')
    expect(main.textContent).toContain('2,000 branches')
    const staging = screen.getByTestId('lane-env-staging')
    expect(staging.textContent).toContain('/srv/staging')
    expect(staging.textContent).toContain('port 8081')
    // Until its hosts answer (no fake answer here), a lane says it has not read them.
    expect(staging.textContent).toMatch(/Reading…|Not read/)
    expect(screen.getByTestId('lane-env-production').textContent).toContain('deploy@app1.internal')
  })

  it('focuses the filter on "/", filters by ticket, and clears on Escape', async () => {
    renderBoard()
    await screen.findAllByTestId('branch-card')
    const filter = screen.getByTestId('branch-filter') as HTMLInputElement
    fireEvent.keyDown(document.body, { key: '/' })
    expect(document.activeElement).toBe(filter)

    fireEvent.change(filter, { target: { value: 'ord-1999' } })
    await waitFor(() => expect(screen.getAllByTestId('branch-card')).toHaveLength(1))
    expect(screen.getByTestId('branch-card').getAttribute('data-branch')).toBe(
      'feature/ORD-1999-work'
    )
    expect(screen.getByTestId('branch-count').textContent).toBe('1 of 2,000 branches')

    fireEvent.keyDown(filter, { key: 'Escape' })
    expect(filter.value).toBe('')
    // "/" typed inside the filter is text, not a shortcut.
    const typed = fireEvent.keyDown(filter, { key: '/' })
    expect(typed).toBe(true)
  })

  it('moves the selection with arrows, opens the drawer on Enter, closes it on Escape', async () => {
    const { client } = renderBoard()
    await screen.findAllByTestId('branch-card')
    const list = screen.getByRole('listbox', { name: 'Branches' })
    list.focus()
    fireEvent.keyDown(list, { key: 'ArrowDown' })
    fireEvent.keyDown(list, { key: 'ArrowDown' })
    fireEvent.keyDown(list, { key: 'ArrowDown' })
    fireEvent.keyDown(list, { key: 'ArrowUp' })
    const selected = screen.getByRole('option', { selected: true })
    expect(selected.getAttribute('data-branch')).toBe('feature/ORD-2-work')
    expect(list.getAttribute('aria-activedescendant')).toBe(selected.id)

    // End jumps to the last of 2,000 rows: the list scrolls so that row exists in the DOM.
    fireEvent.keyDown(list, { key: 'End' })
    await waitFor(() =>
      expect(screen.getByRole('option', { selected: true }).getAttribute('data-branch')).toBe(
        `feature/ORD-${BRANCH_COUNT}-work`
      )
    )
    expect(list.scrollTop).toBeGreaterThan(100_000)
    fireEvent.keyDown(list, { key: 'Home' })
    fireEvent.keyDown(list, { key: 'ArrowDown' })
    expect(list.getAttribute('aria-activedescendant')).toBe(
      screen.getByRole('option', { selected: true }).id
    )

    fireEvent.keyDown(list, { key: 'Enter' })
    const drawer = await screen.findByTestId('branch-drawer')
    expect(within(drawer).getByRole('heading', { level: 2 }).textContent).toBe('feature/ORD-2-work')
    expect(within(drawer).getByTestId('drawer-sha').textContent).toBe(branches[1].sha)
    expect(await within(drawer).findByText('Add refunds endpoint')).toBeTruthy()
    expect(client.callsOf('branches.commits')).toEqual([{ name: 'feature/ORD-2-work', limit: 200 }])

    fireEvent.keyDown(list, { key: 'Escape' })
    expect(screen.queryByTestId('branch-drawer')).toBeNull()
  })

  it('opens the drawer on click and closes it with its button', async () => {
    renderBoard()
    const cards = await screen.findAllByTestId('branch-card')
    fireEvent.click(cards[2])
    const drawer = await screen.findByTestId('branch-drawer')
    expect(drawer.textContent).toContain('feature/ORD-3-work')
    fireEvent.click(within(drawer).getByRole('button', { name: 'Close branch details' }))
    expect(screen.queryByTestId('branch-drawer')).toBeNull()
  })

  it('asks the server to test the branch open in the drawer first, and stops when it closes', async () => {
    const tested = {
      ...workspace,
      config: { ...workspace.config, test: { command: 'npm test', timeoutSeconds: 900 } }
    }
    const { client, stores } = renderApp({
      'workspace.current': () => tested,
      'branches.list': () => listing,
      'branches.commits': () => commits,
      'tests.branchStates': () => [],
      'tests.queue': () => ({ paused: false, concurrency: 1, running: [], queued: [] }),
      'tests.focus': () => null
    })
    const cards = await screen.findAllByTestId('branch-card')
    await waitFor(() => expect(stores.tests.getState().availability.kind).toBe('ready'))
    const focused = (): unknown[] => client.callsOf('tests.focus')
    expect(focused().filter((c) => (c as { branch: unknown }).branch !== null)).toEqual([])
    fireEvent.click(cards[2])
    const drawer = await screen.findByTestId('branch-drawer')
    expect(focused().at(-1)).toEqual({ branch: 'feature/ORD-3-work' })
    fireEvent.click(within(drawer).getByRole('button', { name: 'Close branch details' }))
    expect(focused().at(-1)).toEqual({ branch: null })
    expect(focused().filter((c) => (c as { branch: unknown }).branch !== null)).toHaveLength(1)
  })

  it('lists config problems and offers a starter file only for defaults without problems', async () => {
    renderBoard(
      makeWorkspace({
        configSource: 'defaults',
        configProblems: [
          {
            file: 'slipway.yml',
            line: 4,
            column: 3,
            message: 'environments.0.hosts: an environment needs at least one host'
          }
        ]
      })
    )
    const banner = await screen.findByTestId('config-problems')
    expect(banner.textContent).toContain('slipway.yml:4:3')
    expect(banner.textContent).toContain('an environment needs at least one host')
    expect(screen.queryByRole('button', { name: 'Write a starter slipway.yml' })).toBeNull()
    // The defaults stand in for the broken file: the lane says so, not "none configured".
    const lane = screen.getByTestId('lane-env-none').textContent
    expect(lane).toContain('Environments are not shown while slipway.yml is invalid')
    expect(lane).toContain('slipway.yml:4:3')
    expect(lane).not.toContain('No environments are configured')
  })

  it('writes a starter config from the header offer', async () => {
    const defaults = makeWorkspace({ configSource: 'defaults' })
    const { client } = renderApp({
      'workspace.current': () => defaults,
      'branches.list': () => listing,
      'workspace.writeStarterConfig': () => ({ ...defaults, configSource: 'file' })
    })
    fireEvent.click(await screen.findByRole('button', { name: 'Write a starter slipway.yml' }))
    await waitFor(() => expect(screen.getByTestId('config-source').textContent).toBe('slipway.yml'))
    expect(client.callsOf('workspace.writeStarterConfig')).toHaveLength(1)
    expect(screen.queryByRole('button', { name: 'Write a starter slipway.yml' })).toBeNull()
  })

  it('refreshes when the server says branches changed', async () => {
    const { client } = renderBoard()
    await screen.findAllByTestId('branch-card')
    act(() => client.emit({ event: 'branches.changed', payload: { reason: 'refs' } }))
    await waitFor(() => expect(client.callsOf('branches.list')).toEqual([{}, { refresh: true }]))
  })

  it('shows a failed listing as a sentence', async () => {
    renderApp({
      'workspace.current': () => workspace,
      'branches.list': () => {
        throw new ApiCallError({ code: 'git-failed', message: 'git could not read refs.' })
      }
    })
    expect((await screen.findByRole('alert')).textContent).toBe('git could not read refs.')
  })
})

describe('the workspace picker', () => {
  it('shows when no workspace is open and reports a bad path inline', async () => {
    const openedAt = new Date(Date.now() - 3 * 24 * 3600_000 - 60_000).toISOString()
    const { client } = renderApp({
      'workspace.current': () => null,
      'workspace.recent': () => [{ path: '/repos/orders', name: 'orders', openedAt }],
      'workspace.open': ({ path }) => {
        throw new ApiCallError({
          code: 'not-a-repository',
          message: `${path} is not inside a git repository.`
        })
      }
    })
    const picker = await screen.findByTestId('workspace-picker')
    const input = within(picker).getByLabelText('Repository path')
    fireEvent.change(input, { target: { value: '/tmp/empty' } })
    fireEvent.submit(input.closest('form') as HTMLFormElement)
    expect((await within(picker).findByRole('alert')).textContent).toBe(
      '/tmp/empty is not inside a git repository.'
    )
    expect(client.callsOf('workspace.open')).toEqual([{ path: '/tmp/empty' }])
    const recent = await within(picker).findByRole('button', { name: /orders/ })
    // When it was opened reads relative to now, with the exact time on hover.
    const when = recent.querySelector('time') as HTMLTimeElement
    expect(when.textContent).toBe('3 days ago')
    expect(when.dateTime).toBe(openedAt)
    expect(when.title).toBe(`Opened ${formatAbsolute(openedAt)}`)
  })

  it('opens a recent workspace or the demo, then shows the board', async () => {
    const { client } = renderApp({
      'workspace.current': () => null,
      'workspace.recent': () => [
        { path: '/repos/orders', name: 'orders', openedAt: '2025-01-01T10:00:00Z' }
      ],
      'workspace.open': () => workspace,
      'workspace.openDemo': () => makeWorkspace({ isDemo: true }),
      'branches.list': () => listing
    })
    fireEvent.click(await screen.findByRole('button', { name: /orders/ }))
    await screen.findByTestId('board')
    expect(client.callsOf('workspace.open')).toEqual([{ path: '/repos/orders' }])

    // Escape goes back to the board without changing anything.
    fireEvent.click(screen.getByRole('button', { name: 'Switch workspace' }))
    fireEvent.keyDown(await screen.findByLabelText('Repository path'), { key: 'Escape' })
    await screen.findByTestId('board')

    fireEvent.click(screen.getByRole('button', { name: 'Switch workspace' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Open demo workspace' }))
    await screen.findByTestId('board')
    expect(screen.getByText('demo')).toBeTruthy()
  })
})
