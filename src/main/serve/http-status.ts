import { assertNever, type ApiErrorCode } from '../../shared/errors'

/** The HTTP status the `serve` host answers for an API error code (see the transport protocol). */
export function httpStatusFor(code: ApiErrorCode): number {
  switch (code) {
    case 'bad-request':
    case 'unknown-method':
    case 'bad-config':
    case 'not-a-repository':
    case 'no-workspace':
    case 'conflict':
    case 'passphrase-required':
    case 'host-key-unknown':
    case 'host-key-changed':
      return 400
    case 'locked':
    case 'checks-failed':
    case 'frozen':
      return 409
    case 'cancelled':
    case 'timeout':
    case 'unreachable':
    case 'insufficient-disk':
    case 'health-check-failed':
    case 'build-failed':
    case 'deploy-failed':
      // The request was fine; the operation failed against the world (hosts, builds).
      return 502
    case 'unauthorized':
      return 401
    case 'forbidden':
    case 'untrusted':
      return 403
    case 'not-found':
      return 404
    case 'internal':
    case 'git-failed':
      return 500
    default:
      return assertNever(code)
  }
}
