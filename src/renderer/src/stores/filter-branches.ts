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

/** The branches the board lists: everything except main itself. */
export function boardBranches(branches: readonly Branch[]): readonly Branch[] {
  return branches.filter((b) => !b.isMain)
}
