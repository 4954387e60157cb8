import { streamGitLines } from './runner'

/** No parent, or a commit git has not listed (e.g. beyond a shallow clone's edge). */
export const NONE = -1

/**
 * The commit graph of a repository as far as it has been walked: every commit gets a small
 * integer id on first sight, with its parents and subject. It only grows, so it can be kept
 * between listings and extended by walking just the new tips.
 */
export class CommitGraph {
  // Open-addressing table from object name to id, probed straight from the rev-list line so
  // that names already seen (most parents) cost no string allocation.
  private slots = new Int32Array(1 << 12).fill(NONE)
  private readonly shaOf: string[] = []
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
    const id = this.find(sha, 0, sha.length)
    return id === NONE ? undefined : id
  }

  /** True when git listed `sha` with its parents, i.e. its whole history is in the graph. */
  has(sha: string): boolean {
    const id = this.find(sha, 0, sha.length)
    return id !== NONE && this.listed[id] === 1
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

  /** Hash of the hex object name at text[start, end): its first 7 hex digits. */
  private static hash(text: string, start: number, end: number): number {
    let h = 0
    for (let i = start; i < start + 7 && i < end; i += 1) {
      const c = text.charCodeAt(i)
      h = (h << 4) | (c <= 57 ? c - 48 : (c | 32) - 87)
    }
    return h
  }

  /** The id of the object name at text[start, end), or NONE. */
  private find(text: string, start: number, end: number): number {
    const mask = this.slots.length - 1
    for (let i = CommitGraph.hash(text, start, end) & mask; ; i = (i + 1) & mask) {
      const id = this.slots[i] as number
      if (id === NONE) return NONE
      const sha = this.shaOf[id] as string
      if (sha.length === end - start && text.startsWith(sha, start)) return id
    }
  }

  private intern(text: string, start: number, end: number): number {
    const found = this.find(text, start, end)
    if (found !== NONE) return found
    const id = this.count
    this.count += 1
    this.shaOf.push(text.slice(start, end))
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    else this.place(id)
    if (id === this.listed.length) {
      const parents = new Int32Array(id * 2).fill(NONE)
      parents.set(this.firstParent)
      this.firstParent = parents
      const listed = new Uint8Array(id * 2)
      listed.set(this.listed)
      this.listed = listed
    }
    return id
  }

  private place(id: number): void {
    const sha = this.shaOf[id] as string
    const mask = this.slots.length - 1
    let i = CommitGraph.hash(sha, 0, sha.length) & mask
    while (this.slots[i] !== NONE) i = (i + 1) & mask
    this.slots[i] = id
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(NONE)
    for (let id = 0; id < this.count; id += 1) this.place(id)
  }

  /** Adds one `%H %P%x00%s` line of `git rev-list` output. */
  addLine(line: string): void {
    if (!line) return
    const nul = line.indexOf('\0')
    const headEnd = nul < 0 ? line.length : nul
    let end = line.indexOf(' ')
    if (end < 0 || end > headEnd) end = headEnd
    const id = this.intern(line, 0, end)
    if (this.listed[id] === 1) return
    this.listed[id] = 1
    this.lineOf[id] = line
    // `%P` is empty for a root commit: nothing but the separator follows the sha.
    let rest: number[] | undefined
    for (let start = end + 1; start < headEnd; start = end + 1) {
      end = line.indexOf(' ', start)
      if (end < 0 || end > headEnd) end = headEnd
      if (end === start) continue
      const parent = this.intern(line, start, end)
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
