/**
 * Release, deployment and environment methods: method → request → response.
 * Spread into the one `contract` in contract.ts.
 */
export const deployMethods = {} as const

/** Events of the release and deploy domain: name → payload. */
export type DeployEvents = Record<never, never>
