import { createStore, type StoreApi } from 'zustand'
import type { Deployment, EnvironmentStatus } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import { browserNotifier, type Notifier } from '../lib/notify'
import type { UiError } from './workspace-store'
import { DEPLOYMENT_STATUS_TEXT } from '../lib/deploy-labels'
import { promptFor, type DeployPrompt } from './deploy-prompt'
import type { HostKeyCheck } from './host-key-check'

export { promptFor, type DeployPrompt }

/** One environment as this window last read it. */
export interface EnvironmentReading {
  readonly status: EnvironmentStatus | null
  readonly loading: boolean
  readonly error: UiError | null
  /** What "Check host keys…" last found on its hosts (absent until asked). */
  readonly keyCheck?: HostKeyCheck
}

/** Which dialog of the deploy domain is open. */
export type DeployDialog =
  | { readonly kind: 'deploy'; readonly environment: string }
  | { readonly kind: 'rollback'; readonly environment: string; readonly to?: string }
  | { readonly kind: 'history'; readonly environment: string }
  | { readonly kind: 'break-lock'; readonly environment: string }
  | { readonly kind: 'progress'; readonly id: string }

/** Which deploy request is in flight. */
export type DeployPending = 'deploy' | 'rollback' | 'break-lock' | 'trust' | 'passphrase' | null

/** Environments' status, this session's deployments, and the dialogs around them. */
export interface DeployState {
  readonly environments: Readonly<Record<string, EnvironmentReading>>
  /** Newest first. */
  readonly deployments: readonly Deployment[]
  readonly dialog: DeployDialog | null
  readonly prompt: DeployPrompt | null
  readonly pending: DeployPending
  readonly error: UiError | null
}

/** What the UI and the event subscriptions may do with deployments. */
export interface DeployActions {
  loadStatus(environment: string): Promise<void>
  /** An `environments.changed` event. */
  statusChanged(environment: string, status: EnvironmentStatus | null): void
  loadDeployments(): Promise<void>
  /** A `deployments.changed` event. */
  deploymentChanged(deployment: Deployment): void
  openDeploy(environment: string): void
  /** Opens the rollback dialog, with `to` chosen when given (from the history). */
  openRollback(environment: string, to?: string): void
  openHistory(environment: string): void
  openBreakLock(environment: string): void
  showProgress(id: string): void
  closeDialog(): void
  /** Starts a deployment; true when it started (the progress dialog opens). */
  /** Starts a deployment; `overrideFreeze` is the written reason for deploying inside a freeze. */
  deploy(
    release: string,
    environment: string,
    reason?: string,
    overrideFreeze?: string
  ): Promise<boolean>
  rollback(environment: string, to?: string, reason?: string): Promise<boolean>
  cancel(id: string): Promise<void>
  breakLock(environment: string, reason: string): Promise<boolean>
  /**
   * Connects to each SSH host of an environment: the first unknown key is asked about (and the
   * next after it), a changed one is reported; then the environment is read again.
   */
  checkHostKeys(environment: string): Promise<void>
  /** Trusts the host key of the open prompt and retries what asked for it. */
  acceptHostKey(): Promise<void>
  /** Keeps the passphrase in the backend's memory and retries what asked for it. */
  submitPassphrase(passphrase: string): Promise<void>
  dismissPrompt(): void
  dismissError(): void
  reset(): void
}

/** The deploy store's full shape. */
export type DeployStore = DeployState & DeployActions

/** Defaults: nothing read yet. */
export const DEPLOY_DEFAULTS: DeployState = {
  environments: {},
  deployments: [],
  dialog: null,
  prompt: null,
  pending: null,
  error: null
}

/** Options of {@link createDeployStore}. */
export interface DeployStoreOptions {
  /** Desktop notifications; default the browser's (also in Electron's renderer). */
  readonly notifier?: Notifier
}

const EMPTY_READING: EnvironmentReading = { status: null, loading: false, error: null }

/** True when a deployment has ended (whatever the outcome). */
export function isFinished(deployment: Deployment): boolean {
  return deployment.status !== 'running'
}

/** Creates the deploy store over an API client (a fake one in tests). */
export function createDeployStore(
  client: ApiClient,
  options: DeployStoreOptions = {}
): StoreApi<DeployStore> {
  const notifier = options.notifier ?? browserNotifier()
  // What to run again once the user answered a prompt (trusted a key, gave a passphrase). A
  // call that ends clears it only when it is its own: another lane's check may have set it since.
  let retry: (() => Promise<boolean>) | null = null
  // Deployments seen running here: only their endings are worth a notification.
  const watched = new Set<string>()
  // Bumped by reset(), so answers for a closed workspace are dropped.
  let generation = 0

  return createStore<DeployStore>()((set, get) => {
    const reading = (environment: string): EnvironmentReading =>
      get().environments[environment] ?? EMPTY_READING
    const setReading = (environment: string, patch: Partial<EnvironmentReading>): void =>
      set((s) => ({
        environments: {
          ...s.environments,
          [environment]: { ...(s.environments[environment] ?? EMPTY_READING), ...patch }
        }
      }))
    /**
     * Merges a snapshot by version, never by arrival order: the answer of deployments.start
     * can arrive after the events that already finished it. Answers the snapshot kept.
     */
    const upsert = (deployment: Deployment): Deployment => {
      const known = get().deployments.find((d) => d.id === deployment.id)
      if (known && known.version > deployment.version) return known
      set((s) => ({
        deployments: [deployment, ...s.deployments.filter((d) => d.id !== deployment.id)]
      }))
      return deployment
    }

    /** Runs a call that may need a prompt first; true when it went through. */
    const guarded = async (
      pending: Exclude<DeployPending, null>,
      attempt: () => Promise<void>
    ): Promise<boolean> => {
      const run = async (): Promise<boolean> => {
        set({ pending, error: null })
        try {
          await attempt()
          set({ pending: null })
          if (retry === run) retry = null
          return true
        } catch (error) {
          const prompt = promptFor(error)
          if (prompt) {
            retry = run
            set({ pending: null, prompt })
          } else {
            if (retry === run) retry = null
            set({ pending: null, error: describeError(error) })
          }
          return false
        }
      }
      return run()
    }

    const started = (deployment: Deployment): void => {
      // Watched for its ending, unless events already told that it ended.
      if (!isFinished(upsert(deployment))) watched.add(deployment.id)
      set({ dialog: { kind: 'progress', id: deployment.id } })
      notifier.requestPermission()
    }

    return {
      ...DEPLOY_DEFAULTS,

      async loadStatus(environment) {
        if (reading(environment).loading) return
        const at = generation
        setReading(environment, { loading: true })
        try {
          const status = await client.call('environments.status', { environment })
          if (at === generation) setReading(environment, { status, loading: false, error: null })
        } catch (error) {
          if (at === generation) {
            setReading(environment, { loading: false, error: describeError(error) })
          }
        }
      },

      statusChanged(environment, status) {
        if (status) setReading(environment, { status, error: null })
        else void get().loadStatus(environment)
      },

      async loadDeployments() {
        try {
          const deployments = await client.call('deployments.list', {})
          // Events may have brought newer snapshots while the list was on its way.
          const known = new Map(get().deployments.map((d) => [d.id, d]))
          const merged = deployments.map((d) => {
            const k = known.get(d.id)
            return k && k.version > d.version ? k : d
          })
          for (const d of merged) if (!isFinished(d)) watched.add(d.id)
          set({ deployments: merged })
        } catch (error) {
          set({ error: describeError(error) })
        }
      },

      deploymentChanged(incoming) {
        const before = get().deployments.find((d) => d.id === incoming.id)
        const deployment = upsert(incoming)
        if (!isFinished(deployment)) {
          watched.add(deployment.id)
          return
        }
        if (watched.delete(deployment.id) && (!before || !isFinished(before))) {
          const what = deployment.kind === 'rollback' ? 'Rollback' : 'Deployment'
          const title =
            deployment.status === 'succeeded'
              ? `${what} to ${deployment.environment} succeeded`
              : `${what} to ${deployment.environment} ${DEPLOYMENT_STATUS_TEXT[deployment.status]}`
          notifier.notify(title, deployment.summary || deployment.release)
        }
      },

      openDeploy(environment) {
        set({ dialog: { kind: 'deploy', environment }, error: null })
      },
      openRollback(environment, to) {
        set({ dialog: { kind: 'rollback', environment, ...(to ? { to } : {}) }, error: null })
      },
      openHistory(environment) {
        set({ dialog: { kind: 'history', environment }, error: null })
      },
      openBreakLock(environment) {
        set({ dialog: { kind: 'break-lock', environment }, error: null })
      },
      showProgress(id) {
        set({ dialog: { kind: 'progress', id } })
      },
      closeDialog() {
        set({ dialog: null, error: null })
      },

      deploy(release, environment, reason, overrideFreeze) {
        return guarded('deploy', async () => {
          const trimmed = reason?.trim()
          const override = overrideFreeze?.trim()
          const deployment = await client.call('deployments.start', {
            release,
            environment,
            ...(trimmed ? { reason: trimmed } : {}),
            ...(override ? { overrideFreeze: override } : {})
          })
          started(deployment)
        })
      },

      rollback(environment, to, reason) {
        return guarded('rollback', async () => {
          const deployment = await client.call('environments.rollback', {
            environment,
            ...(to ? { to } : {}),
            ...(reason?.trim() ? { reason: reason.trim() } : {})
          })
          started(deployment)
        })
      },

      async cancel(id) {
        try {
          upsert(await client.call('deployments.cancel', { id }))
        } catch (error) {
          set({ error: describeError(error) })
        }
      },

      async breakLock(environment, reason) {
        const ok = await guarded('break-lock', async () => {
          await client.call('environments.breakLock', { environment, reason })
        })
        if (ok) {
          set({ dialog: null })
          void get().loadStatus(environment)
        }
        return ok
      },

      async checkHostKeys(environment) {
        const check = async (): Promise<boolean> => {
          set({ pending: 'trust', error: null })
          setReading(environment, { keyCheck: { state: 'checking', hosts: [], error: null } })
          try {
            const scans = await client.call('hosts.scan', { environment })
            set({ pending: null })
            setReading(environment, { keyCheck: { state: 'done', hosts: scans, error: null } })
            const changed = scans.find((s) => s.state === 'changed')
            const unknown = scans.find((s) => s.state === 'unknown')
            const asked = changed ?? unknown
            if (asked && asked.key && asked.keyType && asked.fingerprint) {
              retry = check
              set({
                prompt: {
                  kind: 'host-key',
                  changed: asked.state === 'changed',
                  host: asked.address,
                  port: asked.port,
                  keyType: asked.keyType,
                  key: asked.key,
                  fingerprint: asked.fingerprint,
                  message: asked.message
                }
              })
              return false
            }
            if (retry === check) retry = null
            void get().loadStatus(environment)
            return true
          } catch (error) {
            const failure = describeError(error)
            set({ pending: null })
            setReading(environment, { keyCheck: { state: 'failed', hosts: [], error: failure } })
            return false
          }
        }
        await check()
      },

      async acceptHostKey() {
        const prompt = get().prompt
        if (prompt?.kind !== 'host-key' || prompt.changed) return
        set({ pending: 'trust', error: null })
        try {
          await client.call('hosts.trustKey', {
            host: prompt.host,
            port: prompt.port,
            keyType: prompt.keyType,
            key: prompt.key
          })
        } catch (error) {
          set({ pending: null, error: describeError(error) })
          return
        }
        set({ prompt: null, pending: null })
        const again = retry
        retry = null
        if (again) await again()
      },

      async submitPassphrase(passphrase) {
        const prompt = get().prompt
        if (prompt?.kind !== 'passphrase' || passphrase === '') return
        set({ pending: 'passphrase', error: null })
        try {
          await client.call('credentials.setPassphrase', { keyFile: prompt.keyFile, passphrase })
        } catch (error) {
          set({ pending: null, error: describeError(error) })
          return
        }
        set({ prompt: null, pending: null })
        const again = retry
        retry = null
        if (again) await again()
      },

      dismissPrompt() {
        retry = null
        set({ prompt: null })
      },

      dismissError() {
        set({ error: null })
      },

      reset() {
        generation++
        retry = null
        watched.clear()
        set(DEPLOY_DEFAULTS)
      }
    }
  })
}
