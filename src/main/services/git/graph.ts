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
  private readonly shaOf: string[] = []
  private readonly firstParent: number[] = []
  /** Parents after the first, for merge commits only. */
  private readonly otherParents = new Map<number, readonly number[]>()
  private readonly subjectOf: (string | undefined)[] = []
  private readonly listed: boolean[] = []

  /** Number of ids handed out (listed commits and parents seen so far). */
  get size(): number {
    return this.shaOf.length
  }

  /** The id of `sha`, if it was seen. */
  idFor(sha: string): number | undefined {
    return this.idOf.get(sha)
  }

  /** True when git listed `sha` with its parents, i.e. its whole history is in the graph. */
  has(sha: string): boolean {
    const id = this.idOf.get(sha)
    return id !== undefined && this.listed[id] === true
  }

  /** The full object name of commit `id`. */
  sha(id: number): string {
    return this.shaOf[id] as string
  }

  /** The subject line of commit `id` ('' when unknown). */
  subject(id: number): string {
    return this.subjectOf[id] ?? ''
  }

  /** The first parent of `id`, or {@link NONE}. */
  parent(id: number): number {
    return this.firstParent[id] ?? NONE
  }

  /** Parents of a merge after the first; undefined for ordinary commits. */
  mergeParents(id: number): readonly number[] | undefined {
    return this.otherParents.get(id)
  }

  private intern(sha: string): number {
    let id = this.idOf.get(sha)
    if (id === undefined) {
      id = this.shaOf.length
      this.idOf.set(sha, id)
      this.shaOf.push(sha)
      this.firstParent.push(NONE)
      this.subjectOf.push(undefined)
      this.listed.push(false)
    }
    return id
  }

  /** Adds one `%H %P%x00%s` line of `git rev-list` output. */
  addLine(line: string): void {
    if (!line) return
    const nul = line.indexOf('\0')
    const head = nul < 0 ? line : line.slice(0, nul)
    const words = head.split(' ')
    const id = this.intern(words[0] as string)
    if (this.listed[id]) return
    this.listed[id] = true
    this.subjectOf[id] = nul < 0 ? '' : line.slice(nul + 1)
    // `%P` is empty for a root commit, which leaves one empty word.
    if (words.length > 1 && words[1]) {
      this.firstParent[id] = this.intern(words[1])
      if (words.length > 2) {
        const rest: number[] = []
        for (let i = 2; i < words.length; i += 1) rest.push(this.intern(words[i] as string))
        this.otherParents.set(id, rest)
      }
    }
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
