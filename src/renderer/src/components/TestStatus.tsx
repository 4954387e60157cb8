import {
  Ban,
  CircleCheck,
  CircleDashed,
  CircleX,
  GitMergeConflict,
  LoaderCircle,
  TimerOff,
  TriangleAlert,
  type LucideIcon
} from 'lucide-react'
import type { TestRun, TestRunStatus } from '../../../shared'
import { assertNever } from '../../../shared/errors'
import { formatDuration, shortSha } from '../lib/format'
import '../styles/tests.css'

/** What a status looks like: an icon (shape, never colour alone) and a word. */
export function statusLook(status: TestRunStatus): {
  readonly icon: LucideIcon
  readonly label: string
} {
  switch (status) {
    case 'queued':
      return { icon: CircleDashed, label: 'queued' }
    case 'running':
      return { icon: LoaderCircle, label: 'running' }
    case 'passed':
      return { icon: CircleCheck, label: 'passed' }
    case 'failed':
      return { icon: CircleX, label: 'failed' }
    case 'cancelled':
      return { icon: Ban, label: 'cancelled' }
    case 'timed-out':
      return { icon: TimerOff, label: 'timed out' }
    case 'error':
      return { icon: TriangleAlert, label: 'error' }
    default:
      return assertNever(status)
  }
}

/**
 * A run's summary when it says more than its status ("3 of 40 tests failed"), else '' (the
 * stored summary of a queued run is "queued": shown under the status it read "queued/queued").
 */
export function summaryBeyondStatus(run: TestRun): string {
  const summary = run.summary.trim()
  if (summary === run.status || summary === statusLook(run.status).label) return ''
  if (summary.startsWith('exit code')) return ''
  return summary
}

/** One line describing a run, for titles: "merge result passed at 1a2b3c4d in 3.2 s: 12 tests". */
export function describeRun(run: TestRun): string {
  const what = run.kind === 'merge' ? 'merge result' : 'tip'
  const took = run.durationMs !== null ? ` in ${formatDuration(run.durationMs)}` : ''
  const beyond = summaryBeyondStatus(run)
  const summary = beyond ? `: ${beyond}` : ''
  return `${what} ${statusLook(run.status).label} at ${shortSha(run.sha)}${took}${summary}`
}

/**
 * The test status of a branch's tip (or merge result) as a small icon and word, with the
 * details in its title. `run` null means not tested yet.
 */
export function TestStatus({
  run,
  kind,
  compact = false
}: {
  readonly run: TestRun | null
  readonly kind: TestRun['kind']
  readonly compact?: boolean
}): React.JSX.Element {
  if (!run) {
    return (
      <span
        className="test-status status-none"
        data-testid="test-status"
        data-status="none"
        data-kind={kind}
        title={kind === 'merge' ? 'merge result not tested yet' : 'not tested yet'}
      >
        <CircleDashed className="test-status-icon" size={12} aria-hidden="true" />
        {!compact && <span className="test-status-label">not tested</span>}
      </span>
    )
  }
  // A merge that conflicts is not a failing test: its own shape and words.
  const conflict = run.conflicts.length > 0
  const look = conflict ? { icon: GitMergeConflict, label: 'conflicts' } : statusLook(run.status)
  const Icon = look.icon
  const prefix = kind === 'merge' && !conflict ? 'merge ' : ''
  return (
    <span
      className={`test-status status-${run.status}${conflict ? ' status-conflict' : ''}`}
      data-testid="test-status"
      data-status={run.status}
      data-conflict={conflict ? 'true' : undefined}
      data-kind={kind}
      title={describeRun(run)}
      role="status"
      aria-label={
        conflict
          ? 'Merge result conflicts with the main branch (not a test failure)'
          : `${kind === 'merge' ? 'Merge result' : 'Tests'} ${look.label}`
      }
    >
      <Icon className="test-status-icon" size={12} strokeWidth={2.5} aria-hidden="true" />
      <span className={compact ? 'test-status-label compact' : 'test-status-label'}>
        {prefix}
        {compact && !conflict ? '' : look.label}
      </span>
    </span>
  )
}

/** Up to five dots for a branch's recent runs, newest on the left. */
export function RunDots({ runs }: { readonly runs: readonly TestRun[] }): React.JSX.Element | null {
  const recent = runs.slice(0, 5)
  if (recent.length === 0) return null
  return (
    <span className="run-dots" data-testid="run-dots" aria-label="Recent runs">
      {recent.map((run) => (
        <span
          key={run.id}
          className={`run-dot status-${run.status}`}
          title={describeRun(run)}
          data-status={run.status}
        />
      ))}
    </span>
  )
}
