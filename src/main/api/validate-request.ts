import type { z } from 'zod'
import type { ApiError, RequestIssue } from '../../shared/errors'

export type { RequestIssue }

/**
 * Validates an untrusted request against a contract schema. A missing request (`undefined`,
 * an empty HTTP body) counts as `{}`. On failure the message names the first bad field.
 */
export function validateRequest<S extends z.ZodType>(
  method: string,
  schema: S,
  request: unknown
):
  | { readonly ok: true; readonly value: z.output<S> }
  | { readonly ok: false; readonly error: ApiError } {
  const parsed = schema.safeParse(request === undefined ? {} : request)
  if (parsed.success) return { ok: true, value: parsed.data }
  const issues: RequestIssue[] = parsed.error.issues.map((i) => ({
    path: i.path.map(String).join('.'),
    message: i.message,
    code: i.code
  }))
  const first = issues[0]
  const where = first?.path ? `${first.path}: ` : ''
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  return {
    ok: false,
    error: {
      code: 'bad-request',
      message: `Bad request for ${method}: ${where}${first?.message ?? 'invalid'}${more}`,
      details: { method, issues }
    }
  }
}
