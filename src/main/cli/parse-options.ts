import { parseArgs } from 'node:util'

// What every command's argument parser shares: one error type, one parseArgs wrapper, one
// check for options given an empty value.

/** Bad command-line input: reported as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** Options of one command, as `parseArgs` takes them. */
export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
>

/** What {@link parseWith} found: each option's value (absent when not given) and the rest. */
export interface ParsedOptions<T extends OptionSpec> {
  readonly values: {
    [K in keyof T]?: T[K]['type'] extends 'boolean'
      ? boolean
      : T[K]['multiple'] extends true
        ? string[]
        : string
  }
  readonly positionals: string[]
}

/**
 * `parseArgs` in strict mode over `args` (positionals allowed unless `positionals: false`);
 * its failures become one-line {@link UsageError}s.
 */
export function parseWith<T extends OptionSpec>(
  args: readonly string[],
  options: T,
  { positionals = true }: { readonly positionals?: boolean } = {}
): ParsedOptions<T> {
  try {
    const parsed = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: positionals
    })
    return parsed as unknown as ParsedOptions<T>
  } catch (err) {
    throw new UsageError(describeParseError(err))
  }
}

/** An option's value, refusing an empty one (`--workspace ""`). */
export function given(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (value.trim() === '') throw new UsageError(`option ${flag} needs a value`)
  return value
}

// parseArgs' messages are long and suggest `--` tricks; say it the way a user thinks of it.
/** One line for a `parseArgs` failure, the way a user thinks of it. */
export function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string }
  const message = e.message ?? String(err)
  const quoted = /'([^']+)'/.exec(message)?.[1]
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''} (try: slipway --help)`.replace('  ', ' ')
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take')
        ? `option ${optionName(message)} does not take a value`
        : `option ${optionName(message)} needs a value`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? ''} (try: slipway --help)`.replace('  ', ' ')
    default:
      return message.split('\n')[0] ?? 'bad arguments'
  }
}

function optionName(message: string): string {
  return /(--[a-z-]+)/.exec(message)?.[1] ?? 'option'
}
