import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, runCliSync, type CliRun } from '../testing/cli-process'
import { startAgent, stopDemoApp } from '../testing/deploy-support'
import { buildDemoRepository } from '../testing/fixture-repos'
import { freePort } from '../testing/ports'
import {
  sshdUnavailableReason,
  startSshFleet,
  type SshTestFleet,
  type SshTestHost
} from '../testing/sshd-hosts'
import { removeDir, tempDir } from '../testing/temp-dir'
import { commitFile, git } from '../testing/test-repo'

describe('slipway release / deploy / status / rollback (real process, demo workspace)', () => {
  let demo: string
  let dataDir: string
  let env: NodeJS.ProcessEnv
  let port: number

  const run = (...args: string[]): Promise<CliRun> =>
    // The demo opened by its path is an ordinary repository: scripts pass --trust.
    runCli([...args, '--workspace', demo, '--trust'], { cwd: demo, env })

  beforeAll(async () => {
    dataDir = await tempDir('slipway-deploy-cli-')
    demo = join(dataDir, 'orders')
    await mkdir(demo)
    await buildDemoRepository(demo)
    // The demo's fixed port may be taken by another suite or the user's own demo.
    port = await freePort()
    const yml = join(demo, 'slipway.yml')
    await writeFile(yml, (await readFile(yml, 'utf8')).replace('port: 4301', `port: ${port}`))
    env = { ...process.env, SLIPWAY_DATA_DIR: dataDir, SLIPWAY_DEBUG: '' }
    const warm = runCliSync(['--version'], { cwd: demo, env })
    expect(warm.code, warm.stderr).toBe(0)
    // Others may edit src/ while this suite runs; do not rebuild mid-way.
    env.SLIPWAY_SKIP_BUILD = '1'
  }, 120_000)

  afterAll(async () => {
    await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await removeDir(dataDir)
  })

  it('creates releases, deploys, reports status as JSON, and rolls back', async () => {
    const first = await run('release', 'create')
    expect(first.code, first.stderr).toBe(0)
    const firstId = first.stdout.trim()
    expect(firstId).toMatch(/^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/)
    expect(first.stderr).toContain(`release ${firstId}`)

    const deployed = await run('deploy', firstId, 'staging', '--reason', 'cli test')
    expect(deployed.code, deployed.stderr).toBe(0)
    expect(deployed.stdout.trim()).toBe('succeeded')
    expect(deployed.stderr).toMatch(/staging-1: upload/)
    expect(deployed.stderr).toMatch(/staging-1: health/)
    expect(deployed.stderr).toContain('deploy succeeded')

    const status = await run('status', 'staging', '--json')
    expect(status.code, status.stderr).toBe(0)
    const rows = JSON.parse(status.stdout) as Array<Record<string, unknown>>
    expect(rows).toEqual([
      expect.objectContaining({ host: 'staging-1', release: firstId, healthy: true, lock: null })
    ])

    const second = await run('release', 'create', '--json')
    expect(second.code, second.stderr).toBe(0)
    const secondId = (JSON.parse(second.stdout) as { id: string }).id
    expect(secondId).not.toBe(firstId)
    const latest = await run('deploy', 'latest', 'staging')
    expect(latest.code, latest.stderr).toBe(0)
    expect(latest.stderr).toContain(secondId)

    const back = await run('rollback', 'staging')
    expect(back.code, back.stderr).toBe(0)
    expect(back.stderr).toContain('rollback succeeded')
    const after = JSON.parse((await run('status', 'staging', '--json')).stdout) as Array<
      Record<string, unknown>
    >
    expect(after[0]).toMatchObject({ release: firstId, previous: secondId, healthy: true })
    const text = await run('status', 'staging')
    expect(text.stdout).toMatch(
      new RegExp(`^staging-1\\s+${firstId.replace('.', '\\.')}\\s+healthy`, 'm')
    )
  }, 120_000)

  it('fails with exit 1 and one line for an unknown release or environment; 2 for bad usage', async () => {
    const missing = await run('deploy', '20990101.0000-abcdef1', 'staging')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^slipway: .*20990101\.0000-abcdef1/m)
    const nowhere = await run('status', 'nowhere')
    expect(nowhere.code).toBe(1)
    expect(nowhere.stderr).toContain('no environment "nowhere"')
    const hostile = await run('deploy', '$(touch pwned)', 'staging')
    expect(hostile.code).toBe(2)
    const usage = await run('deploy', 'only-one-argument')
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('missing an environment')
    const trust = await run('hosts', 'trust', 'staging')
    expect(trust.code, trust.stderr).toBe(0)
    expect(trust.stdout).toContain('staging-1: local folder')
  }, 60_000)
})

const noSshd = sshdUnavailableReason()

describe.skipIf(noSshd !== null)(`slipway against real sshd hosts ${noSshd ?? ''}`, () => {
  let fleet: SshTestFleet
  let repo: string
  let dataDir: string
  let agent: { socket: string; stop: () => void }
  let env: NodeJS.ProcessEnv

  const run = (...args: string[]): CliRun =>
    runCliSync([...args, '--workspace', repo, '--trust'], { cwd: repo, env })

  beforeAll(async () => {
    fleet = await startSshFleet(2, { firstAddress: 81 })
    dataDir = await tempDir('slipway-deploy-cli-ssh-')
    agent = await startAgent(dataDir, fleet.userKeyFile)
    repo = await tempDir('slipway-deploy-cli-ssh-repo-')
    git(repo, 'init', '-q', '-b', 'main')
    const hosts = fleet.hosts
      .map(
        (h, i) =>
          `      - { host: '${h.address}:${h.port}', user: ${fleet.user}, path: ${h.deployPath}, name: app-${i + 1} }`
      )
      .join('\n')
    await commitFile(
      repo,
      'slipway.yml',
      [
        'build:',
        `  command: mkdir -p out && printf '%s' "$SLIPWAY_RELEASE" > out/RELEASE`,
        '  artifact: out',
        'environments:',
        '  - name: production',
        '    hosts:',
        hosts,
        ''
      ].join('\n'),
      'ORD-9 First cut'
    )
    env = {
      ...process.env,
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_DEBUG: '',
      SLIPWAY_SKIP_BUILD: '1',
      SSH_AUTH_SOCK: agent.socket
    }
  }, 60_000)

  afterAll(async () => {
    agent?.stop()
    await fleet?.stop()
    if (repo) await removeDir(repo)
    if (dataDir) await removeDir(dataDir)
  })

  it('prints an unknown key with its fingerprint and how to accept it; deploys once trusted', async () => {
    const release = run('release', 'create')
    expect(release.code, release.stderr).toBe(0)
    const id = release.stdout.trim()

    const refused = run('deploy', id, 'production')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^slipway: the host key of .* is not known/)
    const shown = fleet.hosts.filter((h) => refused.stderr.includes(h.hostKeyFingerprint))
    expect(shown).toHaveLength(1)
    expect(refused.stderr).toContain('slipway hosts trust production')

    // Without a terminal nothing is trusted: the fingerprints are shown, with the command
    // that trusts exactly those.
    const asked = run('hosts', 'trust', 'production')
    expect(asked.code).toBe(1)
    for (const h of fleet.hosts) expect(asked.stdout).toContain(h.hostKeyFingerprint)
    const [first, second] = fleet.hosts as [SshTestHost, SshTestHost]
    expect(asked.stderr).toContain(`--fingerprint ${first.hostKeyFingerprint}`)
    expect(asked.stderr).toContain('--yes')

    // A fingerprint that is not the host's (a key in between) is refused, naming both.
    const wrong = `SHA256:${'A'.repeat(43)}`
    const refusedKey = run('hosts', 'trust', 'production', '--fingerprint', `app-1=${wrong}`)
    expect(refusedKey.code).toBe(1)
    expect(refusedKey.stderr).toContain(
      `app-1: the key offered now (${first.hostKeyFingerprint}) is not the one you gave`
    )
    expect(refusedKey.stdout).not.toMatch(/^trusted /m)

    // --yes trusts exactly what was shown: a key differing from it is refused.
    const shownFile = join(dataDir, 'hosts-shown.json')
    const record = JSON.parse(await readFile(shownFile, 'utf8')) as Record<
      string,
      Record<string, string>
    >
    const firstKey = `${first.address}:${first.port}`
    expect(record.production?.[firstKey]).toBe(first.hostKeyFingerprint)
    record.production = { ...record.production, [firstKey]: wrong }
    await writeFile(shownFile, JSON.stringify(record))
    const yesDiffers = run('hosts', 'trust', 'production', '--yes')
    expect(yesDiffers.code).toBe(1)
    expect(yesDiffers.stderr).toContain(`differs from the one shown before (${wrong})`)
    expect(yesDiffers.stdout.match(/^trusted /gm)).toHaveLength(1)
    expect(yesDiffers.stdout).toContain(
      `trusted ssh-ed25519 ${second.hostKeyFingerprint} for app-2`
    )

    // The compared fingerprint trusts the remaining host.
    const trusted = run('hosts', 'trust', 'production', '--fingerprint', first.hostKeyFingerprint)
    expect(trusted.code, trusted.stderr).toBe(0)
    expect(trusted.stdout.match(/^trusted /gm)).toHaveLength(1)

    const deployed = run('deploy', id, 'production', '--reason', 'ORD-9')
    expect(deployed.code, deployed.stderr).toBe(0)
    const rows = JSON.parse(run('status', 'production', '--json').stdout) as Array<
      Record<string, unknown>
    >
    expect(rows.map((r) => [r.host, r.release, r.lock])).toEqual([
      ['app-1', id, null],
      ['app-2', id, null]
    ])
  }, 120_000)
})
