/**
 * Test-run methods (issue: continually test every branch): method → request → response.
 * Spread into the one `contract` in contract.ts.
 */
export const testMethods = {} as const

/** Events of the test-run domain: name → payload. */
export type TestEvents = Record<never, never>
