import { describe, expect, it } from 'vitest'
import { format, runSoak, soakLimits } from '../testing/soak-run'

// Issue 11 item 4, a small slice of `npm run bench:soak` (500 commits, 200 deployments, 50
// clients there): serve on the demo with continual testing must come back to its baseline.
describe('serve soak (small)', () => {
  it('returns to its baseline of memory, fds, handles and processes', async () => {
    const r = await runSoak({ commits: 8, deployments: 4, clients: 3 })
    expect(r.deployments.other).toEqual([])
    expect(r.deployments.succeeded).toBe(4)
    expect(r.commits).toBe(8)
    expect(r.clients.opened).toBe(3)
    // The clients saw the work happen, and the tests ran on the pushed commits.
    expect(r.clients.events).toBeGreaterThan(0)
    expect(r.testRuns).toBeGreaterThan(3)
    const over = soakLimits(r).filter((l) => l.end > l.limit)
    expect(over, `start: ${format(r.baseline)}\nend: ${format(r.end)}`).toEqual([])
  }, 600_000)
})
