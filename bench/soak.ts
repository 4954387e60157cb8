/**
 * The soak of issue 11 item 4 (`npm run bench:soak`): `slipway serve` on the demo (node
 * --expose-gc) with continual testing, while 500 commits are made outside Slipway (a
 * developer's clone pushing to feature branches, and commits in the demo's own checkout on
 * main), 200 deployments run one after another (a new pair of releases every 50), and 50
 * event-stream clients connect and leave. Prints serve's RSS, heap (after a GC, from
 * GET /api/diagnostics), open file descriptors, node handles and child processes at the start
 * (after a warm-up) and the end, and exits 1 when one is not back at its baseline within the
 * tolerance of soakLimits (src/main/testing/soak-run.ts). SOAK_SCALE=0.1 runs a tenth.
 */
import { format, runSoak, soakLimits } from '../src/main/testing/soak-run'

const scale = Number(process.env.SOAK_SCALE ?? 1)
const counts = {
  commits: Math.max(1, Math.round(500 * scale)),
  deployments: Math.max(2, Math.round(200 * scale)),
  clients: Math.max(1, Math.round(50 * scale))
}
const r = await runSoak(counts, (line) => process.stderr.write(`${line}\n`))
const limits = soakLimits(r)
const over = limits.filter((l) => l.end > l.limit)
const failed = [...over.map((o) => o.name), ...(r.deployments.other.length ? ['deployments'] : [])]
const n = (v: number, unit: string) => (unit ? `${v.toFixed(1)} ${unit}` : String(v))
console.log(
  [
    `work: ${r.commits} commits outside Slipway, ` +
      `${r.deployments.succeeded}/${counts.deployments} deployments succeeded, ` +
      `${r.clients.opened} event-stream clients (${r.clients.events} events), ` +
      `${r.testRuns} test runs stored, ${r.releases} releases, ${r.seconds} s`,
    `start: ${format(r.baseline)}`,
    `end:   ${format(r.end)}`,
    ...limits.map(
      (l) =>
        `${l.name}: ${n(l.start, l.unit)} -> ${n(l.end, l.unit)} (limit ${n(l.limit, l.unit)})` +
        (l.end > l.limit ? ' OVER' : '')
    ),
    ...r.end.children.map((c) => `  child at the end: ${c}`),
    ...r.deployments.other.map((d) => `  deployment: ${d}`),
    failed.length === 0 ? 'soak: back at baseline' : `soak: FAILED (${failed.join(', ')})`
  ].join('\n')
)
process.exitCode = failed.length === 0 ? 0 : 1
