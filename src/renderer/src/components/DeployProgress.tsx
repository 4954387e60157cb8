import { useMemo } from 'react'
import type { Deployment } from '../../../shared'
import { formatDuration } from '../lib/format'
import { DeployModal } from './DeployModal'
import { LogViewer } from './LogViewer'
import { StepChips } from './StepChips'
import { memoryLogTools, memoryLogWindow } from '../lib/memory-log'
import { DEPLOYMENT_STATUS_TEXT, hostStateLine } from '../lib/deploy-labels'
import { describeTransfer } from '../../../shared/transfer-text'

/** Live progress of a deployment or rollback: per host and step, upload bars, the log; cancel. */
export function DeployProgress({
  deployment,
  onCancel,
  onClose
}: {
  readonly deployment: Deployment
  readonly onCancel: () => void
  readonly onClose: () => void
}): React.JSX.Element {
  const log = useMemo(
    () => memoryLogWindow(deployment.id, deployment.log),
    [deployment.id, deployment.log]
  )
  const fileName = `${deployment.kind}-${deployment.environment}-${deployment.release}.log`
  const tools = useMemo(
    () => memoryLogTools(deployment.log, fileName.replace(/[^A-Za-z0-9._-]+/g, '-')),
    [deployment.log, fileName]
  )
  const running = deployment.status === 'running'
  const what = deployment.kind === 'rollback' ? 'Rollback' : 'Deployment'
  const took =
    deployment.finishedAt !== null
      ? formatDuration(Date.parse(deployment.finishedAt) - Date.parse(deployment.startedAt))
      : null
  return (
    <DeployModal
      title={`${what} of ${deployment.release} to ${deployment.environment}`}
      testId="deploy-progress"
      onClose={onClose}
      wide
    >
      <div className="modal-body">
        <p
          className={`deploy-status status-${deployment.status}`}
          data-testid="deploy-status"
          data-status={deployment.status}
          role="status"
        >
          <strong>{DEPLOYMENT_STATUS_TEXT[deployment.status]}</strong>
          {deployment.summary ? ` · ${deployment.summary}` : ''}
          {took && !deployment.summary ? ` · ${took}` : ''}
        </p>
        <p className="muted">
          Started by {deployment.startedBy} at {new Date(deployment.startedAt).toLocaleTimeString()}
        </p>
        <table className="host-progress">
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">Step</th>
              <th scope="col">Where it is</th>
            </tr>
          </thead>
          <tbody>
            {deployment.hosts.map((host) => (
              <tr key={host.host} data-testid={`progress-${host.host}`} data-state={host.state}>
                <th scope="row">{host.host}</th>
                <td>
                  <StepChips host={host} finished={!running} />
                  {host.progress !== null && host.step === 'upload' && (
                    <progress max={1} value={host.progress} aria-label={`Upload to ${host.host}`} />
                  )}
                </td>
                <td className={`host-state-${host.state}`}>
                  {hostStateLine(host)}
                  {host.transfer && (
                    <span className="host-transfer" data-testid={`transfer-${host.host}`}>
                      {describeTransfer(host.transfer)}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="deploy-log" data-testid="deploy-log">
          <LogViewer log={log} tools={tools} label={`${what} log`} />
        </div>
        <footer className="modal-footer">
          {running ? (
            <>
              <span className="muted">Closing this keeps it running.</span>
              <button type="button" onClick={onClose}>
                Hide
              </button>
              <button
                type="button"
                className="danger"
                onClick={onCancel}
                data-testid="deploy-cancel"
              >
                Cancel {what.toLowerCase()}
              </button>
            </>
          ) : (
            <button type="button" className="primary" onClick={onClose} data-testid="deploy-close">
              Close
            </button>
          )}
        </footer>
      </div>
    </DeployModal>
  )
}
