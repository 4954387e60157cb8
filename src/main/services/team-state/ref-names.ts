/**
 * Where team state lives in a repository. Every entity is one ref: its path under
 * `refs/slipway/` (`tickets/<id>`, `pulls/<id>`, `sequences/<name>`, later `ledger`). What was
 * last fetched from origin is mirrored under `refs/slipway-remote/origin/` with the same
 * paths, outside `refs/remotes/` so `git branch -r` is not flooded. Both namespaces share the
 * prefix `refs/slipway`, so `git log --exclude='refs/slipway*' --all` hides them.
 */
export const LOCAL_PREFIX = 'refs/slipway/'

/** The remote-tracking namespace: what origin's `refs/slipway/*` held at the last fetch. */
export const REMOTE_PREFIX = 'refs/slipway-remote/origin/'

/** The refspec that mirrors origin's team state into {@link REMOTE_PREFIX}. */
export const FETCH_REFSPEC = `+${LOCAL_PREFIX}*:${REMOTE_PREFIX}*`

// Lower-case segments for the structure, ids of hex or safe names; never a leading dash or
// dot, never "..", "@{" or a ".lock" suffix (all of which git refuses or reads specially).
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,79}$/
const MAX_DEPTH = 4

/** True when `path` is a well-formed entity path (`kind/id`, or a single fixed name). */
export function isEntityPath(path: string): boolean {
  const parts = path.split('/')
  return parts.length <= MAX_DEPTH && parts.every((p) => SEGMENT.test(p))
}

/** The local ref of an entity. */
export function localRef(path: string): string {
  return LOCAL_PREFIX + path
}

/** The remote-tracking ref of an entity. */
export function remoteRef(path: string): string {
  return REMOTE_PREFIX + path
}

/** The entity path of a ref in either namespace, or null for a ref outside them. */
export function entityPathOf(ref: string): { path: string; side: 'local' | 'remote' } | null {
  if (ref.startsWith(LOCAL_PREFIX)) return { path: ref.slice(LOCAL_PREFIX.length), side: 'local' }
  if (ref.startsWith(REMOTE_PREFIX)) {
    return { path: ref.slice(REMOTE_PREFIX.length), side: 'remote' }
  }
  return null
}

/** The first segment of an entity path (`tickets` for `tickets/<id>`). */
export function kindOf(path: string): string {
  const slash = path.indexOf('/')
  return slash < 0 ? path : path.slice(0, slash)
}
