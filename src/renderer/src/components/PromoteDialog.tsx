import { DEPLOYMENT_STATUS_TEXT } from '../lib/deploy-labels'
import { useState } from 'react'
import type { Promotion } from '../../../shared/promotion-models'
import { MIN_OVERRIDE_REASON } from '../../../shared/freeze-windows'
import { approveBlockedWhy, type Me } from '../lib/promotion-actions'
import { useBranches, useStores, useWorkspace } from '../stores/hooks'
import { useDeploy } from '../stores/use-deploy'
import { usePromotions } from '../stores/use-team'
import { DeployModal } from './DeployModal'
import { FreezeNotice } from './FreezeNotice'
import { PromotionWithdraw } from './PromotionWithdraw'
import { ReleaseNotesPanel } from './ReleaseNotesPanel'
import { TicketChip } from './TicketChip'

/**
 * Promote: what ships (tickets and commits since what the target runs, reverts marked,
 * unresolved tickets flagged), the promotion's approvals and why any does not count, then
 * Request, Approve or Deploy; every disabled button says why in words.
 */
export function PromoteDialog(): React.JSX.Element | null {
  const { promotions: store } = useStores()
  const dialog = usePromotions((s) => s.dialog)
  const list = usePromotions((s) => s.promotions)
  const pending = usePromotions((s) => s.pending)
  const actionError = usePromotions((s) => s.actionError)
  const result = usePromotions((s) => s.result)
  const withdrawn = usePromotions((s) => s.withdrawn)
  // This clone's git identity (read with the branches, for Mine): who may withdraw, who approved.
  const me: Me = useBranches((s) => (s.mine ? s.mine.email : undefined))
  const status = useDeploy((s) => (dialog ? s.environments[dialog.environment]?.status : undefined))
  const isDemo = useWorkspace((s) => s.workspace?.isDemo ?? false)
  const [reason, setReason] = useState('')
  const [override, setOverride] = useState('')
  const [notes, setNotes] = useState(false)
  if (!dialog) return null
  const { release, environment, preview, previewError } = dialog
  const open =
    list.find((p) => p.release === release && p.to === environment && p.state !== 'ended') ?? null
  const frozen = status?.freeze ?? null
  const overrideShort = frozen !== null && override.trim().length < MIN_OVERRIDE_REASON
  const close = (): void => store.getState().close()
  const ended = result?.kind === 'deployed' ? result : null
  const shown: Promotion | null = ended?.promotion ?? open ?? preview
  const judged = ended?.promotion ?? open
  const approveWhy = open ? approveBlockedWhy(open, me) : null
  const changeTicket = (ended?.promotion ?? open ?? withdrawn)?.changeTicket ?? null

  let action: { label: string; disabledWhy: string | null; run: () => void }
  if (!open) {
    action = {
      label: `Request promotion to ${environment}`,
      disabledWhy: previewError
        ? `It cannot be promoted: ${previewError.message}`
        : !preview
          ? 'Reading what ships…'
          : null,
      run: () => void store.getState().promote({ reason })
    }
  } else if (open.state === 'pending') {
    action = {
      label: `Deploy to ${environment}`,
      disabledWhy: `Waiting for ${open.pending.join('; ')}.`,
      run: () => undefined
    }
  } else {
    action = {
      label: frozen
        ? `Override the freeze and deploy to ${environment}`
        : `Deploy to ${environment}`,
      disabledWhy: overrideShort
        ? `${environment} is frozen until ${frozen?.endsAtLocal} (${frozen?.timeZone}): write why (${MIN_OVERRIDE_REASON} characters or more).`
        : null,
      run: () => void store.getState().promote({ overrideFreeze: override })
    }
  }
  if (pending) action = { ...action, disabledWhy: null }

  return (
    <DeployModal
      title={`Promote ${release} to ${environment}`}
      testId="promote-dialog"
      onClose={close}
      wide
    >
      <div className="modal-body">
        {previewError && !open && (
          <p className="form-error" role="alert" data-testid="promote-refused">
            {previewError.message}
          </p>
        )}
        {shown && <Ships promotion={shown} />}
        {judged && <Approvals promotion={judged} />}
        {changeTicket && (
          <p className="promote-change" data-testid="promote-change-ticket">
            Change ticket <TicketChip ticket={changeTicket} />{' '}
            <span className="muted">
              records what ships, the approvals and the outcome in the tracker
            </span>
          </p>
        )}
        {withdrawn && !open && (
          <p className="muted" role="status" data-testid="promote-withdrawn">
            The promotion of {withdrawn.release} to {withdrawn.to} was{' '}
            {withdrawn.outcome?.summary ?? 'withdrawn'}
            {withdrawn.changeTicket ? `; change ticket ${withdrawn.changeTicket} is closed` : ''}.
            It can be requested again.
          </p>
        )}
        {open && !ended && <PromotionWithdraw promotion={open} me={me} />}
        {status && <FreezeNotice status={status} />}
        {!open && !ended && (
          <label className="field">
            <span>Reason (optional, shown to the approvers)</span>
            <input
              type="text"
              value={reason}
              maxLength={500}
              onChange={(e) => setReason(e.target.value)}
              placeholder="e.g. weekly release"
            />
          </label>
        )}
        {open?.state === 'approved' && frozen && (
          <label className="field">
            <span>Why deploy during the freeze? (required; recorded on every host)</span>
            <input
              type="text"
              value={override}
              maxLength={500}
              onChange={(e) => setOverride(e.target.value)}
              data-testid="promote-override"
            />
          </label>
        )}
        {ended && (
          <p className="muted" role="status" data-testid="promote-outcome">
            {ended.deployment.environment}: {DEPLOYMENT_STATUS_TEXT[ended.deployment.status]}:{' '}
            {ended.deployment.summary}
          </p>
        )}
        {actionError && (
          <p className="form-error" role="alert" data-testid="promote-error">
            {actionError.message}
          </p>
        )}
        {action.disabledWhy && (
          <p className="muted" id="promote-why" data-testid="promote-disabled-why">
            {action.disabledWhy}
          </p>
        )}
        {approveWhy && (
          <p className="muted" id="promote-approve-why" data-testid="promote-approve-why">
            {approveWhy}
          </p>
        )}
        {notes && <ReleaseNotesPanel release={release} />}
        <footer className="modal-footer">
          <button type="button" onClick={() => setNotes((n) => !n)} aria-expanded={notes}>
            {notes ? 'Hide release notes' : 'Release notes…'}
          </button>
          {open && (
            <button
              type="button"
              data-testid="promote-approve"
              disabled={pending !== null || approveWhy !== null}
              aria-describedby={approveWhy ? 'promote-approve-why' : undefined}
              onClick={() => void store.getState().approve(release, environment)}
            >
              {pending === 'approve' ? 'Approving…' : 'Approve'}
            </button>
          )}
          {open?.state === 'pending' && isDemo && (
            <button
              type="button"
              data-testid="promote-approve-as-priya"
              disabled={pending !== null}
              onClick={() => void store.getState().approveAsDemoApprover(release, environment)}
              title="Approves as Priya Nair, the demo's release approver, from her own clone of the demo's origin; she authored none of the demo's commits"
            >
              {pending === 'approve-as'
                ? 'Priya is approving…'
                : 'Approve as Priya (release approver)'}
            </button>
          )}
          <button type="button" onClick={close}>
            Close
          </button>
          {!ended && (
            <button
              type="button"
              className="primary"
              data-testid="promote-start"
              disabled={pending !== null || action.disabledWhy !== null}
              aria-describedby={action.disabledWhy ? 'promote-why' : undefined}
              onClick={action.run}
            >
              {pending === 'promote' ? 'Working…' : action.label}
            </button>
          )}
        </footer>
      </div>
    </DeployModal>
  )
}

/** What ships: tickets (unresolved flagged) and commits (reverts marked). */
function Ships({ promotion }: { readonly promotion: Promotion }): React.JSX.Element {
  const { ships } = promotion
  return (
    <div className="changes" data-testid="promote-ships">
      <p className="changes-note">
        {ships.since
          ? `What ships since ${ships.since}, which ${promotion.to} runs:`
          : `Nothing runs on ${promotion.to} yet: everything in ${promotion.release} ships.`}
      </p>
      {ships.tickets.length > 0 && (
        <ul className="ships-tickets">
          {ships.tickets.map((t) => (
            <li key={t.key}>
              <span className="ticket-chip">{t.key}</span> {t.title ?? ''}
              {!t.resolved && (
                <span className="ships-flag">
                  {t.status ? ` not resolved (${t.status})` : ' not tracked here'}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <ul className="changes-commits">
        {ships.commits.slice(0, 30).map((c) => (
          <li key={c.sha}>
            <code>{c.sha.slice(0, 8)}</code>{' '}
            {c.revert && <strong className="ships-flag">revert </strong>}
            {c.subject} <span className="muted">({c.author.name})</span>
          </li>
        ))}
        {ships.commits.length > 30 && (
          <li className="muted">and {ships.commits.length - 30} more</li>
        )}
      </ul>
    </div>
  )
}

/** The approvals so far, each with whether it counts and why not. */
function Approvals({ promotion }: { readonly promotion: Promotion }): React.JSX.Element {
  return (
    <div className="promote-approvals" data-testid="promote-approvals">
      <p>
        <strong>
          Approvals: {promotion.approved} of {promotion.required}
        </strong>{' '}
        (requested by {promotion.requestedBy.name}
        {promotion.reason ? `: “${promotion.reason}”` : ''})
      </p>
      {promotion.approvals.length === 0 && <p className="muted">No approvals yet.</p>}
      <ul>
        {promotion.approvals.map((a) => (
          <li key={a.id} className={a.valid ? 'approval-ok' : 'approval-bad'}>
            {a.valid ? '✓' : '✕'} {a.by.name} &lt;{a.by.email}&gt;{a.signed ? ', signed' : ''}
            {a.why ? `: does not count: ${a.why}` : ''}
          </li>
        ))}
      </ul>
    </div>
  )
}
