import { streamGitLines } from './runner'

/** No parent, or a commit git has not listed (e.g. beyond a shallow clone's edge). */
export const NONE = -1

/**
 * The commit graph of a repository as far as it has been walked: every commit gets a small
 * integer id on first sight, with its parents and subject. It only grows, so it can be kept
 * between listings and extended by walking just the new tips.
 */
export class CommitGraph {
  private readonly idOf = new Map<string, number>()
  private count = 0
  private firstParent = new Int32Array(1024).fill(NONE)
  private listed = new Uint8Array(1024)
  /** Parents after the first, for merge commits only. */
  private readonly otherParents = new Map<number, readonly number[]>()
  /** The raw `rev-list` line of each listed commit; the subject is cut out only when asked. */
  private readonly lineOf: string[] = []

  /** Number of ids handed out (listed commits and parents seen so far). */
  get size(): number {
    return this.count
  }

  /** The id of `sha`, if it was seen. */
  idFor(sha: string): number | undefined {
    return this.idOf.get(sha)
  }

  /** True when git listed `sha` with its parents, i.e. its whole history is in the graph. */
  has(sha: string): boolean {
    const id = this.idOf.get(sha)
    return id !== undefined && this.listed[id] === 1
  }

  /** The subject line of commit `id` ('' when unknown). */
  subject(id: number): string {
    const line = this.lineOf[id]
    if (line === undefined) return ''
    const nul = line.indexOf('\0')
    return nul < 0 ? '' : line.slice(nul + 1)
  }

  /** The first parent of `id`, or {@link NONE}. */
  parent(id: number): number {
    return id < this.count ? (this.firstParent[id] as number) : NONE
  }

  /** Parents of a merge after the first; undefined for ordinary commits. */
  mergeParents(id: number): readonly number[] | undefined {
    return this.otherParents.get(id)
  }

  private intern(sha: string): number {
    let id = this.idOf.get(sha)
    if (id === undefined) {
      id = this.count
      this.count += 1
      this.idOf.set(sha, id)
      if (id === this.listed.length) {
        const parents = new Int32Array(id * 2).fill(NONE)
        parents.set(this.firstParent)
        this.firstParent = parents
        const listed = new Uint8Array(id * 2)
        listed.set(this.listed)
        this.listed = listed
      }
    }
    return id
  }

  /** Adds one `%H %P%x00%s` line of `git rev-list` output. */
  addLine(line: string): void {
    if (!line) return
    const nul = line.indexOf('\0')
    const headEnd = nul < 0 ? line.length : nul
    let end = line.indexOf(' ')
    if (end < 0 || end > headEnd) end = headEnd
    const id = this.intern(line.slice(0, end))
    if (this.listed[id] === 1) return
    this.listed[id] = 1
    this.lineOf[id] = line
    // `%P` is empty for a root commit: nothing but the separator follows the sha.
    let rest: number[] | undefined
    for (let start = end + 1; start < headEnd; start = end + 1) {
      end = line.indexOf(' ', start)
      if (end < 0 || end > headEnd) end = headEnd
      if (end === start) continue
      const parent = this.intern(line.slice(start, end))
      if (this.firstParent[id] === NONE) this.firstParent[id] = parent
      else (rest ??= []).push(parent)
    }
    if (rest) this.otherParents.set(id, rest)
  }

  /**
   * Walks the history of `tips` with one `git rev-list --stdin` and adds every commit not yet
   * listed. `known` are commits whose history is already in the graph, passed as `^sha` so git
   * stops there. Only object names reach git, and only through stdin.
   */
  async walk(repo: string, tips: readonly string[], known: readonly string[]): Promise<void> {
    const fresh = tips.filter((t) => !this.has(t))
    if (fresh.length === 0) return
    const stops = known.filter((k) => this.has(k)).map((k) => `^${k}`)
    await streamGitLines(
      repo,
      ['rev-list', '--no-commit-header', '--format=%H %P%x00%s', '--stdin'],
      (lines) => {
        for (const line of lines) this.addLine(line)
      },
      { input: [...fresh, ...stops].join('\n') + '\n', timeoutMs: 600_000 }
    )
  }
}
