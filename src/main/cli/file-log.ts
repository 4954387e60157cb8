import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { inspect } from 'node:util'
import type { ErrorLog } from '../api'

/** When the log file reaches this size it is rotated. */
export const LOG_MAX_BYTES = 1024 * 1024
/** Rotated files kept beside the log (`slipway.log.1` … `.3`); older ones are dropped. */
export const LOG_KEEP = 3
// One entry never takes more than this (a huge inspected object, a long message).
const MAX_ENTRY_BYTES = 64 * 1024

/** Size cap and number of old files for {@link createFileLog}; tests shrink them. */
export interface LogRotation {
  readonly maxBytes: number
  readonly keep: number
}

/**
 * An {@link ErrorLog} for terminals: one line on stderr, the full stack appended to
 * `logFile` (stderr gets the stack too when SLIPWAY_DEBUG is set). The file is private to the
 * user (0600) and rotates at {@link LOG_MAX_BYTES} into {@link LOG_KEEP} older files, so no
 * client can grow it without bound.
 */
export function createFileLog(
  logFile: string,
  stderr: (text: string) => void,
  debug: boolean,
  rotation: LogRotation = { maxBytes: LOG_MAX_BYTES, keep: LOG_KEEP }
): ErrorLog {
  return (message, err) => {
    const detail =
      err instanceof Error ? (err.stack ?? err.message) : err === undefined ? '' : inspect(err)
    const brief = err instanceof Error ? `: ${err.message.split('\n')[0]}` : ''
    let where = ` (details in ${logFile})`
    try {
      mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 })
      rotateWhenFull(logFile, rotation)
      const entry = `${new Date().toISOString()} ${message}\n${detail}\n\n`
      appendFileSync(logFile, truncate(entry), { mode: 0o600 })
    } catch {
      where = ''
    }
    stderr(`slipway: ${message}${brief}${where}\n`)
    if (debug && detail) stderr(`${detail}\n`)
  }
}

function truncate(entry: string): string {
  if (Buffer.byteLength(entry) <= MAX_ENTRY_BYTES) return entry
  return `${Buffer.from(entry).subarray(0, MAX_ENTRY_BYTES).toString('utf8')}\n[… cut]\n\n`
}

/** `log` → `log.1` → … → `log.<keep>` (the oldest dropped) once `log` reaches the cap. */
function rotateWhenFull(file: string, { maxBytes, keep }: LogRotation): void {
  let size: number
  try {
    size = statSync(file).size
  } catch {
    return
  }
  if (size < maxBytes) return
  for (let i = keep - 1; i >= 1; i--) {
    try {
      renameSync(`${file}.${i}`, `${file}.${i + 1}`)
    } catch {
      // That generation does not exist yet.
    }
  }
  if (keep >= 1) renameSync(file, `${file}.1`)
  else renameSync(file, `${file}.old`)
}
