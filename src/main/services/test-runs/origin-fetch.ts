import { DEFAULT_TIMEOUTS } from '../../../shared/timeouts'
import type { ErrorLog } from '../log'
import { runGit } from '../git'

/**
 * Fetches origin (`git fetch --prune origin`) on an interval when the repository has an
 * origin; the ref watcher then sees what moved. A failed fetch is logged and waits for the
 * next interval.
 */
export class OriginFetcher {
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private readonly repo: string,
    private readonly intervalMs: number,
    /** True while fetching should wait (continual testing paused). */
    private readonly paused: () => boolean,
    private readonly log: ErrorLog,
    /** How long one fetch may take (`timeouts.fetchSeconds`). */
    private readonly timeoutMs: number = DEFAULT_TIMEOUTS.fetchSeconds * 1000
  ) {}

  async start(): Promise<void> {
    if (this.intervalMs <= 0 || this.stopped) return
    const remotes = await runGit(this.repo, ['remote'])
    if (!remotes.stdout.split('\n').includes('origin') || this.stopped) return
    this.timer = setInterval(() => void this.fetchOnce(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async fetchOnce(): Promise<void> {
    if (this.paused() || this.stopped) return
    try {
      await runGit(this.repo, ['fetch', '--prune', '--quiet', 'origin'], {
        timeoutMs: this.timeoutMs,
        timeoutSetting: 'timeouts.fetchSeconds',
        network: true
      })
    } catch (e) {
      this.log('tests: fetching origin failed (will retry)', e)
    }
  }
}
