import type { Branch } from '../../../shared'

/**
 * The branches whose name or any ticket key contains `text`, case-insensitively; every
 * whitespace-separated word must match, so `ord 12` finds `feature/ORD-12-x`. Empty text keeps all.
 */
export function filterBranches(branches: readonly Branch[], text: string): readonly Branch[] {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return branches
  return branches.filter((branch) => {
    const haystacks = [branch.name.toLowerCase(), ...branch.tickets.map((t) => t.toLowerCase())]
    return words.every((word) => haystacks.some((h) => h.includes(word)))
  })
}

/**
 * The branches the board lists: everything except main itself, and except `origin/x` while the
 * local `x` (or main, for `origin/main`) is at the very same commit: a pushed branch is one card,
 * and its remote twin shows up again as soon as the two differ.
 */
export function boardBranches(branches: readonly Branch[]): readonly Branch[] {
  const local = new Map<string, string>()
  for (const b of branches) if (b.kind === 'local') local.set(b.name, b.sha)
  return branches.filter((b) => {
    if (b.isMain) return false
    if (b.kind !== 'remote' || !b.name.startsWith('origin/')) return true
    return local.get(b.name.slice('origin/'.length)) !== b.sha
  })
}
