// The fault matrix: which faults each deploy step can meet, and the end state each case must
// reach (the documented outcome the matrix test asserts and the README's table shows).
import type { Deployment } from '../../shared/deploy-models'
import type { Fault } from './fault-fleet'
import { FAULT_STEPS, type FaultStep } from './fault-transport'

/** One case: a fault at a step on one host (0-based; the last host is hosts - 1). */
export interface FaultCase {
  readonly step: FaultStep
  readonly fault: Fault
  readonly host: number
}

/** The faults that can meet each step. */
export const FAULTS_AT: Readonly<Record<FaultStep, readonly Fault[]>> = {
  preflight: ['sshd killed', 'sshd frozen', 'disk full', 'permission denied'],
  lock: ['sshd killed', 'sshd frozen', 'disk full', 'permission denied'],
  upload: ['sshd killed', 'sshd frozen', 'disk full', 'permission denied'],
  unpack: ['sshd killed', 'sshd frozen', 'disk full', 'permission denied'],
  'switch+hook': ['sshd killed', 'sshd frozen', 'disk full', 'permission denied', 'hook non-zero'],
  health: ['sshd killed', 'sshd frozen', 'health never OK']
}

/** Every case for a fleet of `hosts` hosts: each step's faults on host 1, host 2 and the last. */
export function allFaultCases(hosts: number): FaultCase[] {
  const targets = [...new Set([0, 1, hosts - 1])].filter((i) => i >= 0 && i < hosts)
  return FAULT_STEPS.flatMap((step) =>
    FAULTS_AT[step].flatMap((fault) => targets.map((host) => ({ step, fault, host })))
  )
}

/** The folder (under the host's path) made unwritable for a 'permission denied' at `step`. */
export function deniedPath(step: FaultStep): string {
  switch (step) {
    case 'lock':
    case 'upload':
      return '.slipway'
    case 'unpack':
      return 'releases'
    default:
      return '.'
  }
}

/** What a case must end in, before the fault is repaired. */
export interface ExpectedEnd {
  readonly status: Deployment['status']
  /** Per host: the release `current` names, 'old' (what ran before) or 'new'. */
  readonly releases: readonly ('old' | 'new')[]
  /** Whether the new release is marked bad (on every host that could be written). */
  readonly bad: boolean
  /** Hosts that are down (killed or frozen) when the deployment ends. */
  readonly unreachable: readonly number[]
  /**
   * Hosts where the deployment cannot remove its own lock: down ones, and one whose `.slipway`
   * became unwritable after it was locked. The lock is left stale and the next deploy removes it.
   */
  readonly lockMayStay: readonly number[]
}

/**
 * The documented end state. Before activation (preflight, lock, upload, unpack) nothing is
 * switched. At switch+hook, the hosts before the failing one were switched and are put back;
 * the failing one is back on the old release too (a failing hook is undone; a dead or frozen
 * host or a refused link never switched). At health, a host that died or froze after its
 * switch cannot be switched back: it stays on the new release and the deployment says the
 * rollback is incomplete; an unhealthy one is put back.
 */
export function expectedEnd(c: FaultCase, hosts: number): ExpectedEnd {
  const old = Array.from({ length: hosts }, () => 'old' as const)
  const lost = c.fault === 'sshd killed' || c.fault === 'sshd frozen'
  const unreachable = lost ? [c.host] : []
  const lockedOut = c.fault === 'permission denied' && c.step === 'upload'
  const lockMayStay = lost || lockedOut ? [c.host] : []
  if (c.step !== 'switch+hook' && c.step !== 'health') {
    return { status: 'failed', releases: old, bad: false, unreachable, lockMayStay }
  }
  // The release is unpacked already: the switch, the hook and the log fit on a full disk.
  if (c.step === 'switch+hook' && c.fault === 'disk full') {
    return {
      status: 'succeeded',
      releases: old.map(() => 'new' as const),
      bad: false,
      unreachable,
      lockMayStay
    }
  }
  if (c.step === 'switch+hook') {
    const switched = c.fault === 'hook non-zero' || c.host > 0
    return {
      status: switched ? 'rolled-back' : 'failed',
      releases: old,
      bad: switched,
      unreachable,
      lockMayStay
    }
  }
  if (lost) {
    const releases = old.map((r, i) => (i === c.host ? ('new' as const) : r))
    return { status: 'failed', releases, bad: true, unreachable, lockMayStay }
  }
  return { status: 'rolled-back', releases: old, bad: true, unreachable, lockMayStay }
}

/** A case's name: `upload / disk full / host 2`. */
export function caseName(c: FaultCase, hosts: number): string {
  const where =
    c.host === hosts - 1 && c.host > 1 ? `last host (${c.host + 1})` : `host ${c.host + 1}`
  return `${c.step} / ${c.fault} / ${where}`
}

/** One row of the matrix as the README shows it. */
export interface MatrixRow {
  readonly name: string
  readonly deployment: string
  /** `old old new`: what `current` names on each host once the deployment ended. */
  readonly hosts: string
  readonly locks: string
  readonly bad: string
  /** The last entry of each host's log. */
  readonly logs: string
  /** What readEnvironmentStatus (`slipway status --json`) says per host. */
  readonly status: string
  readonly rerun: string
  readonly problems: readonly string[]
}

/** The matrix as a Markdown table, one line per case. */
export function matrixTable(rows: readonly MatrixRow[]): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ')
  const head =
    '| step / fault / host | deployment | hosts on | locks left | new release marked bad | host logs (last entry) | status says | plain re-run | as documented |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${[
            r.name,
            r.deployment,
            r.hosts,
            r.locks,
            r.bad,
            r.logs,
            r.status,
            r.rerun,
            r.problems.length === 0 ? 'yes' : `NO: ${r.problems.join('; ')}`
          ]
            .map(cell)
            .join(' | ')} |`
      )
      .join('\n') +
    '\n'
  )
}
