import { expect, test, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/main/testing/ports'
import { TestRepo } from '../src/main/testing/test-repo'
import { expectNoSeriousAxeViolation } from './axe-check'
import { startServe, type ServeHost } from './serve-host'

// Errors say what to do next, as the main process raised them: a host whose sshd is not
// running, a machine with no SSH identity, a folder that is not a repository.

const yml = (port: number): string =>
  [
    'environments:',
    '  - name: staging',
    '    hosts:',
    `      - { host: '127.0.0.1:${port}', user: deploy, path: /srv/app, name: web-1 }`,
    ''
  ].join('\n')

async function checkKeysByKeyboard(page: Page): Promise<void> {
  const button = page.getByTestId('check-keys-staging')
  await button.focus()
  await page.keyboard.press('Enter')
}

test.describe('a host whose port refuses, from a machine with a key', () => {
  let host: ServeHost
  let repo: TestRepo
  let port: number
  let home: string
  test.beforeAll(async () => {
    port = await freePort()
    home = mkdtempSync(join(tmpdir(), 'slipway-e2e-home-'))
    mkdirSync(join(home, '.ssh'))
    const keygen = spawnSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-f',
      join(home, '.ssh', 'id_ed25519')
    ])
    expect(keygen.status).toBe(0)
    repo = TestRepo.create({ prefix: 'slipway-e2e-refused-', files: { 'slipway.yml': yml(port) } })
    host = await startServe(repo.path, { env: { HOME: home, SSH_AUTH_SOCK: '' } })
  })
  test.afterAll(async () => {
    await host?.stop()
    rmSync(repo.path, { recursive: true, force: true })
    rmSync(home, { recursive: true, force: true })
  })

  test('the host card and Check host keys… say it is unreachable: is sshd running on HOST:PORT?', async ({
    page
  }) => {
    await page.goto(host.url)
    const lane = page.getByTestId('lane-env-staging')
    const advice = `cannot reach deploy@127.0.0.1:${port}: connection refused. Is sshd running on 127.0.0.1:${port}?`
    await expect(lane.getByTestId('host-web-1')).toContainText(advice)
    await checkKeysByKeyboard(page)
    const note = lane.getByTestId('key-check-staging')
    // The reason once: on the host's card; the check points to it.
    await expect(note).toHaveText(
      'web-1 is unreachable, so its host key was not checked; the reason is on its card below'
    )
    await expect(note).toHaveAttribute('role', 'status')
    await expectNoSeriousAxeViolation(page)
  })
})

test.describe('a machine with no SSH identity, and a folder that is not a repository', () => {
  let host: ServeHost
  let repo: TestRepo
  let plain: string
  let home: string
  test.beforeAll(async () => {
    const port = await freePort()
    home = mkdtempSync(join(tmpdir(), 'slipway-e2e-home-'))
    plain = mkdtempSync(join(tmpdir(), 'slipway-e2e-plain-'))
    repo = TestRepo.create({ prefix: 'slipway-e2e-noid-', files: { 'slipway.yml': yml(port) } })
    host = await startServe(repo.path, { env: { HOME: home, SSH_AUTH_SOCK: '' } })
  })
  test.afterAll(async () => {
    await host?.stop()
    rmSync(repo.path, { recursive: true, force: true })
    rmSync(home, { recursive: true, force: true })
    rmSync(plain, { recursive: true, force: true })
  })

  test('no SSH identity: add a key with ssh-add, or set IdentityFile; not a repository: git init', async ({
    page
  }) => {
    await page.goto(host.url)
    const lane = page.getByTestId('lane-env-staging')
    await checkKeysByKeyboard(page)
    await expect(lane.getByTestId('key-check-staging')).toHaveText(
      'web-1 is unreachable, so its host key was not checked; the reason is on its card below'
    )
    const card = lane.getByTestId('host-web-1')
    await expect(card).toContainText('no SSH identity for deploy@127.0.0.1:')
    await expect(card).toContainText(
      'add a key with ssh-add, or set IdentityFile for this host in ~/.ssh/config'
    )
    await page.getByRole('button', { name: /switch workspace/i }).click()
    await page.getByTestId('workspace-path').fill(plain)
    await page.getByTestId('workspace-path').press('Enter')
    await expect(page.getByRole('alert')).toHaveText(
      `${plain} is not a git repository: pick the repository's root folder, or run git init there`
    )
  })
})
