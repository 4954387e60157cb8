import type { AppEvent } from '../../../shared/contract'
import type { ReleaseProgress } from '../releases'

/**
 * A release build's progress as `releases.changed` events (the board's build line), and as
 * one line per step for `onStep` (the merge pipeline's lane note).
 */
export function releaseProgress(
  emit: (event: AppEvent) => void,
  onStep?: (line: string) => void
): (p: ReleaseProgress) => void {
  return (p) => {
    if (p.kind === 'done') return
    const line =
      p.kind === 'worktree'
        ? 'checking out the commit'
        : p.kind === 'pack'
          ? `packed ${p.files} files`
          : p.line
    onStep?.(line)
    emit({ event: 'releases.changed', payload: { kind: 'building', step: p.kind, line } })
  }
}
