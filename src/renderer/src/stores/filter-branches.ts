import type { Branch } from '../../../shared'

/** How the branches lane orders its cards. */
export type BranchSort = 'activity' | 'name'

// A word that looks in one field only: `author:ana`, `subject:refund`.
const QUALIFIED = /^(author|subject):(.+)$/

/**
 * The branches matching `text`, case-insensitively: every whitespace-separated word must be in
 * the name, a ticket key, the tip's author or its subject (so `ord 12` finds
 * `feature/ORD-12-x`); `author:WORD` and `subject:WORD` look in that field only. Empty text
 * keeps all.
 */
export function filterBranches(branches: readonly Branch[], text: string): readonly Branch[] {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return branches
  return branches.filter((branch) => {
    const author = branch.author.toLowerCase()
    const subject = branch.subject.toLowerCase()
    const anywhere = [branch.name.toLowerCase(), ...branch.tickets.map((t) => t.toLowerCase())]
    anywhere.push(author, subject)
    return words.every((word) => {
      const qualified = QUALIFIED.exec(word)
      if (qualified?.[1] === 'author') return author.includes(qualified[2]!)
      if (qualified?.[1] === 'subject') return subject.includes(qualified[2]!)
      return anywhere.some((h) => h.includes(word))
    })
  })
}

/**
 * The branches in the lane's order: `activity` puts the newest tip commit first (ties by
 * name), `name` keeps git's order (local branches by name, then origin's).
 */
export function sortBranches(branches: readonly Branch[], sort: BranchSort): readonly Branch[] {
  if (sort === 'name') return branches
  return [...branches].sort(
    (a, b) => Date.parse(b.date) - Date.parse(a.date) || a.name.localeCompare(b.name)
  )
}

/** True when a branch has no commit main lacks: merged (or never given a commit of its own). */
export function isMerged(branch: Branch): boolean {
  return !branch.isMain && branch.ahead === 0
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
