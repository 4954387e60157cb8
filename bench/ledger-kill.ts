/**
 * The ledger's SIGKILL trials at the count (`npm run bench:ledger-kill`, 200 kills;
 * LEDGER_KILLS changes it): a child appends in a loop and is killed with its git processes at a
 * random moment; after each kill every acknowledged entry must be in the ledger, whole, plus at
 * most the one in flight, and the chain must verify at the end. Prints the counts and exits 1
 * on any violation. (The test suite runs 20 of them, in ledger-kill.test.ts.)
 */
import { runKillTrials } from '../src/main/testing/ledger-kill'
import { TeamRepos } from '../src/main/testing/team-repos'

const kills = Number(process.env.LEDGER_KILLS ?? 200)
const repos = TeamRepos.create()
try {
  const repo = repos.clone('ana', 'Ana Lima', 'ana@example.com')
  const stats = await runKillTrials(repo, kills, {
    onTrial: (i) => {
      if (i % 20 === 0) process.stderr.write(`kill ${i}/${kills}\n`)
    }
  })
  console.log(
    [
      `kills: ${stats.kills}`,
      `in-flight entry landed whole: ${stats.inFlightLanded}`,
      `in-flight entry absent: ${stats.inFlightLost}`,
      `stale ref locks left (removed by the next writer): ${stats.staleLocks}`,
      `entries at the end: ${stats.entries} (chain verified)`,
      `violations: ${stats.problems.length}`,
      `time: ${(stats.ms / 1000).toFixed(1)} s`
    ].join('\n')
  )
  for (const p of stats.problems) console.log(`  ${p}`)
  process.exitCode = stats.problems.length === 0 ? 0 : 1
} finally {
  repos.remove()
}
