// Test support for the deploy suites (router, CLI, e2e): stopping demo apps, a private ssh-agent.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

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
