import type { MergeRelease } from '../../../shared'

/** A merge release of one merge commit, queued for staging, with overrides. */
export function makeMergeRelease(overrides: Partial<MergeRelease> = {}): MergeRelease {
  return {
    id: 'm1',
    commit: 'c0ffee1234567890c0ffee1234567890c0ffee12',
    subject: "Merge branch 'feature/ORD-142-refund-endpoint'",
    trigger: 'main-moved',
    state: 'queued',
    release: null,
    step: null,
    reason: null,
    environments: [{ environment: 'staging', state: 'waiting', deployment: null, reason: null }],
    startedAt: '2026-11-26T11:59:00.000Z',
    finishedAt: null,
    ...overrides
  }
}
