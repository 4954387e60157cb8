const RELEASE_ID = /^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/

/** True when `value` has the shape of a release id, e.g. `20261126.1204-abc1234` or `…-2`. */
export function isReleaseId(value: string): boolean {
  return RELEASE_ID.test(value)
}

/** The base id of a release of `commit` created at `when`: `YYYYMMDD.HHMM-<7 hex>`, in UTC. */
export function baseReleaseId(commit: string, when: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  const day = `${when.getUTCFullYear()}${pad(when.getUTCMonth() + 1)}${pad(when.getUTCDate())}`
  return `${day}.${pad(when.getUTCHours())}${pad(when.getUTCMinutes())}-${commit.slice(0, 7)}`
}

/** The `n`th candidate for `base`: the base itself first, then `base-2`, `base-3` … */
export function releaseIdCandidate(base: string, n: number): string {
  return n <= 1 ? base : `${base}-${n}`
}
