/**
 * A process that appends to a repository's ledger until it is killed, for the SIGKILL test:
 * `node child.mjs REPO PREFIX STALE_LOCK_MS`. Prints `want TAG` before each append and
 * `done TAG` once it returned, so the parent knows which entries were acknowledged and which
 * one was in flight when it killed the process.
 */
import { Ledger } from '../services/ledger'
import { TeamStateStore } from '../services/team-state'

async function main(): Promise<void> {
  const [repo = '', prefix = 'k', staleLockMs = '10000'] = process.argv.slice(2)
  const ledger = await Ledger.open(await TeamStateStore.open(repo), {
    staleLockMs: Number(staleLockMs),
    log: (m) => process.stderr.write(`${m}\n`)
  })
  for (let n = 0; ; n += 1) {
    const tag = `${prefix}-${n}`
    process.stdout.write(`want ${tag}\n`)
    await ledger.append({
      kind: 'lock',
      by: 'kill-test@machine',
      environment: 'production',
      deployment: tag,
      hosts: ['web-1'],
      reason: null
    })
    process.stdout.write(`done ${tag}\n`)
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
