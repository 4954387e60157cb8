import { CircleCheck, CircleX } from 'lucide-react'
import { describeFinding, verifyHeadline, verifyNotes } from '../lib/ledger-text'
import { formatAbsolute } from '../lib/format'
import { useLedger } from '../stores/use-team'

/** What the ledger view's Verify found, in words: the verdict, each problem, what else to know. */
export function LedgerVerifyResult(): React.JSX.Element | null {
  const verify = useLedger((s) => s.verify)
  switch (verify.kind) {
    case 'idle':
      return null
    case 'running':
      return (
        <p className="muted" role="status" data-testid="ledger-verify-result">
          Verifying the chain, every entry and the hosts&apos; logs…
        </p>
      )
    case 'failed':
      return (
        <p className="form-error" role="alert" data-testid="ledger-verify-result">
          Could not verify the ledger: {verify.error.message}
        </p>
      )
    case 'done': {
      const { report } = verify
      const notes = verifyNotes(report)
      const Icon = report.ok ? CircleCheck : CircleX
      return (
        <div
          className={report.ok ? 'ledger-verify verify-ok' : 'ledger-verify verify-bad'}
          role={report.ok ? 'status' : 'alert'}
          data-testid="ledger-verify-result"
          data-ok={report.ok}
        >
          <p className="ledger-verify-headline">
            <Icon size={16} aria-hidden="true" />
            {verifyHeadline(report)}
          </p>
          {report.findings.length > 0 && (
            <ul className="ledger-findings" data-testid="ledger-findings">
              {report.findings.map((f, i) => (
                <li key={i}>{describeFinding(f)}</li>
              ))}
            </ul>
          )}
          {notes.map((n) => (
            <p key={n} className="muted">
              {n}
            </p>
          ))}
          {report.previous && (
            <p className="muted">
              Last verified here {formatAbsolute(report.previous.at)}
              {report.remembered ? '; this result is the new baseline.' : '.'}
            </p>
          )}
        </div>
      )
    }
  }
}
