// The fault matrix against real sshd hosts (#11): a fault injected at one step of one host of
// a deploy, the documented end state asserted, the fault repaired, a plain re-run succeeds.
// `npm test` runs a representative subset; `npm run test:reliability` (SLIPWAY_FAULT_MATRIX=all)
// runs every case and writes the table to test-results/fault-matrix.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  allFaultCases,
  caseName,
  matrixTable,
  type FaultCase,
  type MatrixRow
} from '../../testing/fault-cases'
import { FaultRig } from '../../testing/fault-rig'
import { sshdUnavailableReason } from '../../testing/sshd-hosts'

const skip = sshdUnavailableReason()
const full = process.env.SLIPWAY_FAULT_MATRIX === 'all'

/**
 * The host-level faults, each at another step and host (a failing hook and health check are
 * also covered by deploy-ssh.test.ts); the whole matrix runs in test:reliability.
 */
const SUBSET: readonly FaultCase[] = [
  { step: 'upload', fault: 'sshd killed', host: 1 },
  { step: 'switch+hook', fault: 'sshd frozen', host: 0 },
  { step: 'unpack', fault: 'disk full', host: 2 },
  { step: 'preflight', fault: 'permission denied', host: 1 }
]

describe.skipIf(skip !== null)('fault matrix on real sshd hosts', () => {
  let rig: FaultRig
  const rows: MatrixRow[] = []
  const cases = full ? allFaultCases(3) : SUBSET

  beforeAll(async () => {
    rig = await FaultRig.start(3)
  })
  afterAll(async () => {
    await rig?.stop()
    if (full && rows.length > 0) {
      mkdirSync('test-results', { recursive: true })
      writeFileSync('test-results/fault-matrix.md', matrixTable(rows))
    }
  })

  for (const c of cases) {
    it(caseName(c, 3), { timeout: 180_000 }, async () => {
      const result = await rig.run(c)
      rows.push(rig.row(c, result))
      const log = [...result.deployment.log, '--- the re-run ---', ...result.rerun.log]
      expect(result.problems, log.join('\n')).toEqual([])
    })
  }
})
