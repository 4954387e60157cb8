import { z } from 'zod'

/**
 * The ledger's entries: one per commit of `refs/slipway/ledger`, each its own kind with its own
 * schema. Every entry carries an `id` (random, kept when history is rewritten, so a rewrite
 * can be matched entry by entry), the time it happened, who did it, the environment and the
 * tickets it concerns (null / empty where none), which the history view filters on.
 */

const Text = z.string().max(2_000)
const Name = z.string().min(1).max(200)
const Tickets = z.array(z.string().max(64)).max(500)

const base = {
  /** Random id of the entry (16 hex digits). */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  /** When it happened, ISO 8601. */
  at: z.iso.datetime({ offset: true }),
  /** Who did it (`user@machine` for deploys, a git identity for team actions). */
  by: Name,
  environment: Name.nullable(),
  tickets: Tickets
}

/** How a deployment or rollback ended, as the engine saw it. */
export const LedgerOutcomeSchema = z.enum(['succeeded', 'failed', 'cancelled', 'rolled-back'])
export type LedgerOutcome = z.output<typeof LedgerOutcomeSchema>

const movement = {
  /** The deployment id (the one hosts write in their `deployments.jsonl`). */
  deployment: Name,
  release: Name,
  /** `started` when the hosts were locked and work began, `finished` with its outcome. */
  phase: z.enum(['started', 'finished']),
  outcome: LedgerOutcomeSchema.nullable(),
  hosts: z.array(Name).max(1_000),
  reason: Text.nullable(),
  summary: Text
}

/** Every entry kind's schema, by kind. */
export const LedgerEntrySchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...base,
      kind: z.literal('release'),
      release: Name,
      commit: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      previous: Name.nullable()
    })
    .strict(),
  z.object({ ...base, kind: z.literal('deployment'), ...movement }).strict(),
  z.object({ ...base, kind: z.literal('rollback'), ...movement }).strict(),
  z
    .object({
      ...base,
      kind: z.literal('promotion'),
      /** The promotion's id (its team-state entity). */
      promotion: Name,
      release: Name,
      /** The environment it is promoted from (`promoteFrom`). */
      from: Name,
      /** What happened to the promotion: requested, deployed, refused, … */
      state: Name,
      outcome: LedgerOutcomeSchema.nullable(),
      reason: Text.nullable()
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('approval'),
      promotion: Name,
      release: Name,
      /** The SSH signature (armored `ssh-keygen -Y sign` output) when approvals are signed. */
      signature: z.string().max(10_000).nullable(),
      /** What was signed, when signed. */
      signedText: z.string().max(10_000).nullable(),
      /**
       * The commit the promotion names (its release's): the allowed-signers file a signature is
       * verified against is the one committed there. Absent in entries written before it was.
       */
      commit: z
        .string()
        .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/)
        .optional()
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('override'),
      /** What was overridden (`freeze`). */
      rule: Name,
      /** The freeze window, as written in slipway.yml. */
      window: Text.nullable(),
      release: Name.nullable(),
      reason: Text
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('lock'),
      deployment: Name,
      hosts: z.array(Name).max(1_000),
      reason: Text.nullable()
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal('lock-break'),
      hosts: z.array(Name).max(1_000),
      /** Who held the broken lock, since when, and why. */
      holder: Text,
      since: Text.nullable(),
      heldFor: Text.nullable(),
      reason: Text
    })
    .strict()
])
export type LedgerEntry = z.output<typeof LedgerEntrySchema>
/** An entry's kind. */
export type LedgerKind = LedgerEntry['kind']

/** Every kind, in the order the history view lists them. */
export const LEDGER_KINDS = [
  'release',
  'deployment',
  'rollback',
  'promotion',
  'approval',
  'override',
  'lock',
  'lock-break'
] as const satisfies readonly LedgerKind[]

type Drafted<E> = E extends unknown
  ? Omit<E, 'id' | 'at' | 'tickets' | 'environment'> &
      Partial<Pick<LedgerEntry, 'at' | 'tickets' | 'environment'>>
  : never
/** What a caller appends: the entry without its id (`at` defaults to now, tickets to none). */
export type LedgerDraft = Drafted<LedgerEntry>

/** One entry as read back: the entry, its commit and its place in the ledger. */
export const LedgerRecordSchema = z.object({
  /** 1-based, in the ledger's one order (Lamport clock, then commit id). */
  position: z.number().int().positive(),
  commit: z.string(),
  /** The commit's author (the git identity of the clone that appended it). */
  author: z.object({ name: z.string(), email: z.string() }),
  entry: LedgerEntrySchema
})
export type LedgerRecord = z.output<typeof LedgerRecordSchema>

/** Filters of the history (every one optional, combined with "and"). */
export const LedgerFilterSchema = z
  .object({
    environment: z.string().max(200).optional(),
    ticket: z.string().max(64).optional(),
    /** Matches `by`, the commit author's name or email (case-insensitive, a part is enough). */
    person: z.string().max(200).optional(),
    outcome: LedgerOutcomeSchema.optional(),
    kind: z.array(z.enum(LEDGER_KINDS)).optional()
  })
  .strict()
export type LedgerFilter = z.output<typeof LedgerFilterSchema>

/** One thing `ledger verify` found wrong. */
export const LedgerFindingSchema = z.discriminatedUnion('kind', [
  /**
   * A commit of the chain that is not a valid entry (bad JSON, schema, clock, a missing parent),
   * or an approval whose signature does not verify (see the promotions' approval-entries.ts).
   */
  z.object({
    kind: z.literal('bad-entry'),
    position: z.number().int().nullable(),
    commit: z.string(),
    reason: z.string()
  }),
  /** The ledger no longer contains the tip this clone verified last: history was rewritten. */
  z.object({
    kind: z.literal('rewritten-history'),
    verifiedTip: z.string(),
    verifiedAt: z.string(),
    tip: z.string().nullable()
  }),
  /** An entry that was in the verified ledger and is gone. */
  z.object({
    kind: z.literal('entry-disappeared'),
    position: z.number().int(),
    id: z.string(),
    summary: z.string()
  }),
  /** An entry whose content changed (same id, other content), at its position. */
  z.object({
    kind: z.literal('entry-rewritten'),
    position: z.number().int(),
    id: z.string(),
    was: z.string(),
    now: z.string()
  }),
  /** A recorded deployment that a reachable host's log does not confirm. */
  z.object({
    kind: z.literal('host-mismatch'),
    position: z.number().int(),
    environment: z.string(),
    deployment: z.string(),
    reason: z.string()
  })
])
export type LedgerFinding = z.output<typeof LedgerFindingSchema>

/** What `ledger verify` answers. */
export const LedgerVerifySchema = z.object({
  ok: z.boolean(),
  tip: z.string().nullable(),
  entries: z.number().int(),
  findings: z.array(LedgerFindingSchema),
  /** Deployments compared with their hosts' logs, and hosts that could not be read. */
  hosts: z.object({
    checked: z.number().int(),
    unreadable: z.array(z.object({ environment: z.string(), host: z.string(), error: z.string() })),
    /** Deployments the hosts logged that the ledger does not hold (before it existed, say). */
    unrecorded: z.array(z.object({ environment: z.string(), deployment: z.string() }))
  }),
  /** The tip this clone had verified before, and whether this run moved the baseline. */
  previous: z.object({ tip: z.string(), at: z.string() }).nullable(),
  remembered: z.boolean()
})
export type LedgerVerifyReport = z.output<typeof LedgerVerifySchema>
