import type { ledgerMethods } from '../../shared/contract-ledger'
import type { LedgerDraft } from '../../shared/ledger-models'
import type { Workspace } from '../../shared/models'
import type { DeployRecorder } from '../services/deploy'
import {
  Ledger,
  LedgerDeployRecorder,
  ledgerCsv,
  ledgerJson,
  type LedgerAppended
} from '../services/ledger'
import { checkApprovalEntries } from '../services/promotions'
import { getRelease } from '../services/releases'
import { TeamStateStore } from '../services/team-state'
import { workspaceDataDir } from '../services/workspace'
import type { DeployDomain } from './handlers-deploy'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'

/** The ledger domain: its handlers, and how other domains append to it. */
export interface LedgerDomain {
  readonly handlers: DomainHandlers<keyof typeof ledgerMethods>
  /** Appends one entry to the open workspace's ledger; rejects when it cannot. */
  append(draft: LedgerDraft): Promise<LedgerAppended>
  /**
   * Appends one entry to the open workspace's ledger and never rejects: a failure is logged
   * (with its stack) and announced as `ledger.changed` `append-failed`, and the operation
   * that asked goes on.
   */
  record(draft: LedgerDraft): Promise<void>
  /** The recorder a workspace's deploy service tells of releases, deployments and locks. */
  recorderFor(workspace: Workspace): DeployRecorder
}

/**
 * The ledger of each workspace (`refs/slipway/ledger` of its repository), opened on first use.
 * Deployments go on when another workspace opens, so each workspace's recorder keeps writing
 * to its own repository; closing a workspace (and a one-shot CLI command's end) waits until
 * what was asked to be recorded is written.
 */
export function createLedgerDomain(
  ctx: HandlerContext,
  deploy: () => DeployDomain,
  actor: string
): LedgerDomain {
  const ledgers = new Map<string, Promise<Ledger>>()
  const recorders = new Map<string, LedgerDeployRecorder>()
  const pending = new Set<Promise<unknown>>()

  const ledgerAt = (path: string): Promise<Ledger> => {
    let opening = ledgers.get(path)
    if (!opening) {
      opening = TeamStateStore.open(path).then((store) =>
        Ledger.open(store, { log: (message) => ctx.log(message) })
      )
      ledgers.set(path, opening)
      opening.catch(() => ledgers.delete(path))
    }
    return opening
  }

  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p)
    void p.catch(() => undefined).finally(() => pending.delete(p))
    return p
  }

  const appendAt = (path: string, draft: LedgerDraft): Promise<LedgerAppended> =>
    track(
      ledgerAt(path)
        .then((l) => l.append(draft))
        .then((appended) => {
          ctx.emit({
            event: 'ledger.changed',
            payload: { kind: 'appended', summary: appended.entry.kind }
          })
          return appended
        })
    )

  const failed = (message: string, err: unknown): void => {
    ctx.log(message, err)
    const why = err instanceof Error ? err.message : String(err)
    ctx.emit({
      event: 'ledger.changed',
      payload: { kind: 'append-failed', message: `${message}: ${why}` }
    })
  }

  // Closing the workspace (or the end of a CLI command) waits for the entries asked for.
  const current = perWorkspace(
    ctx.session,
    (workspace) => workspace,
    async () => {
      await Promise.all([...recorders.values()].map((r) => r.idle()))
      await Promise.allSettled([...pending])
    }
  )

  const list = async (filter: Parameters<Ledger['list']>[0]) =>
    (await ledgerAt(current().path)).list(filter)

  return {
    handlers: {
      'ledger.list': async ({ limit, ...filter }) => (await list(filter)).slice(0, limit),
      'ledger.verify': async ({ accept, hosts }) => {
        const workspace = current()
        const ledger = await ledgerAt(workspace.path)
        const environments = workspace.config.environments.map((e) => e.name)
        return ledger.verify({
          ...(accept ? { accept } : {}),
          signatures: (records) =>
            checkApprovalEntries(records, { repo: workspace.path, config: workspace.config }),
          ...(hosts === false
            ? {}
            : {
                hosts: {
                  environments,
                  read: (env) => deploy().service().history(env, 100_000)
                }
              })
        })
      },
      'ledger.export': async ({ format, ...filter }) => {
        const records = (await list(filter)).reverse()
        const text = format === 'csv' ? ledgerCsv(records) : ledgerJson(records)
        return { format, text, entries: records.length }
      }
    },
    append: (draft) => appendAt(current().path, draft),
    record: async (draft) => {
      try {
        await appendAt(current().path, draft)
      } catch (err) {
        failed(`could not record a ${draft.kind} in the ledger`, err)
      }
    },
    recorderFor: (workspace) => {
      const path = workspace.path
      let recorder = recorders.get(path)
      if (!recorder) {
        // Made when a release's tickets are first asked for: a data folder that cannot be made
        // then fails that question (its caller answers []), never as an unhandled rejection.
        recorder = new LedgerDeployRecorder({
          append: (draft) => appendAt(path, draft),
          failed,
          actor,
          ticketsOf: async (id) =>
            (await getRelease(`${await workspaceDataDir(ctx.dataDir, path)}/releases`, id)).tickets
        })
        recorders.set(path, recorder)
      }
      return recorder
    }
  }
}
