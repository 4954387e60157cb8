// Test support for the deploy suites (router, CLI, e2e): free ports and stopping demo apps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Stops the demo app a deployment started on a local host (its pid file is in shared/). */
export async function stopDemoApp(hostDir: string): Promise<void> {
  const pid = Number(
    (await readFile(join(hostDir, 'shared', 'orders.pid'), 'utf8').catch(() => '')).trim()
  )
  if (!Number.isInteger(pid) || pid <= 0) return
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    // already gone
  }
}

/** Starts a private ssh-agent holding `keyFile`; resolves with its socket and a stop function. */
export async function startAgent(
  dir: string,
  keyFile: string
): Promise<{ socket: string; stop: () => void }> {
  const socket = join(dir, 'agent.sock')
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' })
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20))
  const add = spawnSync('ssh-add', [keyFile], {
    env: { ...process.env, SSH_AUTH_SOCK: socket },
    encoding: 'utf8'
  })
  if (add.status !== 0) throw new Error(`ssh-add failed: ${add.stderr}`)
  return { socket, stop: () => void agent.kill('SIGTERM') }
}
