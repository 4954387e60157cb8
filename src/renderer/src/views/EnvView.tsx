import { useEffect, useMemo, useRef } from 'react'
import { LogViewer, type LogTools } from '../components/LogViewer'
import { EnvButtons, EnvFailure, EnvState } from '../components/EnvControls'
import { CloseButton } from '../components/ui/CloseButton'
import { formatAbsolute, shortSha } from '../lib/format'
import { keepTabInside } from '../lib/focus-trap'
import { useStores } from '../stores/hooks'
import { useBranchEnvs } from '../stores/use-branch-envs'

/**
 * One branch environment over the board: its state and link, Stop / Restart / Update, why a
 * start failed, and the live log. Escape closes it (the environment keeps running).
 */
export function EnvView(): React.JSX.Element | null {
  const { branchEnvs } = useStores()
  const openId = useBranchEnvs((s) => s.openId)
  const env = useBranchEnvs((s) => (s.openId ? (s.envs[s.openId] ?? null) : null))
  const log = useBranchEnvs((s) => s.log)
  const error = useBranchEnvs((s) => s.error)
  const closeRef = useRef<HTMLButtonElement>(null)
  const boxRef = useRef<HTMLElement>(null)

  useEffect(() => {
    if (!openId) return
    const previous = document.activeElement
    closeRef.current?.focus()
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.key === 'Tab') return keepTabInside(boxRef.current, e)
      if (e.key !== 'Escape') return
      e.preventDefault()
      e.stopPropagation()
      branchEnvs.getState().close()
    }
    // Capture: the board's own Escape (close the drawer) must not fire underneath.
    document.addEventListener('keydown', onKeyDown, true)
    return () => {
      document.removeEventListener('keydown', onKeyDown, true)
      if (previous instanceof HTMLElement) previous.focus({ preventScroll: true })
    }
  }, [openId, branchEnvs])

  const tools = useMemo((): LogTools => {
    const b = branchEnvs.getState()
    return {
      onLoadEarlier: () => void b.loadEarlier(),
      onLoadLater: () => void b.loadLater(),
      jumpTo: (hit) => void b.jumpTo(hit),
      followEnd: () => void b.followEnd(),
      search: b.searchLog,
      readAll: b.readWholeLog,
      fileName: `${(env?.label ?? 'environment').replace(/[^A-Za-z0-9._-]+/g, '-')}-run-locally.log`
    }
  }, [branchEnvs, env?.label])

  if (!openId) return null
  return (
    <div
      className="run-view-backdrop"
      onClick={(e) => {
        if (e.target === e.currentTarget) branchEnvs.getState().close()
      }}
    >
      <section
        ref={boxRef}
        className="run-view"
        data-testid="env-view"
        role="dialog"
        aria-modal="true"
        aria-labelledby="env-view-title"
      >
        <header className="run-view-header">
          <h2 id="env-view-title">{env ? `${env.label}, run locally` : 'Run locally'}</h2>
          {env && (
            <code className="sha" title={env.sha}>
              {shortSha(env.sha)}
            </code>
          )}
          {env && <span className="muted">port {env.port}</span>}
          {env && (
            <span className="muted" title={formatAbsolute(env.startedAt)}>
              started {formatAbsolute(env.startedAt)}
            </span>
          )}
          <span className="spacer" />
          {env && <EnvButtons env={env} showLog={false} />}
          <CloseButton
            ref={closeRef}
            label="Close the local run"
            title="Close (Escape); it keeps running"
            onClick={() => branchEnvs.getState().close()}
          />
        </header>
        {env && (
          <div className="run-view-summary" data-testid="env-view-state" aria-live="polite">
            <EnvState env={env} />
            {error && (
              <span className="inline-error" role="alert">
                {' '}
                {error.message}
              </span>
            )}
          </div>
        )}
        {env && env.state.kind === 'failed' && (
          <div className="run-view-summary">
            <EnvFailure env={env} />
          </div>
        )}
        {log && <LogViewer log={log} tools={tools} label="Environment log" />}
      </section>
    </div>
  )
}
