import type { ApiError } from '../../shared/errors'
import { ExpectedError } from '../services/errors'
import type { ErrorLog } from '../services/log'

export type { ErrorLog }

/** The message users see for a bug; the stack goes to the log, never across a transport. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error; the details are in the Slipway log.'

/**
 * Turns anything thrown by a handler into the one serializable {@link ApiError}: an
 * {@link ExpectedError} keeps its code, message and details; anything else is a bug, logged
 * with its stack under `context` and answered as `internal` without the stack.
 */
export function toApiError(err: unknown, log: ErrorLog, context: string): ApiError {
  if (err instanceof ExpectedError) {
    // The code and its details were typed together where the error was made (ExpectedError).
    return { code: err.code, message: err.message, details: jsonSafe(err.details) } as ApiError
  }
  log(`internal error in ${context}`, err)
  return { code: 'internal', message: INTERNAL_ERROR_MESSAGE }
}

// Details cross IPC (structured clone) and HTTP (JSON); drop what neither can carry.
function jsonSafe(details: object): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>
  } catch {
    return {}
  }
}
