import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { git } from '../testing/team-repos'
import { onStaging, openAs, promotionTeam, value } from '../testing/promotion-team'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

describe('change tickets: one per promotion, two clones', { timeout: 300_000 }, () => {
  it('opens the change ticket with what ships, adds the approval and the outcome; the other clone sees them after a sync', async () => {
    const team = await promotionTeam('    approvals: { required: 1, authorCannotApprove: true }\n')
    cleanup.push(async () => team.repos.remove())
    const ana = await openAs(team.anaPath, (s) => cleanup.push(s))
    const ben = await openAs(team.benPath, (s) => cleanup.push(s))
    // A tracked ticket ships too (ORD-1 is only named in a commit subject).
    const totals = value(await ana.call('tickets.create', { title: 'Round totals' }))
    await writeFile(join(team.anaPath, 'app.txt'), 'orders v2\n')
    git(team.anaPath, ['commit', '-q', '-am', `${totals.key} Round totals`])
    git(team.anaPath, ['push', '-q', 'origin', 'main'])
    const r1 = value(await ana.call('releases.create', {}))
    await onStaging(ana, r1.id)

    const asked = value(
      await ana.call('promotions.promote', {
        release: r1.id,
        environment: 'production',
        reason: 'weekly'
      })
    )
    expect(asked.kind).toBe('pending')
    const key = asked.promotion.changeTicket
    if (!key) throw new Error('no change ticket')
    const [opened, ...others] = value(await ana.call('tickets.list', { type: ['change'] }))
    expect(others).toEqual([])
    expect(opened).toMatchObject({
      key,
      type: 'change',
      status: 'open',
      title: `Change: ${r1.id} from staging to production`,
      change: {
        promotion: asked.promotion.id,
        release: r1.id,
        commit: r1.commit,
        from: 'staging',
        to: 'production',
        reason: 'weekly',
        requestedBy: { email: 'ana@example.com' },
        tickets: [
          { key: totals.key, title: 'Round totals' },
          { key: 'ORD-1', title: null }
        ],
        approvals: [],
        outcome: null
      }
    })
    expect(opened?.change?.commits.map((c) => c.subject)).toEqual([
      `${totals.key} Round totals`,
      'ORD-1 Orders app',
      'Initial commit'
    ])
    expect(opened?.description).toContain(
      `## What ships\n\n- ${totals.key} Round totals\n- ORD-1\n`
    )
    expect(opened?.description).toContain('## Approvals\n\nNone yet.')

    // Ben approves from his clone (approve syncs first): the approval goes on the ticket there.
    value(await ben.call('promotions.approve', { release: r1.id, environment: 'production' }))
    const done = value(
      await ana.call('promotions.promote', { release: r1.id, environment: 'production' })
    )
    if (done.kind !== 'deployed') throw new Error(`not deployed: ${done.kind}`)
    expect(done.deployment.status).toBe('succeeded')
    expect(done.promotion.changeTicket).toBe(key)

    // Ben's clone sees the change ticket with the approval and the outcome after a sync.
    value(await ben.call('team.sync', {}))
    const [seen] = value(await ben.call('tickets.list', { type: ['change'] }))
    expect(seen).toMatchObject({
      key,
      status: 'done',
      change: {
        approvals: [{ by: { email: 'ben@example.com' }, signed: false }],
        outcome: {
          status: 'succeeded',
          deployment: done.deployment.id,
          by: { email: 'ana@example.com' }
        }
      }
    })
    expect(seen?.description).toMatch(/## Approvals\n\n- Ben Okafor <ben@example\.com>, \d{4}-/)
    expect(seen?.description).toContain(
      `## Outcome\n\nsucceeded (deployment ${done.deployment.id})`
    )
    const detail = value(await ben.call('tickets.get', { key }))
    expect(detail.ticket.change?.outcome?.status).toBe('succeeded')
    // The shipped ticket links back to the change that shipped it.
    expect(value(await ben.call('tickets.get', { key: totals.key })).changes).toEqual([
      {
        key,
        title: `Change: ${r1.id} from staging to production`,
        to: 'production',
        release: r1.id,
        status: 'done',
        outcome: 'succeeded'
      }
    ])
    expect(value(await ben.call('promotions.list', {}))[0]?.changeTicket).toBe(key)
  })
})
