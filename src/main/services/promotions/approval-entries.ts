/**
 * Verifies the approvals a ledger holds, as `slipway ledger verify` does: each signed approval's
 * signature must verify (`ssh-keygen -Y verify`) as its approver's against the allowed-signers
 * file committed at the commit its promotion names, over a text that names this very approval's
 * promotion, release and environment; an approval of an environment whose slipway.yml (at that
 * commit) requires signed approvals must be signed. Every finding names the entry's position.
 */
import type { SlipwayConfig } from '../../../shared/config-schema'
import type { LedgerFinding, LedgerRecord } from '../../../shared/ledger-models'
import { runGit } from '../git'
import { CONFIG_FILE_NAMES, parseConfigText } from '../workspace'
import { approvalRules } from './approvals'
import { parseApprovalPayload } from './promotion-fold'
import { verifyPayload } from './ssh-signature'

/** What checking approval entries needs. */
export interface ApprovalEntryOptions {
  readonly repo: string
  /** The workspace's config now: used where slipway.yml at the promotion's commit is unreadable. */
  readonly config: SlipwayConfig
}

type ApprovalRecord = LedgerRecord & { entry: Extract<LedgerRecord['entry'], { kind: 'approval' }> }

/** The approval entries of `records` that do not verify, each with its position and why. */
export async function checkApprovalEntries(
  records: readonly LedgerRecord[],
  options: ApprovalEntryOptions
): Promise<LedgerFinding[]> {
  const built = new Map<string, string>()
  for (const r of records)
    if (r.entry.kind === 'release') built.set(r.entry.release, r.entry.commit)
  const findings: LedgerFinding[] = []
  for (const r of records) {
    if (r.entry.kind !== 'approval') continue
    const why = await checkOne(r as ApprovalRecord, built, options)
    if (why) {
      findings.push({
        kind: 'bad-entry',
        position: r.position,
        commit: r.commit,
        reason: `the approval by ${r.entry.by} does not verify: ${why}`
      })
    }
  }
  return findings
}

async function checkOne(
  r: ApprovalRecord,
  built: ReadonlyMap<string, string>,
  options: ApprovalEntryOptions
): Promise<string | null> {
  const e = r.entry
  const fromRelease = built.get(e.release) ?? null
  if (e.commit && fromRelease && e.commit !== fromRelease) {
    return `the approval names commit ${e.commit.slice(0, 12)}, but the ledger recorded release ${e.release} as built from ${fromRelease.slice(0, 12)}`
  }
  const commit = e.commit ?? fromRelease
  const rules = approvalRules(
    (commit ? await configAt(options.repo, commit) : null)?.environments.find(
      (env) => env.name === e.environment
    ) ?? options.config.environments.find((env) => env.name === e.environment)
  )
  if (e.signature === null) {
    return rules.signed
      ? `not signed, but approvals of ${e.environment ?? 'its environment'} must carry an SSH signature (approvals.signed)`
      : null
  }
  if (e.signedText === null) return 'signed, but the entry does not hold the text that was signed'
  const said = parseApprovalPayload(e.signedText)
  if (!said) return 'the signed text is not a Slipway promotion approval'
  if (said.promotion !== e.promotion || said.release !== e.release || said.to !== e.environment) {
    return `the signature is over the approval of promotion ${said.promotion} (${said.release} to ${said.to}), not of this entry's promotion ${e.promotion} (${e.release} to ${e.environment ?? 'no environment'})`
  }
  if (!commit) {
    return `no commit to verify against: neither the entry nor a release entry of the ledger names the commit of ${e.release}`
  }
  const source = `${rules.allowedSigners} at ${commit.slice(0, 12)}`
  const signers = await blobAt(options.repo, commit, rules.allowedSigners)
  if (signers === null) {
    return `no allowed-signers file: ${rules.allowedSigners} is not in commit ${commit.slice(0, 12)} (or that commit is not in this clone)`
  }
  const verdict = await verifyPayload({
    allowedSigners: signers,
    source,
    principal: e.by,
    payload: e.signedText,
    signature: e.signature
  })
  return verdict.ok ? null : verdict.why
}

/** A file's text at `commit` (a hex id), or null when it is not there. */
async function blobAt(repo: string, commit: string, path: string): Promise<string | null> {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return null
  const out = await runGit(repo, ['cat-file', 'blob', `${commit}:${path}`], {
    okExitCodes: [0, 128]
  })
  return out.exitCode === 0 ? out.stdout : null
}

/** slipway.yml as committed at `commit`, or null when absent or invalid. */
async function configAt(repo: string, commit: string): Promise<SlipwayConfig | null> {
  for (const name of CONFIG_FILE_NAMES) {
    const text = await blobAt(repo, commit, name)
    if (text !== null) return parseConfigText(text, name).config
  }
  return null
}
