import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { RUN_MARKER } from './leak-detector'
import { hasBanner, keygen, probeSshd, SFTP_SERVER, SSHD } from './sshd-tools'
import { freePort } from './ports'
import {
  childPidNamespace,
  killQuietly,
  processesInPidNamespace,
  type ProcessInfo
} from './proc-table'

const NO_FILE_OVERRIDE = '-dac_override,-dac_read_search,-fowner'

/** One real `sshd` playing a fleet host on its own loopback address. */
export interface SshTestHost {
  readonly name: string
  /** 127.0.0.x */
  readonly address: string
  readonly port: number
  /** The SAME path on every host, bind-mounted per host (each sshd runs in its own mount namespace). */
  readonly deployPath: string
  /** This host's own folder on this machine (what is mounted at deployPath). */
  readonly hostDir: string
  /**
   * This host's own home folder on this machine, mounted at the fleet's HOME path (the same
   * path on every host, as deployPath): its `.ssh/authorized_keys` is read by this sshd too.
   */
  readonly homeDir: string
  /** SHA256:… of the current host key. */
  readonly hostKeyFingerprint: string
  /** The host key's public line (`ssh-ed25519 AAAA…`). */
  readonly hostPublicKey: string
  /**
   * SIGKILLs this host's sshd and every process started inside the host, detached ones
   * included (a dead host). Each host is its own pid namespace whose init is sshd.
   */
  kill(): void
  /** Resolves when this host's sshd has exited and no process is left in its namespace. */
  exited(): Promise<void>
  /** Every process running inside this host now (sshd, its sessions, what they started). */
  processes(): ProcessInfo[]
  /** This machine's pid for a pid as seen inside the host (a pid file written there), or null. */
  localPid(pidInHost: number): number | null
  /** Starts the sshd again (same port, same config, the key on disk). */
  restart(): Promise<void>
  /** Replaces the host key with a new one and restarts sshd (a host that was reinstalled). */
  regenerateHostKey(): Promise<void>
  /**
   * How many TCP connections this sshd accepted so far, counted in its own log ("Connection
   * from …" lines); needs `logConnections` (the readiness probes count too: compare before/after).
   */
  connectionsLogged(): number
}

/** N hosts, one login key, and a known_hosts file listing every host key. */
export interface SshTestFleet {
  readonly hosts: readonly SshTestHost[]
  /** Private key (no passphrase) authorised on every host. */
  readonly userKeyFile: string
  /** Lists every host key as `[address]:port` (as first generated). */
  readonly knownHostsFile: string
  /** The login user (whoever runs the tests). */
  readonly user: string
  /** This fleet's scratch folder (keys, configs, host folders). */
  readonly root: string
  /**
   * Kills exactly the processes this fleet started, everything its hosts' sessions started
   * included, waits until none is left and removes its files.
   */
  stop(): Promise<void>
}

/** Options for {@link startSshFleet}. */
export interface SshFleetOptions {
  /** Last byte of the first host's address; default 11 → 127.0.0.11. */
  readonly firstAddress?: number
  /** Same path on every host; default /srv/slipway-test/app. */
  readonly deployPath?: string
  /** sshd MaxSessions (channels per connection); default 16. */
  readonly maxSessions?: number
  /** Log every connection (LogLevel VERBOSE) to a file per host, for {@link SshTestHost.connectionsLogged}. */
  readonly logConnections?: boolean
  /** More sshd_config lines for every host (e.g. `AllowAgentForwarding no`). */
  readonly extraConfig?: readonly string[]
  /**
   * Run sshd without root's power to ignore file modes (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,
   * CAP_FOWNER dropped from its bounding set): a chmod then denies the host's root as it would
   * a deploy user.
   */
  readonly dropFileOverride?: boolean
}

/**
 * Skip-with-reason helper: null when sshd can run here, else the reason. With
 * `SLIPWAY_REQUIRE_SSHD=1` (set by CI) a reason is thrown instead, so the sshd-backed tests fail
 * with it rather than vanish as skips; locally a skip stays a visible skip.
 */
export function sshdUnavailableReason(
  env: NodeJS.ProcessEnv = process.env,
  probe: () => string | null = probeSshd
): string | null {
  const reason = probe()
  if (reason !== null && env.SLIPWAY_REQUIRE_SSHD === '1') {
    throw new Error(`SLIPWAY_REQUIRE_SSHD=1 but sshd test hosts cannot run here: ${reason}`)
  }
  return reason
}

/**
 * Starts `count` sshd processes on 127.0.0.x (x from `firstAddress`), each with its own host
 * key, config, pid file and host folder mounted at the shared deploy path; resolves when every
 * one accepts connections. Nothing under /etc is read or changed.
 */
export async function startSshFleet(
  count: number,
  options: SshFleetOptions = {}
): Promise<SshTestFleet> {
  const reason = sshdUnavailableReason()
  if (reason) throw new Error(`cannot start sshd test hosts: ${reason}`)
  const first = options.firstAddress ?? 11
  if (first < 1 || first + count - 1 > 254)
    throw new Error('addresses must stay within 127.0.0.1-254')
  const deployPath = options.deployPath ?? '/srv/slipway-test/app'
  mkdirSync(deployPath, { recursive: true })
  mkdirSync('/run/sshd', { recursive: true })
  const root = await mkdtemp(join(tmpdir(), 'slipway-sshd-'))
  const userKeyFile = join(root, 'user_ed25519')
  await keygen(userKeyFile, 'slipway-test-user')
  const authorizedKeys = join(root, 'authorized_keys')
  await writeFile(authorizedKeys, await readFile(`${userKeyFile}.pub`))
  // An empty HOME (the same path on every host, each host's own folder mounted there): this
  // machine's root .bashrc costs ~130 ms on every command.
  const home = join(root, 'home')
  await mkdir(home)

  const hosts: TestHost[] = []
  try {
    for (let i = 0; i < count; i++) {
      const address = `127.0.0.${first + i}`
      const dir = join(root, `host-${i + 1}`)
      const hostDir = join(dir, 'data')
      const homeDir = join(dir, 'home')
      await mkdir(hostDir, { recursive: true })
      await mkdir(homeDir, { recursive: true })
      const port = await freePort(address)
      const host = new TestHost({
        name: `host-${i + 1}`,
        address,
        port,
        dir,
        hostDir,
        homeDir,
        deployPath,
        authorizedKeys,
        home,
        maxSessions: options.maxSessions ?? 16,
        extraConfig: options.extraConfig ?? [],
        dropFileOverride: options.dropFileOverride === true,
        logFile: options.logConnections ? join(dir, 'sshd.log') : null
      })
      await host.generateKey()
      hosts.push(host)
    }
    await Promise.all(hosts.map((h) => h.start()))
  } catch (e) {
    for (const h of hosts) h.kill()
    await rm(root, { recursive: true, force: true })
    throw e
  }
  // A test process that dies without stop() must not leave sshd processes behind.
  const killAll = (): void => {
    for (const h of hosts) h.kill()
  }
  process.once('exit', killAll)
  const knownHostsFile = join(root, 'known_hosts')
  await writeFile(
    knownHostsFile,
    hosts.map((h) => `[${h.address}]:${h.port} ${h.hostPublicKey}\n`).join('')
  )
  return {
    hosts,
    userKeyFile,
    knownHostsFile,
    user: userInfo().username,
    root,
    stop: async () => {
      process.removeListener('exit', killAll)
      killAll()
      await Promise.all(hosts.map((h) => h.exited()))
      await rm(root, { recursive: true, force: true })
    }
  }
}

interface TestHostInit {
  readonly name: string
  readonly address: string
  readonly port: number
  readonly dir: string
  readonly hostDir: string
  readonly homeDir: string
  readonly deployPath: string
  readonly authorizedKeys: string
  readonly home: string
  readonly maxSessions: number
  readonly extraConfig: readonly string[]
  readonly dropFileOverride: boolean
  /** Where sshd logs (with -E) at VERBOSE, or null for errors on stderr only. */
  readonly logFile: string | null
}

class TestHost implements SshTestHost {
  readonly name: string
  readonly address: string
  readonly port: number
  readonly deployPath: string
  readonly hostDir: string
  readonly homeDir: string
  hostKeyFingerprint = ''
  hostPublicKey = ''
  private readonly init: TestHostInit
  private readonly keyFile: string
  private readonly configFile: string
  private child: ChildProcess | null = null
  /** The pid namespace of the running sshd ('' until known). */
  private namespace = ''
  private exit: Promise<void> = Promise.resolve()
  private stderrTail = ''

  constructor(init: TestHostInit) {
    this.init = init
    this.name = init.name
    this.address = init.address
    this.port = init.port
    this.deployPath = init.deployPath
    this.hostDir = init.hostDir
    this.homeDir = init.homeDir
    this.keyFile = join(init.dir, 'ssh_host_ed25519_key')
    this.configFile = join(init.dir, 'sshd_config')
  }

  async generateKey(): Promise<void> {
    await rm(this.keyFile, { force: true })
    await rm(`${this.keyFile}.pub`, { force: true })
    await keygen(this.keyFile, this.name)
    this.hostPublicKey = (await readFile(`${this.keyFile}.pub`, 'utf8'))
      .trim()
      .split(/\s+/)
      .slice(0, 2)
      .join(' ')
    const lf = spawnSync('ssh-keygen', ['-lf', `${this.keyFile}.pub`], { encoding: 'utf8' })
    this.hostKeyFingerprint = lf.stdout.split(/\s+/)[1] ?? ''
    await writeFile(
      this.configFile,
      [
        `ListenAddress ${this.address}:${this.port}`,
        `HostKey ${this.keyFile}`,
        `PidFile ${join(this.init.dir, 'sshd.pid')}`,
        // The fleet's login key, and the host's own ~/.ssh/authorized_keys (fan-out adds to it).
        `AuthorizedKeysFile ${this.init.authorizedKeys} ${this.init.home}/.ssh/authorized_keys`,
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        `Subsystem sftp ${SFTP_SERVER}`,
        // The suite's leak detector knows what a session started by this marker.
        `SetEnv HOME=${this.init.home}` +
          (process.env[RUN_MARKER] ? ` ${RUN_MARKER}=${process.env[RUN_MARKER]}` : ''),
        // Room for one connection per test file plus the real-ssh checks; channels per connection.
        'MaxStartups 30:30:100',
        `MaxSessions ${this.init.maxSessions}`,
        'ClientAliveInterval 0',
        'UseDNS no',
        this.init.logFile ? 'LogLevel VERBOSE' : 'LogLevel ERROR',
        ...this.init.extraConfig,
        ''
      ].join('\n')
    )
  }

  start(): Promise<void> {
    if (this.child) return Promise.resolve()
    // A pid namespace per host, sshd its init: what a session starts, detached (nohup, setsid)
    // or not, is re-parented to sshd instead of this machine's init, so it cannot outlive the
    // host. The pid we hold is unshare's; it SIGKILLs sshd when it dies (--kill-child), and the
    // kernel kills the whole namespace when its init dies. --mount-proc: pids read in /proc on
    // the host are the host's own. setpriv --pdeathsig: a test process killed outright (no
    // teardown runs) takes unshare, so the host and all it started, with it.
    const child = spawn(
      'setpriv',
      [
        '--pdeathsig',
        'KILL',
        'unshare',
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        // -E appends sshd's log to a file; -e sends it to stderr (kept for error messages).
        `mount --bind "$1" "$2" && mount --bind "$6" "$7" && ` +
          `exec ${this.init.dropFileOverride ? `setpriv --bounding-set ${NO_FILE_OVERRIDE} ` : ''}"$3" -D ${this.init.logFile ? '-E "$5"' : '-e'} -f "$4"`,
        'sh',
        this.hostDir,
        this.deployPath,
        SSHD,
        this.configFile,
        this.init.logFile ?? '',
        this.homeDir,
        this.init.home
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true }
    )
    this.child = child
    this.namespace = ''
    this.stderrTail = ''
    child.stderr?.on('data', (b: Buffer) => {
      this.stderrTail = (this.stderrTail + b.toString('utf8')).slice(-4000)
    })
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
    this.exit = closed.then(() => {
      if (this.child === child) this.child = null
      return this.waitNamespaceEmpty(this.namespace)
    })
    return this.waitReady(child)
  }

  /** The namespace dies with its init; wait until the kernel has ended every process in it. */
  private async waitNamespaceEmpty(namespace: string): Promise<void> {
    if (namespace === '') return
    const deadline = Date.now() + 10_000
    let left = processesInPidNamespace(namespace)
    while (left.length > 0 && Date.now() < deadline) {
      for (const p of left) killQuietly(p.pid)
      await new Promise((r) => setTimeout(r, 20))
      left = processesInPidNamespace(namespace)
    }
    if (left.length > 0) {
      const names = left.map((p) => `${p.pid} ${p.command}`).join('; ')
      throw new Error(`${this.name}: processes outlived its sshd: ${names}`)
    }
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`sshd for ${this.name} exited: ${this.stderrTail.trim()}`)
      }
      if (this.namespace === '' && child.pid !== undefined) {
        const ns = childPidNamespace(child.pid)
        if (ns !== childPidNamespace(process.pid)) this.namespace = ns
      }
      if (this.namespace !== '' && (await hasBanner(this.address, this.port))) return
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`sshd for ${this.name} did not accept connections: ${this.stderrTail.trim()}`)
  }

  kill(): void {
    const pid = this.child?.pid
    if (pid === undefined) return
    killQuietly(pid)
    for (const p of this.processes()) killQuietly(p.pid)
  }

  processes(): ProcessInfo[] {
    return this.namespace === '' ? [] : processesInPidNamespace(this.namespace)
  }

  localPid(pidInHost: number): number | null {
    const p = this.processes().find((q) => q.pidInNamespace === pidInHost)
    return p ? p.pid : null
  }

  connectionsLogged(): number {
    if (!this.init.logFile) throw new Error('start the fleet with logConnections to count')
    const text = existsSync(this.init.logFile) ? readFileSync(this.init.logFile, 'utf8') : ''
    return text.split('\n').filter((l) => /Connection from \S+ port \d+ on /.test(l)).length
  }

  exited(): Promise<void> {
    return this.exit
  }

  async restart(): Promise<void> {
    this.kill()
    await this.exit
    this.child = null
    await this.start()
  }

  async regenerateHostKey(): Promise<void> {
    await this.generateKey()
    await this.restart()
  }
}
