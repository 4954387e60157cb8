/**
 * Changed files and per-file diffs of a pull request, for a virtualized diff view: a file's
 * diff is parsed once into rows (kept in a small cache keyed by the two commits and the path),
 * then handed out in windows, so scrolling a 100,000-line diff reads no git again.
 */
import type { ChangedFile, DiffLine, FileDiff } from '../../../shared/pull-request-models'
import { runGit } from '../git'
import { isSha } from '../git/refs'

/** Most rows one window hands out. */
export const MAX_DIFF_WINDOW = 5000
const CACHED_FILES = 16

const STATUS: Record<string, ChangedFile['status']> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type-changed'
}

/** The files changed from `base` to `head` (renames found), with line counts. */
export async function changedFiles(
  repo: string,
  base: string,
  head: string
): Promise<ChangedFile[]> {
  check(base, head)
  const common = ['diff', '--no-ext-diff', '--no-textconv', '-M', '-z']
  const [raw, numstat] = await Promise.all([
    runGit(repo, [...common, '--raw', '--end-of-options', base, head]),
    runGit(repo, [...common, '--numstat', '--end-of-options', base, head])
  ])
  const counts = parseNumstat(numstat.stdout)
  const files: ChangedFile[] = []
  const fields = raw.stdout.split('\0')
  for (let i = 0; i < fields.length;) {
    const meta = fields[i++] ?? ''
    if (!meta.startsWith(':')) continue
    const letter = meta.split(' ')[4]?.charAt(0) ?? 'M'
    const twoPaths = letter === 'R' || letter === 'C'
    const first = fields[i++] ?? ''
    const second = twoPaths ? (fields[i++] ?? '') : null
    const path = second ?? first
    const n = counts.get(path)
    files.push({
      path,
      oldPath: twoPaths ? first : null,
      status: STATUS[letter] ?? 'modified',
      additions: n ? n.additions : 0,
      deletions: n ? n.deletions : 0
    })
  }
  return files
}

function parseNumstat(
  text: string
): Map<string, { additions: number | null; deletions: number | null }> {
  const out = new Map<string, { additions: number | null; deletions: number | null }>()
  const fields = text.split('\0')
  for (let i = 0; i < fields.length;) {
    const entry = fields[i++] ?? ''
    if (!entry) continue
    const [add = '', del = '', path = ''] = entry.split('\t')
    // A rename is "add\tdel\t" followed by the old and the new path as their own fields.
    const name = path === '' ? ((i += 2), fields[i - 1] ?? '') : path
    out.set(name, {
      additions: add === '-' ? null : Number(add),
      deletions: del === '-' ? null : Number(del)
    })
  }
  return out
}

/** Parses a unified diff of one file into rows (hunk headers, context, additions, removals). */
export function parseUnifiedDiff(text: string): { lines: DiffLine[]; binary: boolean } {
  const lines: DiffLine[] = []
  let binary = false
  let inHunk = false
  let oldLine = 0
  let newLine = 0
  const rows = text.split('\n')
  if (rows[rows.length - 1] === '') rows.pop()
  for (const row of rows) {
    if (row.startsWith('@@')) {
      const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(row)
      oldLine = Number(m?.[1] ?? 0)
      newLine = Number(m?.[2] ?? 0)
      inHunk = true
      lines.push({ kind: 'hunk', oldLine: null, newLine: null, text: row })
    } else if (!inHunk) {
      if (/^Binary files /.test(row)) binary = true
    } else if (row.startsWith('+')) {
      lines.push({ kind: 'add', oldLine: null, newLine: newLine++, text: row.slice(1) })
    } else if (row.startsWith('-')) {
      lines.push({ kind: 'del', oldLine: oldLine++, newLine: null, text: row.slice(1) })
    } else if (row.startsWith('\\')) {
      lines.push({ kind: 'note', oldLine: null, newLine: null, text: row.slice(2) })
    } else if (row.startsWith('diff --git')) {
      inHunk = false
    } else {
      lines.push({ kind: 'context', oldLine: oldLine++, newLine: newLine++, text: row.slice(1) })
    }
  }
  return { lines, binary }
}

/** Reads and windows per-file diffs, caching the parsed rows of recently read files. */
export class DiffReader {
  private readonly cache = new Map<string, { lines: DiffLine[]; binary: boolean }>()

  constructor(private readonly repo: string) {}

  /** Rows `offset` … `offset + limit` of the diff of `file` from `base` to `head`. */
  async window(
    base: string,
    head: string,
    file: Pick<ChangedFile, 'path' | 'oldPath'>,
    offset: number,
    limit: number
  ): Promise<FileDiff> {
    check(base, head)
    const key = `${base}:${head}:${file.oldPath ?? ''}:${file.path}`
    let parsed = this.cache.get(key)
    if (parsed) {
      this.cache.delete(key)
    } else {
      const paths = file.oldPath ? [file.oldPath, file.path] : [file.path]
      const out = await runGit(this.repo, [
        // File names are names, never pathspec magic such as ":(glob)".
        '--literal-pathspecs',
        'diff',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '-M',
        '--end-of-options',
        base,
        head,
        '--',
        ...paths
      ])
      parsed = parseUnifiedDiff(out.stdout)
    }
    this.cache.set(key, parsed)
    if (this.cache.size > CACHED_FILES) this.cache.delete(this.cache.keys().next().value as string)
    const start = Math.max(0, Math.min(offset, parsed.lines.length))
    const count = Math.max(0, Math.min(limit, MAX_DIFF_WINDOW))
    return {
      path: file.path,
      base,
      head,
      binary: parsed.binary,
      totalLines: parsed.lines.length,
      offset: start,
      lines: parsed.lines.slice(start, start + count)
    }
  }
}

function check(...shas: string[]): void {
  for (const s of shas) if (!isSha(s)) throw new Error(`not an object name: ${s}`)
}
