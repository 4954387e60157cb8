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
  stop(): Promise<void>
}

const CLI = resolve('out/main/cli.js')

/**
 * Starts the built CLI's `serve` on a random loopback port and waits for the URL it prints.
 * Without `workspace` it opens the demo, created fresh in a temp data folder.
 */
export async function startServe(workspace?: string): Promise<ServeHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-e2e-'))
  const args = [CLI, 'serve', '--port', '0', '--data-dir', dataDir]
  if (workspace) args.push('--workspace', workspace)
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await waitForUrl(child)
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    async stop() {
      await stopProcess(child)
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(
      () => reject(new Error(`serve printed no URL in 60 s\n${out}\n${err}`)),
      60_000
    )
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1])
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
