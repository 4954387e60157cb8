import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { inspect } from 'node:util'
import type { ErrorLog } from '../api'

/**
 * An {@link ErrorLog} for terminals: one line on stderr, the full stack appended to
 * `logFile` (stderr gets the stack too when SLIPWAY_DEBUG is set).
 */
export function createFileLog(
  logFile: string,
  stderr: (text: string) => void,
  debug: boolean
): ErrorLog {
  return (message, err) => {
    const detail =
      err instanceof Error ? (err.stack ?? err.message) : err === undefined ? '' : inspect(err)
    const brief = err instanceof Error ? `: ${err.message.split('\n')[0]}` : ''
    let where = ` (details in ${logFile})`
    try {
      mkdirSync(dirname(logFile), { recursive: true })
      appendFileSync(logFile, `${new Date().toISOString()} ${message}\n${detail}\n\n`)
    } catch {
      where = ''
    }
    stderr(`slipway: ${message}${brief}${where}\n`)
    if (debug && detail) stderr(`${detail}\n`)
  }
}
