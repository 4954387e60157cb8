import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { FolderEntry, FolderListing } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { StoresContext } from '../stores/hooks'
import { createStores } from '../stores/stores'
import { createFakeClient, makeWorkspace, type FakeClient } from '../test/fake-client'
import { WorkspacePicker } from '../views/WorkspacePicker'

const HOME = '/home/ana'

function folder(path: string, isRepository = false): FolderEntry {
  const name = path.slice(path.lastIndexOf('/') + 1)
  return { name, path, hidden: name.startsWith('.'), isRepository }
}

/** The folders of a small home, as folders.list would answer them. */
const TREE: Record<string, FolderEntry[]> = {
  [HOME]: [folder(`${HOME}/Documents`), folder(`${HOME}/src`)],
  [`${HOME}/src`]: [folder(`${HOME}/src/notes`), folder(`${HOME}/src/orders`, true)],
  [`${HOME}/src/notes`]: []
}

function listingOf(path: string, showHidden: boolean): FolderListing {
  const entries = TREE[path]
  if (!entries) {
    throw new ApiCallError({ code: 'forbidden', message: `${path} is outside your home folder` })
  }
  const hidden = path === HOME ? [folder(`${HOME}/.config`)] : []
  return {
    path,
    home: HOME,
    parent: path === HOME ? null : path.slice(0, path.lastIndexOf('/')),
    isRepository: false,
    entries: showHidden ? [...hidden, ...entries] : entries,
    hiddenCount: showHidden ? 0 : hidden.length,
    more: 0
  }
}

const flush = (): Promise<void> => act(() => new Promise<void>((r) => setTimeout(r, 0)))

function show(client: FakeClient): void {
  const stores = createStores(client)
  stores.workspace.setState({ initialized: true })
  render(
    <StoresContext.Provider value={stores}>
      <WorkspacePicker canCancel={false} />
    </StoresContext.Provider>
  )
}

function serveClient(): FakeClient {
  return createFakeClient({
    'folders.pick': () => ({ kind: 'unavailable' }),
    'folders.list': ({ path, showHidden }) => listingOf(path ?? HOME, showHidden ?? false),
    'workspace.open': ({ path }) => makeWorkspace({ path }),
    'workspace.recent': () => []
  })
}

const names = (): string[] =>
  screen.getAllByTestId('folder-item').map((e) => e.getAttribute('data-name') ?? '')
const highlighted = (): string | null =>
  screen
    .getAllByTestId('folder-item')
    .find((e) => e.getAttribute('aria-selected') === 'true')
    ?.getAttribute('data-name') ?? null
const pathField = (): HTMLInputElement => screen.getByTestId('workspace-path') as HTMLInputElement

afterEach(cleanup)

describe('the workspace picker’s folder browser', () => {
  it('under serve, lists home and is driven by the keyboard: move, into, up, open a repository', async () => {
    const client = serveClient()
    show(client)
    fireEvent.click(screen.getByTestId('browse-folders'))
    await flush()
    expect(client.callsOf('folders.pick')).toEqual([{}])
    expect(client.callsOf('folders.list')).toEqual([{}])
    const list = screen.getByRole('listbox', { name: 'Folders in ~' })
    expect(document.activeElement).toBe(list)
    expect(names()).toEqual(['Documents', 'src'])
    expect(highlighted()).toBe('Documents')
    expect(pathField().value).toBe(`${HOME}/Documents`)
    expect(screen.getByTestId('folder-status').textContent).toBe(
      '2 folders in ~, 1 hidden one not shown.'
    )

    fireEvent.keyDown(list, { key: 'ArrowDown' })
    expect(highlighted()).toBe('src')
    expect(list.getAttribute('aria-activedescendant')).toBe(
      screen.getAllByTestId('folder-item')[1]?.id
    )
    expect(pathField().value).toBe(`${HOME}/src`)

    // Enter goes into a plain folder.
    fireEvent.keyDown(list, { key: 'Enter' })
    await flush()
    expect(client.callsOf('folders.list').at(-1)).toEqual({ path: `${HOME}/src` })
    expect(screen.getByTestId('folder-where').textContent).toBe('~/src')
    expect(names()).toEqual(['notes', 'orders'])
    const orders = screen.getAllByTestId('folder-item')[1] as HTMLElement
    expect(orders.getAttribute('data-repository')).toBe('true')
    expect(orders.textContent).toBe('ordersgit repository')

    // Backspace goes up, with the folder it left highlighted.
    fireEvent.keyDown(list, { key: 'Backspace' })
    await flush()
    expect(client.callsOf('folders.list').at(-1)).toEqual({ path: HOME })
    expect(highlighted()).toBe('src')

    // → goes into any folder; End, then Enter on a repository opens it as the workspace.
    fireEvent.keyDown(list, { key: 'ArrowRight' })
    await flush()
    fireEvent.keyDown(list, { key: 'End' })
    expect(highlighted()).toBe('orders')
    fireEvent.keyDown(list, { key: 'Enter' })
    await flush()
    expect(client.callsOf('workspace.open')).toEqual([{ path: `${HOME}/src/orders` }])
  })

  it('shows hidden folders when asked, says why a folder is refused, and Escape closes it only', async () => {
    const client = serveClient()
    show(client)
    fireEvent.click(screen.getByTestId('browse-folders'))
    await flush()
    fireEvent.click(screen.getByTestId('folder-show-hidden'))
    await flush()
    expect(client.callsOf('folders.list').at(-1)).toEqual({ path: HOME, showHidden: true })
    expect(names()).toEqual(['.config', 'Documents', 'src'])
    // The highlighted folder stays highlighted when the listing changes.
    expect(highlighted()).toBe('Documents')

    // A folder the server refuses: its words, and the listing shown stays.
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Home' })
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Enter' })
    await flush()
    expect(screen.getByTestId('folder-error').textContent).toBe(
      `${HOME}/.config is outside your home folder`
    )
    expect(names()).toEqual(['.config', 'Documents', 'src'])

    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' })
    expect(screen.queryByTestId('folder-browser')).toBeNull()
    expect(document.activeElement).toBe(screen.getByTestId('browse-folders'))
    expect(screen.getByTestId('workspace-picker')).toBeTruthy()
  })

  it('in the desktop app, opens the folder the system dialog chose, and nothing when cancelled', async () => {
    let answer: { kind: 'chosen'; path: string } | { kind: 'cancelled' } = { kind: 'cancelled' }
    const client = createFakeClient({
      'folders.pick': () => answer,
      'workspace.open': ({ path }) => makeWorkspace({ path }),
      'workspace.recent': () => []
    })
    show(client)
    fireEvent.click(screen.getByTestId('browse-folders'))
    await flush()
    expect(client.callsOf('workspace.open')).toEqual([])
    expect(screen.queryByTestId('folder-browser')).toBeNull()

    answer = { kind: 'chosen', path: '/home/ana/src/orders' }
    fireEvent.change(pathField(), { target: { value: '/home/ana/src' } })
    fireEvent.click(screen.getByTestId('browse-folders'))
    await flush()
    // The dialog starts where the typed path points.
    expect(client.callsOf('folders.pick')).toEqual([{}, { defaultPath: '/home/ana/src' }])
    expect(client.callsOf('folders.list')).toEqual([])
    expect(client.callsOf('workspace.open')).toEqual([{ path: '/home/ana/src/orders' }])
    expect(pathField().value).toBe('/home/ana/src/orders')
  })
})
