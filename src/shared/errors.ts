/** Every error code the API can answer with; the renderer switches on these, never on messages. */
export const API_ERROR_CODES = [
  'bad-request',
  'unknown-method',
  'unauthorized',
  /** Authenticated, but not allowed: a read-only viewer calling a method that changes something. */
  'forbidden',
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
  'checks-failed',
  'frozen',
  'untrusted',
  'internal'
] as const

/** One of {@link API_ERROR_CODES}. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

/** Details of `host-key-unknown`: the key the host offered, so the user can check and accept it. */
export interface HostKeyDetails {
  /** The SSH host name (or address) and port the key belongs to, as `hosts.trustKey` takes them. */
  readonly host: string
  readonly port: number
  readonly keyType: string
  /** `SHA256:…` as OpenSSH prints it. */
  readonly fingerprint: string
  /** The key itself, base64, handed back to `hosts.trustKey` once the user accepts it. */
  readonly key: string
}

/** Details of `host-key-changed`: the offered key, and what the known-hosts files say instead. */
export interface HostKeyChangedDetails extends HostKeyDetails {
  /** The file that knows another key for this host (or revokes this one). */
  readonly source: string
  readonly knownFingerprints: readonly string[]
  /** True when the offered key is marked `@revoked`. */
  readonly revoked: boolean
}

/** Details of `passphrase-required`: which key file needs its passphrase. */
export interface PassphraseDetails {
  /** The first locked key file (what to pass to `credentials.setPassphrase`). */
  readonly keyFile: string
  readonly keyFiles: readonly string[]
  /** True when a passphrase was given and did not open the key (it has been forgotten). */
  readonly wrong: boolean
  /** The connection that needed it, when one was being made. */
  readonly host?: string
  readonly port?: number
  readonly user?: string
}

/** One zod issue as it travels in `bad-request` details. */
export interface RequestIssue {
  readonly path: string
  readonly message: string
  readonly code: string
}

/** Details of `checks-failed`: a merge refused, with every check that did not pass. */
export interface ChecksFailedDetails {
  readonly checks: readonly {
    readonly name: string
    readonly status: 'failed' | 'pending'
    readonly summary: string
  }[]
}

/** Details of `frozen`: a deploy or promotion refused inside a freeze window. */
export interface FrozenDetails {
  readonly environment: string
  readonly windows: readonly string[]
  readonly endsAt: string
  readonly endsAtLocal: string
  readonly timeZone: string
}

/** Details of `bad-request` when the router refused a request. */
export interface BadRequestDetails {
  readonly method?: string
  readonly issues?: readonly RequestIssue[]
  readonly [key: string]: unknown
}

/** Details of `git-failed`: what git was asked and what it said. */
export interface GitFailedDetails {
  readonly args: readonly string[]
  readonly cwd: string
  readonly exitCode: number | null
  readonly stderr: string
}

/** Details of codes whose context is free-form (names of what failed, for logs and tests). */
export type OtherDetails = Readonly<Record<string, unknown>>

// Codes whose details a caller reads; every other code carries OtherDetails.
interface TypedDetails {
  'bad-request': BadRequestDetails
  'checks-failed': ChecksFailedDetails
  frozen: FrozenDetails
  'git-failed': GitFailedDetails
  'host-key-unknown': HostKeyDetails
  'host-key-changed': HostKeyChangedDetails
  'passphrase-required': PassphraseDetails
}

/** Each error code's details type: the UI and the CLI read these without parsing by hand. */
export type ErrorDetailsMap = {
  readonly [C in ApiErrorCode]: C extends keyof TypedDetails ? TypedDetails[C] : OtherDetails
}

/** The error codes that need the user (a host key to accept, a passphrase); details required. */
export type NeedsUserCode = 'host-key-unknown' | 'host-key-changed' | 'passphrase-required'

/** An {@link ApiError} of one code. */
export type ApiErrorOf<C extends ApiErrorCode> = C extends NeedsUserCode
  ? { readonly code: C; readonly message: string; readonly details: ErrorDetailsMap[C] }
  : { readonly code: C; readonly message: string; readonly details?: ErrorDetailsMap[C] }

/**
 * The one serializable error shape that crosses every transport (IPC, HTTP, CLI --json): a
 * union on `code`, so a `switch (error.code)` sees each code's details with their type.
 */
export type ApiError = { [C in ApiErrorCode]: ApiErrorOf<C> }[ApiErrorCode]

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

/** What a connection needs from the user before it can go on, read from an error's details. */
export type NeedsUser =
  | {
      readonly kind: 'host-key'
      readonly changed: boolean
      readonly details: HostKeyDetails
      readonly message: string
    }
  | { readonly kind: 'passphrase'; readonly details: PassphraseDetails; readonly message: string }

/** The question an error asks the user, or null when it is an ordinary failure. */
export function needsUser(error: ApiError): NeedsUser | null {
  switch (error.code) {
    case 'host-key-unknown':
    case 'host-key-changed':
      return {
        kind: 'host-key',
        changed: error.code === 'host-key-changed',
        details: error.details,
        message: error.message
      }
    case 'passphrase-required':
      return { kind: 'passphrase', details: error.details, message: error.message }
    default:
      return null
  }
}

/** Thrown by API clients in the renderer and CLI so callers can `catch` one type. */
export class ApiCallError extends Error {
  readonly code: ApiErrorCode
  /** The error as the API answered it; switch on `error.code` for typed details. */
  readonly error: ApiError
  constructor(error: ApiError) {
    super(error.message)
    this.name = 'ApiCallError'
    this.code = error.code
    this.error = error
  }
}

/** Exhaustiveness check for switches over unions on `kind`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`)
}
