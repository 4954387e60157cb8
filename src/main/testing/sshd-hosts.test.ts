import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listProcesses, readProcess } from './proc-table'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from './sshd-hosts'

const unavailable = sshdUnavailableReason()

/** Runs the real OpenSSH client against one fleet host, strict host key checking on. */
function ssh(
  fleet: SshTestFleet,
  index: number,
  command: string
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const host = fleet.hosts[index]
  const args = [
    '-p',
    String(host.port),
    '-i',
    fleet.userKeyFile,
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `UserKnownHostsFile=${fleet.knownHostsFile}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=5',
    '-F',
    '/dev/null',
    `${fleet.user}@${host.address}`,
    command
  ]
  return new Promise((resolve) => {
    const p = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (b: Buffer) => (stdout += b))
    p.stderr.on('data', (b: Buffer) => (stderr += b))
    p.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('sshdUnavailableReason', () => {
  it('gives the reason to skip, and throws it instead under SLIPWAY_REQUIRE_SSHD=1 (CI)', () => {
    const refused = (): string => 'unshare --mount is not permitted: Operation not permitted'
    expect(sshdUnavailableReason({}, refused)).toBe(refused())
    expect(sshdUnavailableReason({ SLIPWAY_REQUIRE_SSHD: '0' }, refused)).toBe(refused())
    expect(() => sshdUnavailableReason({ SLIPWAY_REQUIRE_SSHD: '1' }, refused)).toThrow(
      'SLIPWAY_REQUIRE_SSHD=1 but sshd test hosts cannot run here: unshare --mount is not permitted'
    )
    expect(sshdUnavailableReason({ SLIPWAY_REQUIRE_SSHD: '1' }, () => null)).toBeNull()
  })
})

describe.skipIf(unavailable !== null)(`sshd test fleet ${unavailable ?? ''}`, () => {
  let fleet: SshTestFleet

  beforeAll(async () => {
    fleet = await startSshFleet(2, { firstAddress: 201 })
  })

  afterAll(async () => {
    await fleet?.stop()
  })

  it('gives each host its own folder at the same deploy path, an empty HOME and a known key', async () => {
    await Promise.all(
      fleet.hosts.map((h) => writeFile(join(h.hostDir, 'whoami.txt'), `${h.name}\n`))
    )
    const [a, b] = await Promise.all([
      ssh(fleet, 0, `cat ${fleet.hosts[0].deployPath}/whoami.txt; echo "$HOME"`),
      ssh(fleet, 1, `cat ${fleet.hosts[1].deployPath}/whoami.txt; echo "$HOME"`)
    ])
    expect(a.stderr).toBe('')
    expect(a.stdout).toBe(`host-1\n${join(fleet.root, 'home')}\n`)
    expect(b.stdout).toBe(`host-2\n${join(fleet.root, 'home')}\n`)
    // The same HOME path, each host's own folder behind it.
    await writeFile(join(fleet.hosts[0].homeDir, 'mine.txt'), 'host-1 only\n')
    const [c, d] = await Promise.all([0, 1].map((i) => ssh(fleet, i, 'cat "$HOME/mine.txt"')))
    expect([c.stdout, d.stdout]).toEqual(['host-1 only\n', ''])
    expect(fleet.hosts[0].address).toBe('127.0.0.201')
    expect(fleet.hosts[0].hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    expect(fleet.hosts[0].hostKeyFingerprint).not.toBe(fleet.hosts[1].hostKeyFingerprint)
  })

  it('kill() makes a host unreachable and restart() brings it back', async () => {
    const host = fleet.hosts[1]
    host.kill()
    const down = await ssh(fleet, 1, 'true')
    expect(down.code).toBe(255)
    await host.restart()
    const up = await ssh(fleet, 1, 'echo back')
    expect(up.stdout).toBe('back\n')
  })

  it('a regenerated host key is refused by strict checking', async () => {
    const host = fleet.hosts[0]
    const before = host.hostKeyFingerprint
    await host.regenerateHostKey()
    expect(host.hostKeyFingerprint).not.toBe(before)
    const r = await ssh(fleet, 0, 'true')
    expect(r.code).toBe(255)
    expect(r.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED/)
  })

  it("maps a pid written inside a host to this machine's, and lists what runs there", async () => {
    const host = fleet.hosts[1]
    const r = await ssh(fleet, 1, 'nohup sleep 600 >/dev/null 2>&1 < /dev/null & echo $!')
    const local = host.localPid(Number(r.stdout.trim()))
    expect(local).not.toBeNull()
    // `$!` names nohup's process, which becomes sleep once it has exec'd (under load, later).
    await until(() => readProcess(local as number)?.command === 'sleep 600', 5_000)
    expect(readProcess(local as number)?.command).toBe('sleep 600')
    expect(host.processes().map((p) => p.pid)).toContain(local)
    expect(host.processes().filter((p) => p.command.startsWith('sshd:'))).not.toEqual([])
    process.kill(local as number, 'SIGKILL')
  })

  it('stop() kills exactly its processes, detached ones its sessions started included', async () => {
    const other = await startSshFleet(1, { firstAddress: 210 })
    try {
      const { address, port } = other.hosts[0]
      // Detached as a deploy hook's app would be: the session ends, they are orphans.
      const seconds = 3000 + Math.floor(Math.random() * 5000)
      const started = await ssh(
        other,
        0,
        `nohup sleep ${seconds} >/dev/null 2>&1 < /dev/null & echo $!; ` +
          `setsid sleep ${seconds + 1} >/dev/null 2>&1 < /dev/null & echo $!`
      )
      expect(started.code, started.stderr).toBe(0)
      const sleepers = (): string[] =>
        listProcesses()
          .map((p) => p.command)
          .filter((c) => c === `sleep ${seconds}` || c === `sleep ${seconds + 1}`)
      // The session answers once both are forked; each exec()s sleep a moment later.
      await until(() => sleepers().length === 2, 5_000)
      expect(sleepers()).toHaveLength(2)
      await other.stop()
      expect(sleepers()).toEqual([])
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address, port })
        socket.once('connect', () => {
          socket.destroy()
          resolve(false)
        })
        socket.once('error', () => resolve(true))
      })
      expect(refused).toBe(true)
      expect(existsSync(other.root)).toBe(false)
      // This suite's fleet is untouched.
      expect((await ssh(fleet, 1, 'echo alive')).stdout).toBe('alive\n')
    } finally {
      await other.stop()
    }
  })
})

describe.skipIf(unavailable !== null)(`a test process killed outright ${unavailable ?? ''}`, () => {
  it('takes its hosts with it, and what their sessions started', async () => {
    // A separate process starts a host and a detached sleeper on it, says where, then waits.
    const script = [
      `import { startSshFleet } from ${JSON.stringify(join(import.meta.dirname, 'sshd-hosts.ts'))}`,
      "import { spawnSync } from 'node:child_process'",
      'const fleet = await startSshFleet(1, { firstAddress: 215 })',
      'const h = fleet.hosts[0]',
      "const ssh = spawnSync('ssh', ['-F', '/dev/null', '-p', String(h.port), '-i', fleet.userKeyFile, " +
        "'-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${fleet.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null', " +
        "`${fleet.user}@${h.address}`, 'nohup sleep 4321 >/dev/null 2>&1 < /dev/null &'])",
      'console.log(JSON.stringify({ root: fleet.root, ssh: ssh.status }))',
      'setInterval(() => {}, 1000)'
    ].join('\n')
    const holder = await mkdtemp(join(tmpdir(), 'slipway-fleet-holder-'))
    await writeFile(join(holder, 'hold.mts'), script)
    // node itself (tsx's own command would be a wrapper around a second node).
    const child = spawn(process.execPath, ['--import', 'tsx', join(holder, 'hold.mts')], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const line = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString('utf8')
        if (out.includes('\n')) resolve(out.split('\n')[0] as string)
      })
      child.once('exit', (code) => reject(new Error(`the fleet process ended first (${code})`)))
    })
    const { root, ssh: sshStatus } = JSON.parse(line) as { root: string; ssh: number }
    expect(sshStatus).toBe(0)
    const left = (): string[] =>
      listProcesses()
        .filter((p) => p.command.includes(root) || p.command === 'sleep 4321')
        .map((p) => `${p.pid} ${p.command}`)
    await until(() => left().some((c) => c.endsWith('sleep 4321')), 5_000)
    expect(left().length).toBeGreaterThanOrEqual(3)
    child.kill('SIGKILL')
    await until(() => left().length === 0, 10_000)
    expect(left()).toEqual([])
    await rm(root, { recursive: true, force: true })
    await rm(holder, { recursive: true, force: true })
  }, 60_000)
})

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
}
