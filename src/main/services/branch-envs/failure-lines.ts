/** How many lines of the log a start failure shows. */
export const FAILURE_LINES = 12

// Words that mark the line that says why (npm's ERR!, Node's stack head, a shell's "not found").
const EXPLAINS =
  /\b(error|err!|failed|fail|cannot|can't|could not|denied|refused|not found|no such|eaddrinuse|exception|fatal|panic)\b/i
// Slipway's own notes in the log, and ANSI colour codes.
const NOTE = /^\[slipway\] /
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g

/**
 * The lines of a failed start's log that explain it: the app's own output (Slipway's notes
 * left out), the lines that name an error first, then the last lines, in log order, at most
 * {@link FAILURE_LINES}.
 */
export function explainingLines(log: string, max = FAILURE_LINES): string[] {
  const lines = log
    .split('\n')
    .map((l) => l.replace(ANSI, '').trimEnd())
    .filter((l) => l.trim() !== '' && !NOTE.test(l))
  const picked = new Set<number>()
  const errors = lines.flatMap((l, i) => (EXPLAINS.test(l) ? [i] : []))
  for (const i of errors.slice(-Math.ceil(max / 2))) picked.add(i)
  for (let i = lines.length - 1; i >= 0 && picked.size < max; i--) picked.add(i)
  return [...picked].sort((a, b) => a - b).map((i) => lines[i] as string)
}
