import type { ApiErrorCode, ErrorDetailsMap, NeedsUserCode } from '../../shared/errors'

// The details argument: required for the codes that need the user, optional for the rest.
type DetailsArg<C extends ApiErrorCode> = [C] extends [NeedsUserCode]
  ? [details: ErrorDetailsMap[C]]
  : [details?: ErrorDetailsMap[C]]

/**
 * An expected failure, carrying the context a user needs (git args and stderr, file and line).
 * The router turns it into an ApiError with the same code; any other thrown value is a bug.
 * Each code's details have the type `ErrorDetailsMap` (shared/errors.ts) gives them.
 */
export class ExpectedError<C extends ApiErrorCode = ApiErrorCode> extends Error {
  readonly code: C
  readonly details: ErrorDetailsMap[C]
  constructor(code: C, message: string, ...[details]: DetailsArg<C>) {
    super(message)
    this.name = 'ExpectedError'
    this.code = code
    this.details = details ?? ({} as ErrorDetailsMap[C])
  }
}

/** True when `err` is an {@link ExpectedError} with one of `codes` (its details then typed). */
export function isExpected<C extends ApiErrorCode>(
  err: unknown,
  ...codes: readonly C[]
): err is ExpectedError<C> {
  return err instanceof ExpectedError && (codes as readonly ApiErrorCode[]).includes(err.code)
}
