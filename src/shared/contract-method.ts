import { z } from 'zod'

/** Whether a method only reads state or changes it (starts work, writes a file, trusts a key). */
export type MethodEffect = 'read' | 'change'

/** One contract method: what a caller sends, what it gets back, and whether it changes anything. */
export interface MethodSpec {
  readonly request: z.ZodType
  readonly response: z.ZodType
  readonly effect: MethodEffect
}

/**
 * Declares one domain's methods (`domain.verb` → {@link MethodSpec}); the compiler refuses a
 * method without a request, a response or an effect. Each `contract-<domain>.ts` calls this
 * and contract.ts spreads the result into the one contract.
 */
export function defineMethods<const T extends Record<string, MethodSpec>>(methods: T): T {
  return methods
}

/** The request of methods that take no input. */
export const EmptyRequest = z.object({}).strict()
