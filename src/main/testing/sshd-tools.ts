// Small tools of the sshd test fleet (sshd-hosts.ts): can sshd run here, keys, the banner.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'

export const SSHD = '/usr/sbin/sshd'
export const SFTP_SERVER = '/usr/lib/openssh/sftp-server'

/** Null when real sshd test hosts can run on this machine, else why not. */
export function probeSshd(): string | null {
  if (process.platform !== 'linux') return 'real sshd test hosts need Linux mount namespaces'
  if (!existsSync(SSHD)) return `${SSHD} is not installed`
  if (!existsSync(SFTP_SERVER)) return `${SFTP_SERVER} is not installed`
  if (process.getuid?.() !== 0) return 'per-host mount namespaces (unshare --mount) need root'
  const probe = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true'])
  if (probe.status !== 0) return `unshare --mount is not permitted: ${String(probe.stderr).trim()}`
  const pidProbe = spawnSync('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'true'])
  if (pidProbe.status !== 0)
    return `unshare --pid is not permitted: ${String(pidProbe.stderr).trim()}`
  const keygen = spawnSync('ssh-keygen', ['-?'])
  if (keygen.error) return 'ssh-keygen is not installed'
  return null
}

/** Makes an ed25519 key pair without a passphrase at `file` (and `file.pub`). */
export function keygen(file: string, comment: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], {
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let err = ''
    p.stderr.on('data', (b: Buffer) => (err += b.toString()))
    p.on('error', reject)
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ssh-keygen: ${err}`))))
  })
}

/** True when something at address:port answers with an SSH banner. */
export function hasBanner(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('data', (b: Buffer) => done(b.toString('latin1').startsWith('SSH-')))
  })
}
