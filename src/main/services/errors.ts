import type { ApiErrorCode } from '../../shared/errors'

/**
 * An expected failure, carrying the context a user needs (git args and stderr, file and line).
 * The router turns it into an ApiError with the same code; any other thrown value is a bug.
 */
export class ExpectedError extends Error {
  readonly code: ApiErrorCode
  readonly details: Readonly<Record<string, unknown>>
  constructor(code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'ExpectedError'
    this.code = code
    this.details = details
  }
}
