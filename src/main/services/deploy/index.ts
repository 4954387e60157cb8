/**
 * The deploy domain: releases, deployments, rollbacks, environment status and host keys.
 * `DeployService` is what the API's handlers use, one per open workspace; the engine functions
 * below it are exported for benchmarks and tests.
 */
export { DeployService, type DeployServiceOptions } from './deploy-service'
export { publicRelease } from './public-release'
export { DeploymentRegistry } from './deployment-registry'
export { currentActor } from './actor'
export { scanHostKeys } from './host-keys'
export type { BrokenLock, DeployContext, DeployEvent, DeployRecorder } from './types'
export { deployRelease } from './deploy-release'
export { rollbackEnvironment, chooseRollbackTarget } from './rollback-environment'
export { readEnvironmentStatus } from './environment-status'
export { breakLock } from './break-lock'
export { DEFAULT_LOCK_STALE_AFTER_MS } from './host-lock'
export { readHostLog, type HostLogEntry, type HostLogEvent } from './host-log'
export { mergeHostLogs, readDeploymentHistory } from './deployment-history'
export { readLocalBadReleases, readLocalDeployments } from './local-records'
