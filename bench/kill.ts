/**
 * Slipway itself killed (issue 11 item 3), at the issue's count: `npm run bench:kill` SIGKILLs
 * `slipway serve` on the demo 50 times during a deployment (the kill points spread over every
 * (host, step) the deployment goes through, seen on the event stream) and 10 times while a
 * test run writes its log, starts it again on the same data folder each time and checks: the
 * environment status is each host's disk, nothing that served is lost, a lock the dead serve
 * left is shown as such with a reason filled in and breaks with it, no test process, worktree
 * or run folder of the dead serve is left, the results and logs read back (at most a torn
 * last line). Prints recovered/total and exits 1 when one did not recover.
 * KILL_DEPLOYS and KILL_TESTS change the counts.
 */
import { createServeRig } from '../src/main/testing/serve-rig'
import {
  buildReleases,
  deployKillIteration,
  nextRelease,
  probeSteps,
  spreadPoints,
  testKillIteration,
  type IterationResult
} from '../src/main/testing/kill-run'

const deploys = Number(process.env.KILL_DEPLOYS ?? 50)
const tests = Number(process.env.KILL_TESTS ?? 10)
const started = Date.now()
const rig = await createServeRig()
const results: IterationResult[] = []
try {
  const serve = await rig.start()
  const releases = await buildReleases(rig, serve)
  const steps = await probeSteps(serve, nextRelease(rig, releases), rig.environment)
  process.stderr.write(`steps seen: ${steps.map((s) => `${s.host} ${s.step}`).join(', ')}\n`)
  const points = spreadPoints(steps, deploys)
  for (const [i, point] of points.entries()) {
    const r = await deployKillIteration(rig, releases, point)
    results.push(r)
    report(`deploy ${i + 1}/${deploys}`, r)
  }
  for (let i = 0; i < tests; i++) {
    const r = await testKillIteration(rig, 1 + Math.floor(Math.random() * 8))
    results.push(r)
    report(`tests ${i + 1}/${tests}`, r)
  }
} finally {
  await rig.close()
}

function report(label: string, r: IterationResult): void {
  const bad = r.checks.filter((c) => !c.ok)
  process.stderr.write(
    `${label}: killed at ${r.killedAt}: ${r.recovered ? 'recovered' : 'NOT recovered'}\n` +
      bad.map((c) => `  ${c.name}: ${c.detail}\n`).join('')
  )
}

const count = (kind: IterationResult['kind']) => results.filter((r) => r.kind === kind)
const recovered = (rs: IterationResult[]) => rs.filter((r) => r.recovered).length
const locks = results.filter((r) =>
  r.checks.some(
    (c) => c.name === 'dead lock recognised and broken' && c.ok && /lock\(s\)/.test(c.detail)
  )
).length
console.log(
  [
    `deploy kills recovered: ${recovered(count('deploy'))}/${count('deploy').length}`,
    `test-run kills recovered: ${recovered(count('tests'))}/${count('tests').length}`,
    `recovered: ${recovered(results)}/${results.length}`,
    `locks left by the dead serve, recognised and broken with the filled-in reason: ${locks}`,
    `kill points: ${[...new Set(results.map((r) => r.killedAt))].join(', ')}`,
    `time: ${((Date.now() - started) / 1000).toFixed(0)} s`
  ].join('\n')
)
process.exitCode = results.every((r) => r.recovered) && results.length > 0 ? 0 : 1
