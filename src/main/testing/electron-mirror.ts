// Test support for `npm start`: an Electron download mirror on loopback serving a zip whose
// "electron" is a stand-in executable, and a scratch copy of the project whose
// node_modules/electron can receive a download without touching the checkout's own.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join, resolve } from 'node:path'
import { storedZip } from './stored-zip'

/** The checkout these tests run in. */
export const CHECKOUT = resolve(import.meta.dirname, '../../..')

/**
 * A shell script standing in for Electron: appends its arguments, one per line, then a line
 * with the renderer URL it was given (if any), to the file named by STANDIN_RECORD, and exits.
 */
export const STANDIN_ELECTRON =
  '#!/bin/sh\nfor a in "$@"; do printf "arg:%s\\n" "$a"; done >> "$STANDIN_RECORD"\n' +
  'printf "renderer-url:%s\\n" "$ELECTRON_RENDERER_URL" >> "$STANDIN_RECORD"\n'

/** A running mirror and the paths it was asked for. */
export interface Mirror {
  readonly url: string
  readonly requests: string[]
  close(): Promise<void>
}

function listen(server: Server): Promise<string> {
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address()
      done(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`)
    })
  )
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((done) => {
      server.closeAllConnections()
      server.close(() => done())
    })
}

/**
 * Serves `v<version>/electron-v<version>-linux-<arch>.zip` (the stand-in and a `version` file)
 * and its SHASUMS256.txt, laid out as the official releases are.
 */
export async function startElectronMirror(version: string, arch = process.arch): Promise<Mirror> {
  const zip = storedZip([
    { name: 'electron', data: STANDIN_ELECTRON, mode: 0o755 },
    { name: 'version', data: version }
  ])
  const file = `electron-v${version}-linux-${arch}.zip`
  const sha = createHash('sha256').update(zip).digest('hex')
  const files = new Map<string, Buffer>([
    [`/v${version}/${file}`, zip],
    [`/v${version}/SHASUMS256.txt`, Buffer.from(`${sha} *${file}\n`)]
  ])
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const body = files.get(req.url ?? '')
    if (!body) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/zip' })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  return { url: await listen(server), requests, close: closer(server) }
}

/** A server that accepts connections and never answers: a mirror that hangs. */
export async function startSilentMirror(): Promise<Mirror> {
  const requests: string[] = []
  const server = createServer((req) => requests.push(`${req.method} ${req.url}`))
  return { url: await listen(server), requests, close: closer(server) }
}

/**
 * A scratch project: scripts/, bin/ and package.json as in the checkout, out/ linked to the
 * checkout's build, node_modules linked entry by entry except `electron`, which is a copy of
 * the package without its binary, so Electron's install.js downloads into the scratch copy.
 */
export function scratchProject(dir: string): string {
  cpSync(join(CHECKOUT, 'scripts'), join(dir, 'scripts'), { recursive: true })
  copyFileSync(join(CHECKOUT, 'package.json'), join(dir, 'package.json'))
  symlinkSync(join(CHECKOUT, 'bin'), join(dir, 'bin'))
  symlinkSync(join(CHECKOUT, 'out'), join(dir, 'out'))
  const modules = join(CHECKOUT, 'node_modules')
  mkdirSync(join(dir, 'node_modules'))
  for (const name of readdirSync(modules)) {
    if (name !== 'electron') symlinkSync(join(modules, name), join(dir, 'node_modules', name))
  }
  const electron = join(dir, 'node_modules', 'electron')
  mkdirSync(electron)
  for (const f of ['package.json', 'install.js', 'index.js', 'cli.js', 'checksums.json']) {
    copyFileSync(join(modules, 'electron', f), join(electron, f))
  }
  return dir
}

/** A folder holding an `xdg-open` that only records what it was asked to open. */
export function fakeOpener(dir: string): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'xdg-open'), '#!/bin/sh\necho "$@" >> "$0.log"\n', { mode: 0o755 })
  return dir
}

/** `npm start` in `project`, in its own process group, with everything it prints collected. */
export interface StartRun {
  readonly child: ChildProcess
  readonly output: () => string
  /** Resolves with the output once `pattern` appears in it (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<string>
  /** Resolves with the exit code. */
  exited: Promise<number | null>
  /** Kills the whole process group (npm, start.mjs, serve). */
  stop(): Promise<void>
}

export function npmStart(project: string, env: NodeJS.ProcessEnv): StartRun {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: project,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  let text = ''
  const waiters: Array<() => void> = []
  const onData = (b: Buffer): void => {
    text += b.toString()
    for (const w of waiters.splice(0)) w()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)))
  let ended = false
  void exited.then(() => {
    ended = true
    for (const w of waiters.splice(0)) w()
  })
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern) {
      return new Promise((done, fail) => {
        const check = (): void => {
          if (pattern.test(text)) done(text)
          else if (ended) fail(new Error(`npm start ended before ${pattern}:\n${text}`))
          else waiters.push(check)
        }
        check()
      })
    },
    async stop() {
      if (!ended && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      await exited
    }
  }
}
