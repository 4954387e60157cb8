// `GET /api/diagnostics`: how much this serve process holds, for the soak benchmark
// (`npm run bench:soak`) and for anyone wondering why serve grew. Read-only, and answered only
// to the full role, which only a client on this machine gets (never a viewer, whatever --host says).

/** What `GET /api/diagnostics` answers. */
export interface Diagnostics {
  readonly pid: number
  readonly rssBytes: number
  readonly heapUsedBytes: number
  readonly heapTotalBytes: number
  readonly externalBytes: number
  readonly arrayBuffersBytes: number
  /** True when a garbage collection ran first (`?gc=1` on a node started with --expose-gc). */
  readonly collected: boolean
  /** Node's count of live handles and requests by kind (sockets, timers, file watchers, …). */
  readonly resources: Readonly<Record<string, number>>
  /** Event-stream clients connected now (one that left must be forgotten). */
  readonly eventStreams: number
  readonly uptimeSeconds: number
}

/** Reads this process's memory and resources; `collect` runs a GC first when node allows it. */
export function readDiagnostics(collect: boolean, eventStreams: number): Diagnostics {
  const gc = (globalThis as { gc?: () => void }).gc
  const collected = collect && typeof gc === 'function'
  if (collected) gc()
  const memory = process.memoryUsage()
  const resources: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1
  return {
    pid: process.pid,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    arrayBuffersBytes: memory.arrayBuffers,
    collected,
    resources,
    eventStreams,
    uptimeSeconds: Math.round(process.uptime())
  }
}
