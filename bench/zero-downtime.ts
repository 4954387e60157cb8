/**
 * Zero downtime behind a real nginx (`npm run bench:zero-downtime`): the demo app on 4 local
 * hosts, nginx in front (loopback, from a temp folder), the demo's production hooks taking each
 * batch out of the balancer. Keep-alive clients send GET and POST through nginx the whole time
 * while the engine runs (1) a rolling deploy with batch size 1, (2) a rollback, (3) a deploy
 * that fails its health check on host 3 and rolls back by itself. Then, for comparison, the
 * same rolling deploy without the batch hooks. Prints failed_requests, requests, p99_deploy_ms,
 * p99_idle_ms, mixed_window_s and the p99 ratio; exits 1 when a request failed.
 */
import { cpus, loadavg } from 'node:os'
import { deployRelease, rollbackEnvironment } from '../src/main/services/deploy'
import { nginxUnavailableReason } from '../src/main/testing/nginx-balancer'
import { startZeroDowntimeRig } from '../src/main/testing/zero-downtime-rig'
import { formatLoadRun, runUnderLoad } from '../src/main/testing/zero-downtime-run'

const CONNECTIONS = 8
const PAUSE_MS = 20

async function main(): Promise<void> {
  const reason = nginxUnavailableReason()
  if (reason) {
    console.log(`skipped: ${reason}`)
    return
  }
  const rig = await startZeroDowntimeRig()
  try {
    const [a, b, c] = [await rig.build(), await rig.build(), await rig.build()]
    const releases = [a.id, b.id, c.id]
    const first = await deployRelease(a, rig.env, rig.ctx)
    if (first.status !== 'succeeded') throw new Error(`first deploy: ${first.summary}`)
    await rig.plantCrashingCopy(c, 3)
    console.log(
      `load_average=${loadavg()[0].toFixed(1)} cpus=${cpus().length} hosts=${rig.hostDirs.length} batch_size=1 drain_s=${rig.env.hooks?.drainSeconds ?? 'default'} connections=${CONNECTIONS} pause_ms=${PAUSE_MS}`
    )
    const run = await runUnderLoad(
      rig,
      [
        {
          name: 'rolling deploy',
          run: () => deployRelease(b, rig.env, rig.ctx),
          releaseAfter: b.id
        },
        { name: 'rollback', run: () => rollbackEnvironment(rig.env, rig.ctx), releaseAfter: a.id },
        {
          name: 'automatic rollback (health fails on host 3)',
          run: () => deployRelease(c, rig.env, rig.ctx),
          releaseAfter: a.id
        }
      ],
      { releases, idleMs: 5000, settleMs: 3000, connections: CONNECTIONS, pauseMs: PAUSE_MS }
    )
    for (const line of formatLoadRun(run)) console.log(line)

    // The same rolling deploy with only afterActivate: hosts restart while nginx sends to them.
    const bare = { ...rig.env, hooks: { afterActivate: rig.env.hooks?.afterActivate } }
    const without = await runUnderLoad(
      rig,
      [
        {
          name: 'rolling deploy without batch hooks',
          run: () => deployRelease(b, bare, rig.ctx),
          releaseAfter: b.id
        }
      ],
      { releases, idleMs: 2000, settleMs: 2000, connections: CONNECTIONS, pauseMs: PAUSE_MS }
    )
    const w = without.scenarios[0]
    console.log(
      `without_batch_hooks: failed_requests=${w.during.failed} of ${w.during.requests} p99_deploy_ms=${w.during.p99Ms.toFixed(1)} status=${w.deployment.status}`
    )
    if (run.total.failed > 0 || run.total.unnamed > 0 || run.retriedButRead.length > 0) {
      process.exitCode = 1
    }
  } finally {
    await rig.stop()
  }
}

await main()
