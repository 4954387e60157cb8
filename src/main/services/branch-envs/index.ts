/**
 * Branch environments: any branch, or the release an environment serves, run on this machine
 * from its own worktree (`branchEnvironments` in slipway.yml: setup cached per lockfile hash,
 * `run` with PORT, the health URL waited for), sandboxed like test runs. Layout under the
 * workspace's data folder: `branch-envs/worktrees/`, `branch-envs/logs/<id>.log`, and
 * `branch-envs.json` (the process groups started, for the next start after a crash).
 */
export {
  BranchEnvService,
  type BranchEnvServiceEvent,
  type BranchEnvServiceOptions
} from './branch-env-service'
export { environmentCommit } from './release-commit'
export { explainingLines } from './failure-lines'
