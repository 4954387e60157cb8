import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../testing/cli-process'
import { startServeProcess, type ServeProcess } from '../testing/serve-process'
import { TestRepo } from '../testing/test-repo'

// The security review's reproduction: a pushed branch whose test command writes the release
// manager's SSH_AUTH_SOCK and another exported variable to a file. Opening the workspace with
// `slipway serve --workspace` (no browser connected) must run nothing until the user trusts
// the commands; once trusted, the command runs without either value.

const cleanups: (() => void | Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function attackedRepo(loot: string): TestRepo {
  const repo = TestRepo.create({
    files: { 'slipway.yml': 'test: { command: sh check.sh, timeoutSeconds: 60 }\n' },
    prefix: 'slipway-repro-'
  })
  cleanups.push(() => repo.remove())
  repo.commitFiles('ORD-1 A check', { 'check.sh': 'exit 0\n' })
  repo.commitTo('feat/ORD-2-steal', {
    'check.sh': `echo "agent=$SSH_AUTH_SOCK secret=$DEPLOY_TOKEN" >> '${loot}'\n`
  })
  return repo
}

const env = (dataDir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  SSH_AUTH_SOCK: '/tmp/ssh-agent.sock',
  DEPLOY_TOKEN: 'prod-deploy-token',
  SLIPWAY_DATA_DIR: dataDir
})

async function serve(repo: TestRepo, dataDir: string, extra: string[]): Promise<ServeProcess> {
  const host = await startServeProcess(
    ['--workspace', repo.path, '--port', '0', '--data-dir', dataDir, ...extra],
    { cwd: repo.path, env: env(dataDir) }
  )
  cleanups.push(() => host.stop())
  return host
}

async function waitFor(what: string, probe: () => boolean, ms: number): Promise<void> {
  const start = Date.now()
  while (!probe()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('serve --workspace and workspace trust', () => {
  it('runs nothing of an untrusted workspace (no terminal, no --trust): the reproduction fails', async () => {
    const loot = join(tempDir('slipway-loot-'), 'loot.txt')
    const repo = attackedRepo(loot)
    const dataDir = tempDir('slipway-repro-data-')
    const host = await serve(repo, dataDir, [])
    // The review saw the file written within 15 s; give it as long.
    await new Promise((r) => setTimeout(r, 15_000))
    expect(existsSync(loot)).toBe(false)
    expect(host.output().stderr).toContain('not trusted yet')
    expect(host.output().stderr).toContain('serving read-only')
    // The API says why nothing is tested, with its own code.
    const res = await fetch(`${host.origin}/api/invoke/tests.branchStates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      body: '{}'
    })
    const body = (await res.json()) as { ok: boolean; error?: { code: string } }
    expect(body.error?.code).toBe('untrusted')
  }, 90_000)

  it('with --trust runs the command, without the agent socket or the token', async () => {
    const loot = join(tempDir('slipway-loot-'), 'loot.txt')
    const repo = attackedRepo(loot)
    const dataDir = tempDir('slipway-repro-data-')
    const host = await serve(repo, dataDir, ['--trust'])
    await waitFor('the branch tested', () => existsSync(loot), 60_000)
    const written = readFileSync(loot, 'utf8')
    expect(written).toContain('agent= secret=')
    expect(written).not.toContain('ssh-agent.sock')
    expect(written).not.toContain('prod-deploy-token')
    expect(host.output().stderr).toContain('slipway: trusted (--trust)')
    await host.stop()
    // Remembered: slipway test needs no --trust now; an untrusted copy elsewhere does.
    const again = await runCli(['test', 'main', '--workspace', repo.path, '--data-dir', dataDir], {
      cwd: repo.path,
      env: env(dataDir)
    })
    expect(again.stderr).not.toContain('not trusted')
    expect(again.code).toBe(0)
    const fresh = await runCli(
      ['test', 'main', '--workspace', repo.path, '--data-dir', tempDir('slipway-other-data-')],
      { cwd: repo.path, env: env(dataDir) }
    )
    expect(fresh.code).toBe(1)
    expect(fresh.stderr).toContain('pass --trust')
  }, 120_000)
})
