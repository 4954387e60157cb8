import '../styles/deploy.css'
import { assertNever } from '../../../shared/errors'
import { useStores } from '../stores/hooks'
import { useDeploy } from '../stores/use-deploy'
import { DeployDialog } from '../views/DeployDialog'
import { BreakLockDialog } from './BreakLockDialog'
import { DeployProgress } from './DeployProgress'
import { HostKeyPrompt } from './HostKeyPrompt'
import { PassphrasePrompt } from './PassphrasePrompt'
import { HistoryDialog } from './HistoryDialog'
import { RollbackDialog } from './RollbackDialog'

/** The deploy domain's dialogs and prompts, whichever the deploy store says is open. */
export function DeployOverlay(): React.JSX.Element | null {
  const { deploy: store } = useStores()
  const dialog = useDeploy((s) => s.dialog)
  const prompt = useDeploy((s) => s.prompt)
  const pending = useDeploy((s) => s.pending)
  const error = useDeploy((s) => s.error)
  const environments = useDeploy((s) => s.environments)
  const deployments = useDeploy((s) => s.deployments)
  const actions = store.getState()

  // A prompt (host key, passphrase) sits above whatever dialog asked for it.
  if (prompt) {
    switch (prompt.kind) {
      case 'host-key':
        return (
          <HostKeyPrompt
            prompt={prompt}
            pending={pending === 'trust'}
            onAccept={() => void actions.acceptHostKey()}
            onRefuse={() => actions.dismissPrompt()}
          />
        )
      case 'passphrase':
        return (
          <PassphrasePrompt
            prompt={prompt}
            pending={pending === 'passphrase'}
            error={error?.message ?? null}
            onSubmit={(p) => void actions.submitPassphrase(p)}
            onCancel={() => actions.dismissPrompt()}
          />
        )
      default:
        return assertNever(prompt)
    }
  }
  if (!dialog) return null
  const close = (): void => actions.closeDialog()
  switch (dialog.kind) {
    case 'deploy':
      return <DeployDialog environment={dialog.environment} />
    case 'progress': {
      const deployment = deployments.find((d) => d.id === dialog.id)
      if (!deployment) return null
      return (
        <DeployProgress
          deployment={deployment}
          onCancel={() => void actions.cancel(deployment.id)}
          onClose={close}
        />
      )
    }
    case 'rollback':
      return (
        <RollbackDialog
          environment={dialog.environment}
          status={environments[dialog.environment]?.status ?? null}
          {...(dialog.to ? { initial: dialog.to } : {})}
          pending={pending === 'rollback'}
          error={error?.message ?? null}
          onConfirm={(to, reason) => void actions.rollback(dialog.environment, to, reason)}
          onClose={close}
        />
      )
    case 'history':
      return <HistoryDialog environment={dialog.environment} onClose={close} />
    case 'break-lock': {
      const status = environments[dialog.environment]?.status
      const lock = status?.hosts.find((h) => h.lock)?.lock ?? null
      return (
        <BreakLockDialog
          environment={dialog.environment}
          lock={lock}
          pending={pending === 'break-lock'}
          error={error?.message ?? null}
          onConfirm={(reason) => void actions.breakLock(dialog.environment, reason)}
          onClose={close}
        />
      )
    }
    default:
      return assertNever(dialog)
  }
}
