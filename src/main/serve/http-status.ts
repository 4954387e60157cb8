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
      return 400
    case 'unauthorized':
      return 401
    case 'not-found':
      return 404
    case 'internal':
    case 'git-failed':
      return 500
    default:
      return assertNever(code)
  }
}
