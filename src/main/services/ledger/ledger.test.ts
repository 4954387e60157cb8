import { afterEach, describe, expect, it } from 'vitest'
import type { LedgerDraft } from '../../../shared/ledger-models'
import { git, TeamRepos } from '../../testing/team-repos'
import { syncTeamState, TeamStateStore } from '../team-state'
import { Ledger } from './ledger'
import { ledgerCsv } from './ledger-export'

let repos: TeamRepos | null = null
afterEach(() => {
  repos?.remove()
  repos = null
})

async function clone(name: string, full: string, email: string): Promise<Ledger> {
  repos ??= TeamRepos.create()
  const path = repos.clone(name, full, email)
  return Ledger.open(await TeamStateStore.open(path))
}

const deployment = (n: number, outcome: 'succeeded' | 'failed' = 'succeeded'): LedgerDraft => ({
  kind: 'deployment',
  by: 'ana@laptop',
  environment: 'staging',
  tickets: [`ORD-${n}`],
  deployment: `dep-${n}`,
  release: `20261202.1200-${String(n).padStart(7, '0')}`,
  phase: 'finished',
  outcome,
  hosts: ['web-1', 'web-2'],
  reason: null,
  summary: `deployment ${n}`
})

/**
 * Rewrites the ledger's linear history the way someone with write access to the repository
 * could: `edit` gets each entry's JSON (oldest first) and answers the new JSON, or null to drop
 * the entry; every later commit is re-created on the new parents and the ref is forced.
 */
function rewrite(repo: string, edit: (data: Record<string, unknown>, i: number) => unknown): void {
  const shas = git(repo, ['rev-list', '--reverse', 'refs/slipway/ledger']).split('\n')
  let parent: string | null = null
  shas.forEach((sha, i) => {
    const raw = git(repo, ['cat-file', 'commit', sha])
    const split = raw.indexOf('\n\n')
    const headers = raw.slice(0, split).split('\n')
    const message = raw.slice(split + 2)
    const [subject, , body = ''] = message.split('\n')
    const op = JSON.parse(body) as { data: Record<string, unknown> }
    const data = edit(op.data, i)
    if (data === null) return
    const newBody = JSON.stringify({ ...op, data })
    const newHeaders = headers.filter((h) => !h.startsWith('parent '))
    if (parent) newHeaders.splice(1, 0, `parent ${parent}`)
    const text = `${newHeaders.join('\n')}\n\n${subject}\n\n${newBody}\n`
    parent = git(repo, ['hash-object', '-t', 'commit', '-w', '--stdin'], text)
  })
  git(repo, ['update-ref', 'refs/slipway/ledger', parent as unknown as string])
}

describe('Ledger', { timeout: 180_000 }, () => {
  it('appends entries as commits of refs/slipway/ledger and reads them back in order, schema-checked', async () => {
    const ledger = await clone('ana', 'Ana Lima', 'ana@example.com')
    const repo = (repos as TeamRepos).root + '/ana'
    const first = await ledger.append(deployment(1))
    await ledger.append({
      kind: 'lock-break',
      by: 'ana@laptop',
      environment: 'staging',
      hosts: ['web-1'],
      holder: 'ben@desk',
      since: '2026-12-02T10:00:00.000Z',
      heldFor: '3 hours',
      reason: 'Ben is on holiday'
    })
    // A bad entry is refused before anything is written.
    await expect(ledger.append({ ...deployment(2), release: '' } as LedgerDraft)).rejects.toThrow()
    expect(git(repo, ['rev-list', '--count', 'refs/slipway/ledger'])).toBe('2')
    expect(git(repo, ['log', '--format=%an|%s', '-1', first.commit])).toBe(
      'Ana Lima|deployment of 20261202.1200-0000001 to staging succeeded (ana@laptop, dep-1)'
    )
    const list = await ledger.list()
    expect(list.map((r) => [r.position, r.entry.kind])).toEqual([
      [2, 'lock-break'],
      [1, 'deployment']
    ])
    expect((await ledger.list({ ticket: 'ord-1' })).map((r) => r.entry.id)).toEqual([
      first.entry.id
    ])
    expect(await ledger.list({ outcome: 'failed' })).toEqual([])
    expect((await ledger.list({ person: 'ANA LIMA' })).length).toBe(2)
    const report = await ledger.verify()
    expect(report).toMatchObject({ ok: true, entries: 2, findings: [], remembered: true })
    const csv = ledgerCsv([...list].reverse()).split('\r\n')
    expect(csv[0]).toBe(
      'position,at,kind,environment,release,outcome,by,author,tickets,summary,id,commit,details'
    )
    expect(csv[2]).toContain('lock-break,staging,,,ana@laptop,Ana Lima <ana@example.com>,,')
  })

  it('two clones appending at once lose no entry: sync joins both chains and both read the same ledger', async () => {
    const a = await clone('ana', 'Ana Lima', 'ana@example.com')
    const b = await clone('ben', 'Ben Okafor', 'ben@example.com')
    const root = (repos as TeamRepos).root
    const storeA = await TeamStateStore.open(`${root}/ana`)
    const storeB = await TeamStateStore.open(`${root}/ben`)
    await Promise.all([
      (async () => {
        for (let i = 0; i < 10; i += 1) await a.append(deployment(i))
      })(),
      (async () => {
        for (let i = 100; i < 110; i += 1) await b.append(deployment(i))
      })()
    ])
    // Both sync, concurrently: one of the pushes loses the compare-and-swap and merges again.
    const outs = await Promise.all([syncTeamState(storeA), syncTeamState(storeB)])
    expect(outs.map((o) => o.kind)).toEqual(['synced', 'synced'])
    await syncTeamState(storeA)
    await syncTeamState(storeB)
    const readA = await a.list()
    const readB = await b.list()
    expect(readA.length).toBe(20)
    expect(readA.map((r) => r.entry.id)).toEqual(readB.map((r) => r.entry.id))
    expect(new Set(readA.map((r) => r.author.email))).toEqual(
      new Set(['ana@example.com', 'ben@example.com'])
    )
    expect(git(`${root}/ana`, ['rev-parse', 'refs/slipway/ledger'])).toBe(
      git(`${root}/ben`, ['rev-parse', 'refs/slipway/ledger'])
    )
    expect((await a.verify()).ok).toBe(true)
    expect((await b.verify()).ok).toBe(true)
  })

  it('reports an entry rewritten after this clone verified, with its position', async () => {
    const ledger = await clone('ana', 'Ana Lima', 'ana@example.com')
    const repo = `${(repos as TeamRepos).root}/ana`
    for (let i = 1; i <= 5; i += 1) await ledger.append(deployment(i, 'failed'))
    const before = await ledger.verify()
    expect(before.ok).toBe(true)
    // Someone turns the third deployment's failure into a success and rebuilds the chain.
    rewrite(repo, (data, i) => (i === 2 ? { ...data, outcome: 'succeeded' } : data))
    const after = await ledger.verify()
    expect(after.ok).toBe(false)
    expect(after.findings).toEqual([
      expect.objectContaining({ kind: 'rewritten-history', verifiedTip: before.tip }),
      expect.objectContaining({
        kind: 'entry-rewritten',
        position: 3,
        was: expect.stringContaining('failed') as string,
        now: expect.stringContaining('succeeded') as string
      })
    ])
    // Not accepted silently: the next verify reports it again, until accepted on purpose.
    expect(after.remembered).toBe(false)
    expect((await ledger.verify()).ok).toBe(false)
    expect((await ledger.verify({ accept: true })).remembered).toBe(true)
    expect((await ledger.verify()).ok).toBe(true)
  })

  it('reports entries deleted by rewriting history, with what they said', async () => {
    const ledger = await clone('ana', 'Ana Lima', 'ana@example.com')
    const repo = `${(repos as TeamRepos).root}/ana`
    for (let i = 1; i <= 4; i += 1) await ledger.append(deployment(i))
    expect((await ledger.verify()).ok).toBe(true)
    rewrite(repo, (data, i) => (i === 1 ? null : data))
    const after = await ledger.verify()
    expect(after.entries).toBe(3)
    expect(after.findings.map((f) => f.kind)).toEqual(['rewritten-history', 'entry-disappeared'])
    expect(after.findings[1]).toMatchObject({
      position: 2,
      summary: expect.stringContaining('dep-2') as string
    })
  })

  it('finds a rewrite that arrived from origin: the union keeps both copies and verify names the changed one', async () => {
    const a = await clone('ana', 'Ana Lima', 'ana@example.com')
    const b = await clone('ben', 'Ben Okafor', 'ben@example.com')
    const root = (repos as TeamRepos).root
    for (let i = 1; i <= 3; i += 1) await a.append(deployment(i, 'failed'))
    await syncTeamState(await TeamStateStore.open(`${root}/ana`))
    const storeB = await TeamStateStore.open(`${root}/ben`)
    await syncTeamState(storeB)
    expect((await b.verify()).ok).toBe(true)
    // Ana rewrites entry 2 and force-pushes the ledger to origin.
    rewrite(`${root}/ana`, (data, i) => (i === 1 ? { ...data, outcome: 'succeeded' } : data))
    git(`${root}/ana`, ['push', '--quiet', '--force', 'origin', 'refs/slipway/ledger'])
    await syncTeamState(storeB)
    const report = await b.verify()
    // Entry 1 rewrites to the very same commit; entries 2 and 3 come back as new commits.
    expect(report.entries).toBe(5)
    const second = (await b.list()).find(
      (r) => r.entry.kind === 'deployment' && r.entry.deployment === 'dep-2'
    )
    // Both copies of entry 2 are kept (nothing is lost); the one that differs is named.
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'entry-rewritten', id: second?.entry.id })
    ])
    const text = report.findings.map((f) => (f.kind === 'entry-rewritten' ? f.was + f.now : ''))
    expect(text[0]).toMatch(/failed[^]*succeeded|succeeded[^]*failed/)
  })

  it('reports a hand-made commit in the chain with its position and reason', async () => {
    const ledger = await clone('ana', 'Ana Lima', 'ana@example.com')
    const repo = `${(repos as TeamRepos).root}/ana`
    for (let i = 1; i <= 3; i += 1) await ledger.append(deployment(i))
    // Entry 2 loses a required field: its kind's schema refuses it.
    rewrite(repo, (data, i) => (i === 1 ? { ...data, hosts: 'web-1' } : data))
    const report = await ledger.verify()
    expect(report.ok).toBe(false)
    expect(report.entries).toBe(2)
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: 'bad-entry',
        position: 2,
        reason: expect.stringContaining('hosts') as string
      })
    ])
    expect(report.remembered).toBe(false)
  })
})
