/** Every error code the API can answer with; the renderer switches on these, never on messages. */
export const API_ERROR_CODES = [
  'bad-request',
  'unknown-method',
  'unauthorized',
  'not-found',
  'not-a-repository',
  'bad-config',
  'no-workspace',
  'git-failed',
  'conflict',
  'cancelled',
  'timeout',
  'unreachable',
  'host-key-unknown',
  'host-key-changed',
  'passphrase-required',
  'locked',
  'insufficient-disk',
  'health-check-failed',
  'build-failed',
  'deploy-failed',
  'internal'
] as const

/** One of {@link API_ERROR_CODES}. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

/** The one serializable error shape that crosses every transport (IPC, HTTP, CLI --json). */
export interface ApiError {
  readonly code: ApiErrorCode
  readonly message: string
  readonly details?: Readonly<Record<string, unknown>>
}

/** What every transport answers for one invoke: a value or an {@link ApiError}, never a throw. */
export type ApiResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError }

/** True when `value` has the shape of an {@link ApiError}. */
export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.message === 'string' &&
    typeof v.code === 'string' &&
    (API_ERROR_CODES as readonly string[]).includes(v.code)
  )
}

/** Thrown by API clients in the renderer and CLI so callers can `catch` one type. */
export class ApiCallError extends Error implements ApiError {
  readonly code: ApiErrorCode
  readonly details?: Readonly<Record<string, unknown>>
  constructor(error: ApiError) {
    super(error.message)
    this.name = 'ApiCallError'
    this.code = error.code
    if (error.details) this.details = error.details
  }
}

/** Exhaustiveness check for switches over unions on `kind`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`)
}
