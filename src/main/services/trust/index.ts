import type { Workspace } from '../../../shared/models'
import type { TrustStatus } from '../../../shared/trust-models'
import { ExpectedError } from '../errors'
import { commandsDiff, commandsFingerprint, configuredCommands } from './commands'
import { TrustStore } from './trust-store'

export { commandsDiff, commandsFingerprint, configuredCommands } from './commands'
export { TrustStore, type TrustRecord } from './trust-store'

/**
 * Workspace trust: a workspace whose slipway.yml has commands runs none of them until the
 * user has seen them and said yes; the answer is remembered per repository for exactly those
 * commands, so a change shows them again, as a diff. The demo is trusted by construction.
 */
export class TrustService {
  private readonly store: TrustStore

  constructor(dataDir: string) {
    this.store = new TrustStore(dataDir)
  }

  /** The trust state of `workspace` with its commands (and their diff when they changed). */
  async status(workspace: Workspace): Promise<TrustStatus> {
    const commands = configuredCommands(workspace.config)
    const fingerprint = commandsFingerprint(commands)
    const base = { workspacePath: workspace.path, commands, fingerprint }
    if (workspace.isDemo || commands.length === 0) return { ...base, state: 'not-needed', diff: [] }
    const record = await this.store.get(workspace.path)
    if (!record) return { ...base, state: 'untrusted', diff: [] }
    if (record.fingerprint === fingerprint) return { ...base, state: 'trusted', diff: [] }
    return { ...base, state: 'changed', diff: commandsDiff(record.commands, commands) }
  }

  /**
   * Trusts the commands of `workspace` the user was shown: `fingerprint` must be the one of
   * its commands now, so a slipway.yml changed in between is not trusted unseen.
   */
  async grant(workspace: Workspace, fingerprint: string): Promise<TrustStatus> {
    const now = await this.status(workspace)
    if (now.fingerprint !== fingerprint) {
      throw new ExpectedError(
        'conflict',
        'the commands in slipway.yml changed since they were shown; look at them again',
        { workspace: workspace.path }
      )
    }
    if (now.state === 'not-needed' || now.state === 'trusted') return now
    await this.store.set(workspace.path, fingerprint, now.commands)
    return { ...now, state: 'trusted', diff: [] }
  }

  /** Throws `ExpectedError('untrusted')` unless the workspace's commands may run. */
  async require(workspace: Workspace, what: string): Promise<void> {
    const s = await this.status(workspace)
    if (s.state === 'trusted' || s.state === 'not-needed') return
    throw new ExpectedError(
      'untrusted',
      s.state === 'changed'
        ? `the commands in slipway.yml changed since you trusted them; review them before ${what}`
        : `this workspace is not trusted yet: review the commands in slipway.yml before ${what}`,
      { workspace: workspace.path, state: s.state }
    )
  }
}
