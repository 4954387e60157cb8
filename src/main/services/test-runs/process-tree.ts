import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** How long a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000

/** How a command run by {@link runInProcessGroup} ended. */
export type CommandEnd =
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'killed'; readonly reason: 'timeout' | 'cancel'; readonly signal: string }
  | { readonly kind: 'spawn-failed'; readonly message: string }

/** Options for {@link runInProcessGroup}. */
export interface CommandOptions {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /**
   * Every chunk of stdout and stderr, in arrival order. Answering a promise pauses reading
   * that stream until it settles (the log file is behind), so a chatty command waits on a full
   * pipe instead of filling memory.
   */
  readonly onOutput: (chunk: Buffer) => void | Promise<void>
  /** Kill the whole tree after this long (ms); 0 or absent = never. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** A command line the shell runs under (a sandbox such as `bwrap … --`); default none. */
  readonly wrap?: readonly string[]
  /** Told the process group's id once the command has started (to record it, e.g. in a state file). */
  readonly onSpawn?: (pgid: number) => void
}

/**
 * Runs `sh -c <command>` as the leader of its own process group, so that a timeout or a cancel
 * kills the whole tree (SIGTERM to the group, SIGKILL after {@link KILL_GRACE_MS}); when the
 * shell exits by itself, anything it left running in the background is killed too, so no
 * orphan outlives the run. The command text is the project's configured command; untrusted
 * values (branch names) belong in `env`, never in it.
 */
export function runInProcessGroup(command: string, options: CommandOptions): Promise<CommandEnd> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ kind: 'killed', reason: 'cancel', signal: 'none' })
      return
    }
    const [file, ...prefix] = [...(options.wrap ?? []), 'sh']
    const child = spawn(file as string, [...prefix, '-c', command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let killedFor: 'timeout' | 'cancel' | null = null
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null
    let openStreams = 2
    let settled = false
    let killTimer: NodeJS.Timeout | null = null
    let closeTimer: NodeJS.Timeout | null = null
    const pgid = child.pid
    if (pgid !== undefined) options.onSpawn?.(pgid)

    const finish = (end: CommandEnd): void => {
      if (settled) return
      settled = true
      if (timeoutTimer) clearTimeout(timeoutTimer)
      if (killTimer) clearTimeout(killTimer)
      if (closeTimer) clearTimeout(closeTimer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve(end)
    }
    const maybeFinish = (): void => {
      if (!exit || openStreams > 0) return
      if (killedFor) {
        finish({ kind: 'killed', reason: killedFor, signal: exit.signal ?? 'exit' })
      } else {
        finish({ kind: 'exited', exitCode: exit.code ?? 128 })
      }
    }
    const killTree = (reason: 'timeout' | 'cancel'): void => {
      if (killedFor || settled || pgid === undefined) return
      killedFor = reason
      signalGroup(pgid, 'SIGTERM')
      killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), KILL_GRACE_MS)
    }
    const onAbort = (): void => killTree('cancel')
    options.signal?.addEventListener('abort', onAbort)
    const timeoutTimer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => killTree('timeout'), options.timeoutMs)
        : null

    child.on('error', (e) => finish({ kind: 'spawn-failed', message: e.message }))
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (b: Buffer) => {
        const wait = options.onOutput(b)
        if (!wait) return
        stream.pause()
        void wait.finally(() => stream.resume())
      })
      stream.on('close', () => {
        openStreams -= 1
        maybeFinish()
      })
    }
    child.on('exit', (code, signal) => {
      exit = { code, signal }
      // The shell is gone; background children it left would hold the pipes open (and live
      // on as orphans): end the group now. A child that left the group (setsid) can still hold
      // a pipe, so stop waiting for the pipes after a grace period.
      if (pgid !== undefined) signalGroup(pgid, 'SIGKILL')
      closeTimer = setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
        openStreams = 0
        maybeFinish()
      }, KILL_GRACE_MS)
      maybeFinish()
    })
  })
}

/** Sends `signal` to every process of the group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/** True when `pid` is a live process (zombies waiting to be reaped count as dead). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return true
  }
}
