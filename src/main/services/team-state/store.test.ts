import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TeamStateStore } from './store'
import { git, TeamRepos } from '../../testing/team-repos'

let repos: TeamRepos | null = null
afterEach(() => {
  repos?.remove()
  repos = null
})

function setup(): { a: string } {
  repos = TeamRepos.create()
  return { a: repos.clone('ana', 'Ana Lima', 'ana@example.com') }
}

describe('TeamStateStore', { timeout: 180_000 }, () => {
  it('appends operations as commits under refs/slipway with the git identity, a time and a clock', async () => {
    const { a } = setup()
    const store = await TeamStateStore.open(a)
    const first = await store.append({
      path: 'tickets/t1',
      type: 'ticket.create',
      data: { title: 'Fix login' },
      summary: 'ORD-1 Fix login',
      mode: 'create'
    })
    const second = await store.append({
      path: 'tickets/t1',
      type: 'ticket.edit',
      data: { status: 'done' },
      mode: 'append'
    })
    expect(second.clock).toBeGreaterThan(first.clock)
    expect(second.parents).toEqual([first.sha])
    expect(git(a, ['rev-parse', 'refs/slipway/tickets/t1'])).toBe(second.sha)
    expect(git(a, ['log', '-1', '--format=%an <%ae>|%s', first.sha])).toBe(
      'Ana Lima <ana@example.com>|ORD-1 Fix login'
    )
    // Read back cold, in another store: the same operations, in fold order.
    const cold = await TeamStateStore.open(a)
    const snap = await cold.snapshot()
    const log = snap.entities.get('tickets/t1')
    expect(log?.ops.map((o) => [o.type, o.data, o.author.email])).toEqual([
      ['ticket.create', { title: 'Fix login' }, 'ana@example.com'],
      ['ticket.edit', { status: 'done' }, 'ana@example.com']
    ])
    expect(snap.problems).toEqual([])
  })

  it('leaves the working tree, the index, HEAD and every branch alone', async () => {
    const { a } = setup()
    const before = git(a, [
      'for-each-ref',
      '--format=%(refname) %(objectname)',
      'refs/heads',
      'refs/remotes'
    ])
    const head = git(a, ['rev-parse', 'HEAD'])
    const store = await TeamStateStore.open(a)
    for (let i = 0; i < 5; i += 1) {
      await store.append({
        path: `tickets/t${i}`,
        type: 'ticket.create',
        data: { i },
        mode: 'create'
      })
    }
    expect(git(a, ['status', '--porcelain', '--ignored'])).toBe('')
    expect(git(a, ['rev-parse', 'HEAD'])).toBe(head)
    expect(
      git(a, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/remotes'])
    ).toBe(before)
    // The documented way to keep the namespace out of `git log --all`.
    expect(git(a, ['log', '--oneline', '--all'])).not.toBe(git(a, ['log', '--oneline', 'main']))
    expect(git(a, ['log', '--oneline', '--exclude=refs/slipway*', '--all'])).toBe(
      git(a, ['log', '--oneline', 'main'])
    )
  })

  it('never loses an operation when appends to one entity race', async () => {
    const { a } = setup()
    const stores = await Promise.all([
      TeamStateStore.open(a),
      TeamStateStore.open(a),
      TeamStateStore.open(a)
    ])
    await stores[0]?.append({
      path: 'pulls/p1',
      type: 'pr.open',
      data: { branch: 'x' },
      mode: 'create'
    })
    await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        stores[i % 3]?.append({
          path: 'pulls/p1',
          type: 'pr.comment',
          data: { n: i },
          mode: 'append'
        })
      )
    )
    const log = (await (await TeamStateStore.open(a)).snapshot()).entities.get('pulls/p1')
    const ns = log?.ops.filter((o) => o.type === 'pr.comment').map((o) => o.data.n as number)
    expect(ns?.sort((x, y) => x - y)).toEqual(Array.from({ length: 9 }, (_, i) => i))
  })

  it('reports hand-made and corrupt refs by name and reads everything else', async () => {
    const { a } = setup()
    const store = await TeamStateStore.open(a)
    await store.append({ path: 'tickets/good', type: 'ticket.create', data: {}, mode: 'create' })
    const blob = git(a, ['hash-object', '-w', '--stdin'], 'not a commit')
    git(a, ['update-ref', 'refs/slipway/tickets/blob', blob])
    const handMade = git(a, [
      'commit-tree',
      '-m',
      'just a message',
      git(a, ['hash-object', '-t', 'tree', '-w', '--stdin'], '')
    ])
    git(a, ['update-ref', 'refs/slipway/tickets/handmade', handMade])
    git(a, ['update-ref', 'refs/slipway/tickets/odd@name', handMade])
    mkdirSync(join(a, '.git/refs/slipway/pulls'), { recursive: true })
    writeFileSync(
      join(a, '.git/refs/slipway/pulls/missing'),
      'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef\n'
    )
    writeFileSync(join(a, '.git/refs/slipway/pulls/garbage'), 'this is not an object id\n')
    const snap = await (await TeamStateStore.open(a)).snapshot()
    expect([...snap.entities.keys()]).toEqual(['tickets/good'])
    const byRef = Object.fromEntries(snap.problems.map((p) => [p.ref, p.reason]))
    expect(Object.keys(byRef).sort()).toEqual([
      'refs/slipway/pulls/garbage',
      'refs/slipway/pulls/missing',
      'refs/slipway/tickets/blob',
      'refs/slipway/tickets/handmade',
      'refs/slipway/tickets/odd@name'
    ])
    expect(byRef['refs/slipway/tickets/blob']).toMatch(/blob/)
    expect(byRef['refs/slipway/pulls/missing']).toMatch(/missing/)
    expect(byRef['refs/slipway/tickets/handmade']).toMatch(/no operation/)
  })

  it('refuses a clock that does not grow along the history (a reordering by hand)', async () => {
    const { a } = setup()
    const store = await TeamStateStore.open(a)
    const op = await store.append({
      path: 'tickets/t',
      type: 'ticket.create',
      data: {},
      mode: 'create'
    })
    const tree = git(a, ['hash-object', '-t', 'tree', '-w', '--stdin'], '')
    const forged = git(a, [
      'commit-tree',
      '-p',
      op.sha,
      '-m',
      'edit',
      '-m',
      '{"v":1,"clock":1,"type":"ticket.edit","data":{}}',
      tree
    ])
    git(a, ['update-ref', 'refs/slipway/tickets/t', forged])
    const snap = await (await TeamStateStore.open(a)).snapshot()
    expect(snap.entities.size).toBe(0)
    expect(snap.problems[0]?.reason).toMatch(/clock/)
  })

  it('says how to set a git identity when there is none', async () => {
    const { a } = setup()
    git(a, ['config', 'user.name', ''])
    const store = await TeamStateStore.open(a)
    await expect(
      store.append({ path: 'tickets/t', type: 'ticket.create', data: {}, mode: 'create' })
    ).rejects.toThrow(/git config --global user.name "Your Name"/)
  })
})
