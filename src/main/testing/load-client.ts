// Test support: a load generator in its own process (so the deploy engine's work in this one
// cannot stall it or its clock), and the figures drawn from what it recorded.
import { execFileSync, spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** One request as the load generator saw it (times in ms since the epoch, fractional). */
export interface LoadRecord {
  /** `<client>-<n>`; the attempts were sent as `X-Request-Id: <id>.1` (and `.2`). */
  readonly id: string
  readonly at: number
  readonly ms: number
  readonly method: string
  readonly path: string
  /** 0 when no response came. */
  readonly status: number
  /** The `X-Release` header of the response, or null. */
  readonly release: string | null
  /** The socket error (`ECONNRESET`, `ECONNREFUSED`, `TIMEOUT`…), or null. */
  readonly error: string | null
  /** Sent again once because a kept-alive connection closed before any answer. */
  readonly retried: boolean
}

/** A running load generator. */
export interface Load {
  /** Stops it; resolves with every request it made. */
  stop(): Promise<LoadRecord[]>
}

/** Bundles the child once into `dir` (node starts it in ~0.1 s where tsx takes seconds). */
function bundleChild(dir: string): string {
  const out = join(dir, 'load-client-child.cjs')
  execFileSync(join(process.cwd(), 'node_modules/.bin/esbuild'), [
    join(import.meta.dirname, 'load-client-child.ts'),
    '--bundle',
    '--platform=node',
    '--format=cjs',
    `--outfile=${out}`,
    '--log-level=error'
  ])
  return out
}

/**
 * Starts `connections` keep-alive clients against 127.0.0.1:`port` (GET and POST in turn, a
 * pause of `pauseMs` between a client's requests); resolves once they are sending.
 */
export async function startLoad(options: {
  readonly port: number
  readonly scratch: string
  readonly connections?: number
  readonly pauseMs?: number
}): Promise<Load> {
  const out = join(options.scratch, `load-${Date.now()}.json`)
  const config = {
    port: options.port,
    connections: options.connections ?? 8,
    pauseMs: options.pauseMs ?? 20,
    out
  }
  const child = spawn(process.execPath, [bundleChild(options.scratch), JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve())
    void exited.then((code) => reject(new Error(`the load generator exited (${code})`)))
  })
  return {
    async stop() {
      child.stdin.end('stop\n')
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      const code = await exited
      clearTimeout(timer)
      if (code !== 0) throw new Error(`the load generator ended with ${code}`)
      return JSON.parse(await readFile(out, 'utf8')) as LoadRecord[]
    }
  }
}

/** The p-th percentile (0..100) of `values`, nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** True for a request that failed as a user sees it: no response, or a 5xx. */
export function failed(r: LoadRecord): boolean {
  return r.error !== null || r.status >= 500
}

/** The figures of the requests started in [from, to). */
export interface WindowFigures {
  readonly requests: number
  readonly failed: number
  /** Answered without an `X-Release` naming one of the known releases. */
  readonly unnamed: number
  /** Answered with a status other than the route's (200, 201, or 404 for /orders/1). */
  readonly unexpected: number
  readonly retried: number
  readonly p99Ms: number
  /** Responses per release id. */
  readonly byRelease: Readonly<Record<string, number>>
  /** From the first answer of `newRelease` to the last of any other release, in s (0: none). */
  readonly mixedS: number
  readonly failures: readonly LoadRecord[]
}

/** The figures of the requests started in [from, to); `releases` are the ids that may answer. */
export function windowFigures(
  records: readonly LoadRecord[],
  from: number,
  to: number,
  releases: readonly string[],
  newRelease?: string
): WindowFigures {
  const inside = records.filter((r) => r.at >= from && r.at < to)
  const answered = inside.filter((r) => r.status > 0)
  const byRelease: Record<string, number> = {}
  for (const r of answered)
    byRelease[r.release ?? '(none)'] = (byRelease[r.release ?? '(none)'] ?? 0) + 1
  const expected = (r: LoadRecord): boolean =>
    r.status === (r.method === 'POST' ? 201 : 200) || (r.path === '/orders/1' && r.status === 404)
  const firstNew = Math.min(
    ...answered.filter((r) => r.release === newRelease).map((r) => r.at + r.ms)
  )
  const lastOld = Math.max(
    ...answered.filter((r) => r.release !== newRelease).map((r) => r.at + r.ms)
  )
  const failures = inside.filter(failed)
  return {
    requests: inside.length,
    failed: failures.length,
    unnamed: answered.filter((r) => r.release === null || !releases.includes(r.release)).length,
    unexpected: answered.filter((r) => r.status < 500 && !expected(r)).length,
    retried: inside.filter((r) => r.retried).length,
    p99Ms: percentile(
      inside.map((r) => r.ms),
      99
    ),
    byRelease,
    mixedS:
      newRelease && Number.isFinite(firstNew) && Number.isFinite(lastOld) && lastOld > firstNew
        ? (lastOld - firstNew) / 1000
        : 0,
    failures
  }
}
