import { afterAll, describe, expect, it } from 'vitest'
import { createServeRig, type ServeRig } from '../testing/serve-rig'
import {
  buildReleases,
  deployKillIteration,
  nextRelease,
  probeSteps,
  testKillIteration,
  type IterationResult
} from '../testing/kill-run'

// Issue 11 item 3, a representative few of `npm run bench:kill`'s iterations: `slipway serve`
// on the demo (three local staging hosts, one per batch) is SIGKILLed while a deployment holds
// the locks, in the middle of the rollout, at its end, and while a test run writes its log;
// each time it is started again on the same data folder and must tell the truth.
describe('serve killed with SIGKILL recovers truthfully', () => {
  let rig: ServeRig | null = null
  afterAll(async () => {
    await rig?.close()
  })

  const explain = (r: IterationResult): string =>
    `${r.killedAt}: ${r.checks.map((c) => `${c.ok ? 'ok' : 'FAILED'} ${c.name}: ${c.detail}`).join('\n')}`

  it('during a deployment and during a test run', async () => {
    rig = await createServeRig()
    const serve = await rig.start()
    const releases = await buildReleases(rig, serve)
    const steps = await probeSteps(serve, nextRelease(rig, releases), rig.environment)
    expect(steps.map((s) => s.step)).toEqual(
      expect.arrayContaining(['preflight', 'lock', 'upload', 'unpack', 'activate', 'health', 'end'])
    )

    // Locks taken, nothing activated: the lock is left and must be recognised and broken.
    const locked = await deployKillIteration(rig, releases, {
      host: 'staging-3',
      step: 'upload',
      delayMs: 0
    })
    expect(locked.recovered, explain(locked)).toBe(true)
    const broken = locked.checks.find((c) => c.name === 'dead lock recognised and broken')
    expect(broken?.detail).toMatch(/^3 lock\(s\): left by a Slipway that stopped/)

    // Half the hosts switched: status must show each host's own release.
    const midway = await deployKillIteration(rig, releases, {
      host: 'staging-2',
      step: 'health',
      delayMs: 0
    })
    expect(midway.recovered, explain(midway)).toBe(true)

    const end = await deployKillIteration(rig, releases, { host: '*', step: 'end', delayMs: 0 })
    expect(end.recovered, explain(end)).toBe(true)

    const tests = await testKillIteration(rig, 3)
    expect(tests.recovered, explain(tests)).toBe(true)
    const orphans = tests.checks.find((c) => c.name === 'no orphan of the dead run')
    // The run was writing its log when serve died: its processes were alive, and are gone now.
    expect(orphans?.detail).toMatch(/^[1-9]\d* test process\(es\) alive at the kill, none left/)
  }, 600_000)
})
