import { spawnSync } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCliSync, type CliRun } from '../testing/cli-process'
import { freePort } from '../testing/ports'
import { removeDir, tempDir } from '../testing/temp-dir'
import { commitFile, git } from '../testing/test-repo'

// The CLI prints the errors the main process raises as they are, so each carries its next
// step: a host whose sshd is not running, a machine with no SSH identity.

describe('slipway says what to do next when a host cannot be reached (real process)', () => {
  let repo: string
  let dataDir: string
  let home: string
  let env: NodeJS.ProcessEnv
  let refusedPort: number

  let keyHome: string

  const run = (...args: string[]): CliRun =>
    runCliSync([...args, '--workspace', repo, '--trust'], { cwd: repo, env, timeoutMs: 120_000 })

  beforeAll(async () => {
    dataDir = await tempDir('slipway-next-steps-cli-')
    // An empty HOME and no agent: this machine has no SSH identity at all.
    home = join(dataDir, 'home')
    await mkdir(home)
    // Another HOME holding a key file (~/.ssh/id_ed25519), to get as far as the host's port.
    keyHome = join(dataDir, 'key-home')
    await mkdir(join(keyHome, '.ssh'), { recursive: true })
    const made = spawnSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-f',
      join(keyHome, '.ssh', 'id_ed25519')
    ])
    expect(made.status).toBe(0)
    repo = await tempDir('slipway-next-steps-repo-')
    git(repo, 'init', '-q', '-b', 'main')
    refusedPort = await freePort()
    const quietPort = await freePort()
    commitFile(
      repo,
      'slipway.yml',
      [
        'build:',
        `  command: mkdir -p out && printf '%s' "$SLIPWAY_RELEASE" > out/RELEASE`,
        '  artifact: out',
        'environments:',
        '  - name: staging',
        '    hosts:',
        `      - { host: '127.0.0.1:${refusedPort}', user: deploy, path: /srv/app, name: web-1 }`,
        '  - name: production',
        '    hosts:',
        `      - { host: '127.0.0.1:${quietPort}', user: deploy, path: /srv/app, name: app-1 }`,
        ''
      ].join('\n'),
      'ORD-1 First cut'
    )
    env = {
      ...process.env,
      HOME: home,
      SSH_AUTH_SOCK: '',
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_DEBUG: '',
      GIT_AUTHOR_NAME: 'Ana',
      GIT_AUTHOR_EMAIL: 'ana@example.com',
      GIT_COMMITTER_NAME: 'Ana',
      GIT_COMMITTER_EMAIL: 'ana@example.com'
    }
    const warm = runCliSync(['--version'], { cwd: repo, env, timeoutMs: 300_000 })
    expect(warm.code, warm.stderr).toBe(0)
    env.SLIPWAY_SKIP_BUILD = '1'
  }, 320_000)

  afterAll(async () => {
    if (repo) await removeDir(repo)
    if (dataDir) await removeDir(dataDir)
  })

  it('hosts trust on a host whose port refuses: unreachable, is sshd running on HOST:PORT?', () => {
    const r = runCliSync(['hosts', 'trust', 'staging', '--workspace', repo, '--trust'], {
      cwd: repo,
      env: { ...env, HOME: keyHome },
      timeoutMs: 120_000
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(
      `web-1: not reachable: cannot reach deploy@127.0.0.1:${refusedPort}: connection refused. ` +
        `Is sshd running on 127.0.0.1:${refusedPort}?`
    )
  })

  it('deploy with no SSH identity: the preflight failure says to add a key with ssh-add', () => {
    const release = run('release', 'create')
    expect(release.code, release.stderr).toBe(0)
    const id = release.stdout.trim()
    const r = run('deploy', id, 'production')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no SSH identity for deploy@127.0.0.1:')
    expect(r.stderr).toContain(
      '(no ssh-agent and no key file found): add a key with ssh-add, or set IdentityFile for this host in ~/.ssh/config'
    )
    expect(r.stderr).toContain('no host was modified')
  })
})
