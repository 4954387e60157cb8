/**
 * What one clone keeps about team state outside the refs, in `<git common dir>/slipway/`:
 * the Lamport clock (the highest clock this clone has written or seen) and the replica id
 * (which clone wrote a key-block claim). Never in the working tree.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The clock and replica files of one repository. */
export class LocalState {
  private clock = 0
  private loaded = false

  constructor(
    private readonly dir: string,
    private readonly repoPath: string
  ) {}

  /** The highest clock seen or written so far (0 in a fresh clone). */
  async current(): Promise<number> {
    if (!this.loaded) {
      const text = await readFile(join(this.dir, 'clock'), 'utf8').catch(() => '0')
      const value = Number(text.trim())
      // Another process (the CLI beside the app) may have moved the file: keep the larger.
      this.clock = Math.max(this.clock, Number.isSafeInteger(value) && value > 0 ? value : 0)
      this.loaded = true
    }
    return this.clock
  }

  /** Records that `clock` was seen (a read or a fetch); the next write goes past it. */
  async witness(clock: number): Promise<void> {
    this.loaded = false
    if (clock <= (await this.current())) return
    this.clock = clock
    await this.save()
  }

  /** A clock past everything seen here and past `floor` (the parents' clocks), recorded. */
  async tick(floor: number): Promise<number> {
    this.loaded = false
    const next = Math.max(await this.current(), floor) + 1
    this.clock = next
    await this.save()
    return next
  }

  /**
   * This clone's replica id: random, kept with the repository's path so that a copied
   * repository folder (same files, new place) becomes a new replica instead of a twin.
   */
  async replicaId(): Promise<string> {
    const file = join(this.dir, 'replica.json')
    const saved = await readFile(file, 'utf8')
      .then((t) => JSON.parse(t) as { id?: unknown; path?: unknown })
      .catch(() => null)
    if (saved && typeof saved.id === 'string' && saved.path === this.repoPath) return saved.id
    const id = randomBytes(8).toString('hex')
    await this.writeAtomically(file, JSON.stringify({ id, path: this.repoPath }) + '\n')
    return id
  }

  private async save(): Promise<void> {
    await this.writeAtomically(join(this.dir, 'clock'), `${this.clock}\n`)
  }

  private async writeAtomically(file: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    await writeFile(tmp, text)
    await rename(tmp, file)
  }
}
