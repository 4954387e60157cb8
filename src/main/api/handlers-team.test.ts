import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import { memorySettingsStore } from '../services/workspace'
import { TeamRepos } from '../testing/team-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { createRouter, type Router } from './router'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

interface Opened {
  readonly router: Router
  readonly events: AppEvent[]
  readonly dataDir: string
}

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

async function open(path: string): Promise<Opened> {
  const dataDir = await tempDir('slipway-team-handlers-')
  const router = createRouter({
    host: 'serve',
    version: '9.9.9',
    dataDir,
    settings: memorySettingsStore()
  })
  const events: AppEvent[] = []
  router.onEvent((e) => events.push(e))
  cleanup.push(async () => {
    await router.dispose()
    await removeDir(dataDir)
  })
  // Tickets are keyed from the project's name: ORD-1, ORD-2, …
  await writeFile(join(path, 'slipway.yml'), 'project: orders\n')
  value(await router.openWorkspace(path))
  return { router, events, dataDir }
}

const synced = (events: readonly AppEvent[]) =>
  events.flatMap((e) => (e.event === 'team.synced' ? [e.payload.status] : []))

describe('team handlers: the Sync indicator hears of every sync', { timeout: 120_000 }, () => {
  it('announces origin reached after a change that synced by itself, not only after Sync', async () => {
    const repos = TeamRepos.create()
    cleanup.push(async () => repos.remove())
    const ana = await open(repos.clone('ana', 'Ana Lima', 'ana@example.com'))
    const before = value(await ana.router.call('team.status', {}))
    expect(before.lastReachedAt).toBeNull()

    // A new ticket claims its key block on origin: that is a sync, and the board is told.
    const ticket = value(await ana.router.call('tickets.create', { title: 'Export refunds' }))
    expect(ticket.keyConfirmed).toBe(true)
    const heard = synced(ana.events)
    expect(heard.length).toBeGreaterThan(0)
    expect(heard.at(-1)?.lastReachedAt).toEqual(expect.any(String))
    expect(heard.at(-1)?.last?.kind).toBe('synced')
    expect(value(await ana.router.call('team.status', {})).lastReachedAt).toBe(
      heard.at(-1)?.lastReachedAt
    )
  })

  it('tells the ticket and pull-request views when a sync brought something new', async () => {
    const repos = TeamRepos.create()
    cleanup.push(async () => repos.remove())
    const ana = await open(repos.clone('ana', 'Ana Lima', 'ana@example.com'))
    const ben = await open(repos.clone('ben', 'Ben Okafor', 'ben@example.com'))
    value(await ben.router.call('tickets.create', { title: 'Made by Ben' }))
    value(await ben.router.call('team.sync', {}))

    ana.events.length = 0
    const status = value(await ana.router.call('team.sync', {}))
    expect(status.last?.kind).toBe('synced')
    const names = ana.events.map((e) => e.event)
    expect(names).toContain('team.synced')
    expect(names).toContain('tickets.changed')
    expect(names).toContain('pullRequests.changed')
    const titles = value(await ana.router.call('tickets.list', {})).map((t) => t.title)
    expect(titles).toContain('Made by Ben')

    // Nothing new: the indicator still hears of the sync, the views are left alone. (The ref
    // watcher may still report the first sync's fetch as branches.changed: not the views' news.)
    ana.events.length = 0
    value(await ana.router.call('team.sync', {}))
    const again = ana.events.map((e) => e.event)
    expect(again).toContain('team.synced')
    expect(again).not.toContain('tickets.changed')
    expect(again).not.toContain('pullRequests.changed')
  })
})
