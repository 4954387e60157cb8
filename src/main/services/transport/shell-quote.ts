/**
 * Quotes a value for a POSIX shell, `'it'\''s'` style: the result is one word whose value is
 * exactly `value`, whatever it holds (`$(…)`, backticks, `;`, newlines, globs, non-ASCII).
 * A value starting with `-` is still one word, but it can be read as an option by the program
 * it reaches: put `--` before it or prefix paths with `./`.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell word cannot contain a NUL byte')
  if (/^[A-Za-z0-9_./=:@%+,-]+$/.test(value)) return value
  return `'${value.replace(/'/g, `'\\''`)}'`
}
