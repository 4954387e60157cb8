import { Play } from 'lucide-react'
import { shortSha } from '../lib/format'
import { envOfBranch } from '../stores/branch-envs-store'
import { useStores } from '../stores/hooks'
import { useBranchEnvs } from '../stores/use-branch-envs'
import { EnvButtons, EnvFailure, EnvState } from './EnvControls'

/**
 * The drawer's "Run locally": starts the branch in its own worktree on a free port, then shows
 * the link, the state, Stop / Restart / Update and the log.
 */
export function DrawerRunLocally({ branch }: { readonly branch: string }): React.JSX.Element {
  const { branchEnvs } = useStores()
  const availability = useBranchEnvs((s) => s.availability)
  const env = useBranchEnvs((s) => envOfBranch(s.envs, branch))
  const error = useBranchEnvs((s) => s.error)
  return (
    <section className="drawer-run" data-testid="drawer-run" aria-labelledby="drawer-run-title">
      <h3 id="drawer-run-title">Run locally</h3>
      {availability !== 'ready' && availability !== 'unknown' ? (
        <p className="tests-note">
          {availability.unconfigured}. Add for example{' '}
          <code>
            branchEnvironments: {'{'} run: npm start {'}'}
          </code>{' '}
          to slipway.yml to run any branch on this machine.
        </p>
      ) : env ? (
        <div className="env-box">
          <div className="env-row">
            <EnvState env={env} />
            <code className="sha" title={env.sha}>
              {shortSha(env.sha)}
            </code>
            <span className="muted">port {env.port}</span>
          </div>
          {env.newerSha && (
            <p className="tests-note">The branch has new commits since this started.</p>
          )}
          <EnvFailure env={env} />
          <EnvButtons env={env} showLog />
        </div>
      ) : (
        <div className="env-buttons">
          <button
            type="button"
            className="primary"
            data-testid="run-locally"
            disabled={availability === 'unknown'}
            onClick={() => void branchEnvs.getState().start({ branch })}
            title="Check the branch's tip out in its own worktree and run it on a free port"
          >
            <Play aria-hidden="true" size={12} /> Run locally
          </button>
        </div>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  )
}
