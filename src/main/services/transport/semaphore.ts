/** Bounds how many operations run at once (here: channels on one SSH connection). */
export class Semaphore {
  private available: number
  private readonly waiting: (() => void)[] = []

  constructor(readonly size: number) {
    this.available = size
  }

  /** Runs `task` when a slot is free, releasing the slot however it ends. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.available > 0) this.available -= 1
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.available += 1
    }
  }
}
