// Deterministic fault injection for deploy tests: a Transport wrapper that recognises the
// engine's step from the command it issues (or the upload it starts) and fires the fault at
// that exact moment, before the command reaches the host (or, for the health check, which
// this machine makes itself, right after the hook that starts the app has answered).
import type { ExecOptions, ExecResult, Transport, UploadOptions } from '../services/transport'

/** The deploy steps a fault can hit. */
export const FAULT_STEPS = [
  'preflight',
  'lock',
  'upload',
  'unpack',
  'switch+hook',
  'health'
] as const
/** One of {@link FAULT_STEPS}. */
export type FaultStep = (typeof FAULT_STEPS)[number]

/** What the engine is doing on a host, read from a command line it sends. */
export type EngineAction = 'read-host' | 'lock' | 'unpack' | 'switch' | 'hook' | 'unlock' | 'other'

/** Which engine action a command line is (the engine's own constant script text). */
export function actionOf(command: string): EngineAction {
  if (command.includes('echo @@current;')) return 'read-host'
  if (command.includes('set -C;') && command.includes('/.slipway/lock')) return 'lock'
  if (command.includes('tar -xzf') && command.includes('.tmp')) return 'unpack'
  if (command.includes('current.slipway-tmp')) return 'switch'
  if (command.includes('SLIPWAY_RELEASE=') && command.includes(' sh -c ')) return 'hook'
  if (command.includes('/.slipway/lock') && command.includes('rm -f')) return 'unlock'
  return 'other'
}

/**
 * Wraps `inner` so `fire` runs once, when the engine reaches `step` for `release`: before the
 * step's command (or upload) is sent; for 'health', after the release's hook has answered.
 * The fault then acts on the real host (kill, SIGSTOP, disk, modes), and the command goes on
 * to meet it.
 */
export function withFaultAt(
  inner: Transport,
  step: FaultStep,
  release: string,
  fire: () => void | Promise<void>
): Transport {
  let fired = false
  const once = async (): Promise<void> => {
    if (fired) return
    fired = true
    await fire()
  }
  const forRelease = (command: string): boolean => command.includes(release)
  return {
    kind: inner.kind,
    label: inner.label,
    address: inner.address,
    basePath: inner.basePath,
    get bytesSent() {
      return inner.bytesSent
    },
    async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
      const action = actionOf(command)
      const before =
        (step === 'preflight' && action === 'read-host') ||
        (step === 'lock' && action === 'lock') ||
        (step === 'unpack' && action === 'unpack' && forRelease(command)) ||
        (step === 'switch+hook' && action === 'switch' && forRelease(command))
      if (before) await once()
      const result = await inner.exec(command, options)
      if (step === 'health' && action === 'hook' && forRelease(command)) await once()
      return result
    },
    async upload(localPath: string, remotePath: string, options?: UploadOptions): Promise<void> {
      if (step === 'upload' && remotePath.includes(release)) await once()
      return inner.upload(localPath, remotePath, options)
    },
    close: () => inner.close()
  }
}
