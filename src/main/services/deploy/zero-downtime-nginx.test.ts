import { afterAll, describe, expect, it } from 'vitest'
import type { Deployment } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'
import { nginxUnavailableReason } from '../../testing/nginx-balancer'
import type { LoadRecord } from '../../testing/load-client'
import { startZeroDowntimeRig, type ZeroDowntimeRig } from '../../testing/zero-downtime-rig'
import { runUnderLoad } from '../../testing/zero-downtime-run'
import { deployRelease } from '.'

// Zero downtime as a user behind a real nginx sees it: keep-alive clients send GET and POST
// through the balancer while the demo's production (4 local hosts, its own beforeBatch /
// afterBatch hooks) is deployed with batch size 1, then while a deploy fails its health check
// on host 3 and rolls back by itself. Timing is the benchmark's business
// (`npm run bench:zero-downtime`); this asserts what must hold every time.

const skip = nginxUnavailableReason()
let rig: ZeroDowntimeRig | null = null
afterAll(async () => {
  await rig?.stop()
})

const show = (failures: readonly LoadRecord[]): string =>
  failures
    .slice(0, 5)
    .map((f) => `${f.method} ${f.path} -> ${f.status} ${f.error ?? ''} (${f.release})`)
    .join('\n')

/** A deployment's ending, each host's steps and its log, for an assertion's message. */
const told = (d: Deployment): string =>
  [
    d.summary,
    ...d.hosts.map(
      (h) =>
        `${h.host}: ${(h.steps ?? []).map((s) => `${s.step} ${s.state} (${s.message})`).join('; ')}`
    ),
    ...d.log
  ].join('\n')

describe.skipIf(skip)('zero downtime behind nginx', () => {
  it('a rolling deploy and an automatic rollback lose no request, and every answer names its release', async () => {
    rig = await startZeroDowntimeRig()
    const built: StoredRelease[] = []
    for (let i = 0; i < 3; i++) built.push(await rig.build())
    const [a, b, c] = built
    const first = await deployRelease(a, rig.env, rig.ctx)
    expect(first.status, first.summary).toBe('succeeded')
    // c crashes at start on host 3: its health check never passes there.
    await rig.plantCrashingCopy(c, 3)
    const live = rig
    const run = await runUnderLoad(
      live,
      [
        {
          name: 'rolling deploy',
          run: () => deployRelease(b, live.env, live.ctx),
          releaseAfter: b.id
        },
        {
          name: 'automatic rollback',
          run: () => deployRelease(c, live.env, live.ctx),
          releaseAfter: b.id
        }
      ],
      { releases: built.map((r) => r.id), idleMs: 2000, settleMs: 1500, connections: 4 }
    )
    const [deploy, auto] = run.scenarios
    expect(deploy.deployment.status, told(deploy.deployment)).toBe('succeeded')
    expect(auto.deployment.status, told(auto.deployment)).toBe('rolled-back')
    expect(auto.deployment.summary).toContain('web-3')

    expect(run.total.failed, show(run.total.failures)).toBe(0)
    expect(run.total.unnamed).toBe(0)
    expect(run.total.unexpected).toBe(0)
    // A request sent again after nginx closed its kept-alive connection was never read.
    expect(run.retriedButRead).toEqual([])
    // Enough traffic through each deployment for the zero to mean something.
    expect(deploy.during.requests).toBeGreaterThan(50)
    expect(auto.during.requests).toBeGreaterThan(50)
    // Both releases answered during the rolling deploy; only b once each one ended.
    expect(Object.keys(deploy.during.byRelease).sort()).toEqual([a.id, b.id].sort())
    expect(Object.keys(deploy.after.byRelease)).toEqual([b.id])
    expect(Object.keys(auto.after.byRelease)).toEqual([b.id])
    // Every host is back in rotation.
    expect(await live.balancer.upstream()).not.toContain('down')
  }, 300_000)
})
