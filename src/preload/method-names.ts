import type { Method } from '../shared/contract'

// The preload is sandboxed and cannot load node_modules, and electron-vite externalises
// dependencies, so importing `isMethod` (and with it zod) from the contract would break it.
// This list is checked against the contract at compile time (below) and by a test.

/** Every contract method name: the preload's channel allow-list. */
export const METHOD_NAMES = [
  'app.info',
  'workspace.current',
  'workspace.open',
  'workspace.openDemo',
  'workspace.recent',
  'workspace.writeStarterConfig',
  'folders.list',
  'folders.pick',
  'branches.list',
  'branches.commits',
  'branches.mine',
  'branches.prunable',
  'branches.prune',
  'branches.restore',
  'tests.branchStates',
  'tests.queue',
  'tests.run',
  'tests.runs',
  'tests.request',
  'tests.cancel',
  'tests.cancelAll',
  'tests.setPaused',
  'tests.focus',
  'tests.log',
  'tests.logSearch',
  'trust.status',
  'trust.grant',
  'releases.list',
  'releases.create',
  'releases.prune',
  'environments.status',
  'environments.rollback',
  'environments.breakLock',
  'deployments.start',
  'deployments.cancel',
  'deployments.list',
  'deployments.history',
  'hosts.scan',
  'hosts.trustKey',
  'credentials.setPassphrase',
  'team.sync',
  'team.status',
  'tickets.list',
  'tickets.get',
  'tickets.create',
  'tickets.edit',
  'tickets.startWork',
  'pullRequests.list',
  'pullRequests.checks',
  'pullRequests.get',
  'pullRequests.open',
  'pullRequests.review',
  'pullRequests.comment',
  'pullRequests.files',
  'pullRequests.diff',
  'pullRequests.merge',
  'pullRequests.close',
  'pullRequests.deleteBranch',
  'mergeReleases.list',
  'promotions.list',
  'promotions.preview',
  'promotions.promote',
  'promotions.approve',
  'promotions.cancel',
  'releases.notes',
  'demo.review',
  'demo.approvePromotion',
  'branchEnvs.list',
  'branchEnvs.start',
  'branchEnvs.stop',
  'branchEnvs.restart',
  'branchEnvs.update',
  'branchEnvs.log',
  'branchEnvs.logSearch',
  'branchEnvs.leftovers',
  'branchEnvs.cleanLeftovers',
  'ledger.list',
  'ledger.verify',
  'ledger.export',
  'viewer.current',
  'viewer.share',
  'viewer.stop'
] as const satisfies readonly Method[]

// Fails to compile when the contract gains a method this list lacks.
type Missing = Exclude<Method, (typeof METHOD_NAMES)[number]>
const complete: [Missing] extends [never] ? true : Missing = true
void complete

const ALLOWED: ReadonlySet<string> = new Set(METHOD_NAMES)

/** True when `name` is a contract method (the renderer's input is not trusted). */
export function isMethodName(name: unknown): name is Method {
  return typeof name === 'string' && ALLOWED.has(name)
}
