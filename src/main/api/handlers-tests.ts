import type { testMethods } from '../../shared/contract-tests'
import type { DomainHandlers, HandlerContext } from './handlers'

/** Handlers of the test-run methods. */
export function createTestHandlers(_ctx: HandlerContext): DomainHandlers<keyof typeof testMethods> {
  return {}
}
