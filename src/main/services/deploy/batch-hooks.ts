import { spawn } from 'node:child_process'
import { DEFAULT_DRAIN_SECONDS, type EnvironmentConfig } from '../../../shared/config-schema'
import { deployTimeouts, timeoutText } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { shellQuote } from '../transport'
import type { ActivationHost } from './activation'

/** Why a batch is being switched: a deploy, a rollback, or putting hosts back after a failure. */
export type BatchPhase = 'deploy' | 'rollback' | 'restore'

/** The two hooks run around each batch. */
export type BatchHookName = 'beforeBatch' | 'afterBatch'

/** One batch, as its hooks see it. */
export interface BatchHookRun {
  readonly workspacePath: string
  readonly env: EnvironmentConfig
  readonly hosts: readonly ActivationHost[]
  /** The release the batch's hosts move to (for a restore: the one they had before). */
  readonly release: string
  readonly phase: BatchPhase
  /** 1-based. */
  readonly batch: number
  readonly batches: number
}

/**
 * How a load balancer names a host: `address:port` (the app's port of slipway.yml), or the
 * address alone when the host has no port. An IPv6 address is bracketed.
 */
export function balancerAddress(host: ActivationHost): string {
  const a = host.target.transport.address
  const address = a.includes(':') ? `[${a}]` : a
  const port = host.target.config.port
  return port === undefined ? address : `${address}:${port}`
}

/** True when the environment has per-batch hooks. */
export function hasBatchHooks(env: EnvironmentConfig): boolean {
  return Boolean(env.hooks?.beforeBatch || env.hooks?.afterBatch)
}

/**
 * The command line of a batch hook, or null when it is not configured: `{hosts}` becomes the
 * batch's addresses (each shell-quoted), and the hook gets SLIPWAY_HOSTS (the same, space
 * separated), SLIPWAY_ENVIRONMENT, SLIPWAY_RELEASE, SLIPWAY_PHASE, SLIPWAY_BATCH and
 * SLIPWAY_BATCHES. Addresses come from slipway.yml's validated host names, never from a host.
 */
export function batchHookCommand(which: BatchHookName, run: BatchHookRun): string | null {
  const hook = run.env.hooks?.[which]
  if (!hook) return null
  const hosts = run.hosts.map(balancerAddress)
  const vars: [string, string][] = [
    ['SLIPWAY_HOSTS', hosts.join(' ')],
    ['SLIPWAY_ENVIRONMENT', run.env.name],
    ['SLIPWAY_RELEASE', run.release],
    ['SLIPWAY_PHASE', run.phase],
    ['SLIPWAY_BATCH', String(run.batch)],
    ['SLIPWAY_BATCHES', String(run.batches)]
  ]
  const script = hook.replaceAll('{hosts}', hosts.map(shellQuote).join(' '))
  return `${vars.map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')} sh -c ${shellQuote(script)}`
}

/**
 * Runs `hooks.beforeBatch` or `hooks.afterBatch` on this machine, in the workspace folder, as
 * the user who deploys: with their environment, because the hook reaches the load balancer (its
 * API, or `ssh` to it) with their credentials, as Capistrano's load-balancer hooks do. That is
 * why these commands are on the trust list. Resolves with the hook's last output line, or null
 * when it is not configured; a non-zero exit, the timeout or a cancel throws ExpectedError
 * saying why (the last stderr line and the exit code), for the caller to name the hook.
 */
export async function runBatchHook(
  which: BatchHookName,
  run: BatchHookRun,
  signal?: AbortSignal
): Promise<string | null> {
  const command = batchHookCommand(which, run)
  if (command === null) return null
  const what = `${which} hook`
  if (signal?.aborted) throw new ExpectedError('cancelled', 'cancelled')
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: run.workspacePath,
      // Its own process group: a timeout or a cancel stops what the hook started too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let ended: 'timeout' | 'cancelled' | null = null
    const kill = (why: 'timeout' | 'cancelled'): void => {
      ended = why
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    // As long as `afterActivate` may run on a host: `timeouts.hookSeconds`.
    const limitMs = deployTimeouts(run.env).hookMs
    const timer = setTimeout(() => kill('timeout'), limitMs)
    const onAbort = (): void => kill('cancelled')
    signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    child.on('error', (e) => {
      done()
      reject(new ExpectedError('deploy-failed', `${what}: could not start /bin/sh: ${e.message}`))
    })
    child.on('close', (code) => {
      done()
      const stderr = Buffer.concat(err).toString('utf8').trim()
      const last = (text: string): string => text.split('\n').pop()?.trim() ?? ''
      if (ended === 'cancelled') reject(new ExpectedError('cancelled', 'cancelled'))
      else if (ended === 'timeout')
        reject(
          new ExpectedError(
            'timeout',
            `did not finish within ${timeoutText(limitMs, 'timeouts.hookSeconds')}`,
            { command, stderr: stderr.slice(-4000), timeoutMs: limitMs }
          )
        )
      else if (code !== 0)
        reject(
          new ExpectedError(
            'deploy-failed',
            stderr ? `${last(stderr)} (exit ${code})` : `exit ${code}`,
            { command, code, stderr: stderr.slice(-4000) }
          )
        )
      else resolve(last(Buffer.concat(out).toString('utf8').trim()))
    })
  })
}

/** The wait after `beforeBatch`, in ms: `hooks.drainSeconds`, default 2 s; 0 without the hook. */
export function drainMs(env: EnvironmentConfig): number {
  if (!env.hooks?.beforeBatch) return 0
  return (env.hooks.drainSeconds ?? DEFAULT_DRAIN_SECONDS) * 1000
}

/** Waits `ms`; resolves false at once when `signal` aborts (a cancel ends the drain). */
export function waitDrain(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal?.aborted)
  if (signal?.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
