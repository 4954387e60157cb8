import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** A `slipway serve` process started for one spec, with its own data folder. */
export interface ServeHost {
  readonly url: string
  readonly origin: string
  readonly token: string
  readonly dataDir: string
  /** The read-only URL `serve --viewer` printed, else null. */
  readonly viewerUrl: string | null
  stop(): Promise<void>
}

const CLI = resolve('out/main/cli.js')

/**
 * Starts the built CLI's `serve` on a random loopback port and waits for the URL it prints.
 * Without `workspace` it opens the demo, created fresh in a temp data folder. A workspace is
 * trusted with `--trust` (as a script would) unless `trust: false` (the trust dialog's spec).
 */
export async function startServe(
  workspace?: string,
  options: {
    readonly viewer?: boolean
    readonly trust?: boolean
    /** Variables set (or, when '', emptied) for the serve process only. */
    readonly env?: Readonly<Record<string, string>>
  } = {}
): Promise<ServeHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-e2e-'))
  const args = [CLI, 'serve', '--port', '0', '--data-dir', dataDir]
  if (workspace) args.push('--workspace', workspace)
  if (options.viewer) args.push('--viewer')
  if (workspace && options.trust !== false) args.push('--trust')
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {})
  })
  const [url, viewerUrl] = await waitForUrl(child, options.viewer ? 2 : 1)
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    viewerUrl: viewerUrl ?? null,
    async stop() {
      await stopProcess(child)
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** The first `count` token URLs serve prints (the user's, then the viewer's). */
function waitForUrl(child: ChildProcess, count: number): Promise<string[]> {
  return new Promise((resolveUrl, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(
      () => reject(new Error(`serve printed no URL in 60 s\n${out}\n${err}`)),
      60_000
    )
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const urls = [...out.matchAll(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)\n/g)]
      if (urls.length >= count) {
        clearTimeout(timer)
        resolveUrl(urls.slice(0, count).map((m) => m[1] ?? ''))
      }
    })
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}\n${out}\n${err}`))
    })
  })
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      done()
    })
    child.kill('SIGTERM')
  })
}
