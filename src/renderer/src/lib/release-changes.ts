import type { Release } from '../../../shared'

/** What deploying `target` over `deployed` changes, from the releases' own history. */
export type ReleaseChanges =
  | { readonly kind: 'same' }
  | { readonly kind: 'first'; readonly commits: Release['commits']; readonly tickets: string[] }
  | { readonly kind: 'forward'; readonly commits: Release['commits']; readonly tickets: string[] }
  | { readonly kind: 'backward'; readonly commits: Release['commits']; readonly tickets: string[] }
  | { readonly kind: 'unrelated'; readonly commits: Release['commits']; readonly tickets: string[] }

/** Walks `from` back through `previousId` until `stop` (exclusive); null when `stop` is never met. */
function chain(
  byId: ReadonlyMap<string, Release>,
  from: string,
  stop: string | null
): Release[] | null {
  const out: Release[] = []
  let id: string | null = from
  const seen = new Set<string>()
  while (id !== null && id !== stop) {
    if (seen.has(id)) return null
    seen.add(id)
    const release = byId.get(id)
    if (!release) return stop === null ? out : null
    out.push(release)
    id = release.previousId
  }
  return id === stop ? out : null
}

function collect(releases: readonly Release[]): { commits: Release['commits']; tickets: string[] } {
  const commits = releases.flatMap((r) => r.commits)
  const tickets = [...new Set(releases.flatMap((r) => r.tickets))].sort()
  return { commits, tickets }
}

/**
 * The commits and tickets between what an environment runs (`deployed`, null when nothing)
 * and `target`: forward when target is newer, backward when it is older (a step back).
 */
export function releaseChanges(
  releases: readonly Release[],
  deployed: string | null,
  target: string
): ReleaseChanges {
  if (deployed === target) return { kind: 'same' }
  const byId = new Map(releases.map((r) => [r.id, r]))
  if (deployed === null) return { kind: 'first', ...collect(chain(byId, target, null) ?? []) }
  const forward = chain(byId, target, deployed)
  if (forward) return { kind: 'forward', ...collect(forward) }
  const backward = chain(byId, deployed, target)
  if (backward) return { kind: 'backward', ...collect(backward) }
  const own = byId.get(target)
  return { kind: 'unrelated', ...collect(own ? [own] : []) }
}
