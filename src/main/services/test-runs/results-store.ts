import { appendFile, mkdir, readFile, rename, truncate, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { TestRunSchema, type TestRun } from '../../../shared/test-models'
import { PRIVATE_DIR, PRIVATE_FILE } from '../private-files'

/** The results file's name in a workspace's data folder. */
export const RESULTS_FILE = 'test-results.jsonl'

/** What loading the results file found. */
export interface LoadedResults {
  /** The last record of every run, in the order the runs were created. */
  readonly runs: readonly TestRun[]
  /** How many good records the file holds (several per run: queued, running, finished). */
  readonly records: number
  /** Lines that could not be read (a torn last line after a crash, or a hand-edited file). */
  readonly badLines: number
  /** True when a torn last line was cut off so new records start on a line of their own. */
  readonly truncatedTornLine: boolean
}

/**
 * The append-only JSON-lines file of test runs (`test-results.jsonl`): one line per change of
 * a run, the last line of an id wins. Writes are serialized in call order.
 */
export class ResultsStore {
  private chain: Promise<void> = Promise.resolve()

  constructor(readonly path: string) {}

  /**
   * Reads every run; a torn last line is cut off and reported, never silently kept. With
   * `readOnly` the file is left as it is (another process may be appending to it).
   */
  async load({ readOnly = false }: { readonly readOnly?: boolean } = {}): Promise<LoadedResults> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        return { runs: [], records: 0, badLines: 0, truncatedTornLine: false }
      }
      throw e
    }
    const byId = new Map<string, TestRun>()
    let badLines = 0
    let records = 0
    let truncatedTornLine = false
    const lines = text.split('\n')
    let goodBytes = 0
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i] as string
      const isLast = i === lines.length - 1
      if (isLast && line === '') break
      const run = parseLine(line)
      if (run) {
        // Map keeps the first position of a key: runs stay in the order they were created.
        byId.set(run.id, run)
        records += 1
      } else {
        badLines += 1
      }
      if (isLast && !run && !readOnly) {
        // No newline after it and unreadable: a write cut short. Cut it so the next append
        // does not glue a good record onto it.
        await truncate(this.path, goodBytes)
        truncatedTornLine = true
      }
      goodBytes += Buffer.byteLength(line) + 1
    }
    if (!readOnly && !truncatedTornLine && text.length > 0 && !text.endsWith('\n')) {
      await appendFile(this.path, '\n')
    }
    return { runs: [...byId.values()], records, badLines, truncatedTornLine }
  }

  /** Appends one record (after every earlier write has landed). */
  append(run: TestRun): Promise<void> {
    const line = `${JSON.stringify(run)}\n`
    return this.enqueue(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: PRIVATE_DIR })
      await appendFile(this.path, line, { mode: PRIVATE_FILE })
    })
  }

  /** Rewrites the file with exactly these runs (temp file + rename), dropping old records. */
  compact(runs: readonly TestRun[]): Promise<void> {
    const text = runs.map((r) => `${JSON.stringify(r)}\n`).join('')
    return this.enqueue(async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: PRIVATE_DIR })
      const tmp = `${this.path}.tmp-${process.pid}`
      await writeFile(tmp, text, { mode: PRIVATE_FILE })
      await rename(tmp, this.path)
    })
  }

  /** Resolves when every write asked for so far has landed. */
  flush(): Promise<void> {
    return this.chain
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task)
    // A failed write must not block later ones; the caller of this write still sees it fail.
    this.chain = next.catch(() => {})
    return next
  }
}

function parseLine(line: string): TestRun | null {
  try {
    const parsed = TestRunSchema.safeParse(JSON.parse(line))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Which stored runs {@link readStoredRuns} answers. */
export interface RunFilter {
  readonly branch?: string | undefined
  readonly sha?: string | undefined
  readonly limit?: number | undefined
}

/**
 * The runs stored in a workspace's data folder, newest first, read without starting the test
 * service or touching the file (a running `serve` may be appending to it).
 */
export async function readStoredRuns(dataDir: string, filter: RunFilter = {}): Promise<TestRun[]> {
  const { runs } = await new ResultsStore(join(dataDir, RESULTS_FILE)).load({ readOnly: true })
  return runs
    .filter((r) => filter.branch === undefined || r.branch === filter.branch)
    .filter((r) => filter.sha === undefined || r.sha.startsWith(filter.sha))
    .sort((a, b) => b.queuedAt.localeCompare(a.queuedAt))
    .slice(0, filter.limit)
}
