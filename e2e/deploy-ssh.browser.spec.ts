import { expect, test } from '@playwright/test'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startAgent } from '../src/main/testing/deploy-support'
import {
  sshdUnavailableReason,
  startSshFleet,
  type SshTestFleet
} from '../src/main/testing/sshd-hosts'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

const unavailable = sshdUnavailableReason()

test.describe('host keys from the board, against real sshd hosts', () => {
  test.skip(unavailable !== null, unavailable ?? '')
  let fleet: SshTestFleet
  let agent: { socket: string; stop: () => void }
  let repo: string
  let host: ServeHost
  const savedSock = process.env.SSH_AUTH_SOCK

  test.beforeAll(async () => {
    fleet = await startSshFleet(2, { firstAddress: 91 })
    const made = TestRepo.create({ prefix: 'slipway-e2e-ssh-' })
    repo = made.path
    agent = await startAgent(repo, fleet.userKeyFile)
    const hosts = fleet.hosts
      .map(
        (h, i) =>
          `      - { host: '${h.address}:${h.port}', user: ${fleet.user}, path: ${h.deployPath}, name: app-${i + 1} }`
      )
      .join('\n')
    writeFileSync(
      join(repo, 'slipway.yml'),
      [
        'build:',
        `  command: mkdir -p out && printf '%s' "$SLIPWAY_RELEASE" > out/RELEASE`,
        '  artifact: out',
        'environments:',
        '  - name: production',
        '    hosts:',
        hosts,
        ''
      ].join('\n')
    )
    writeFileSync(join(repo, '.gitignore'), 'agent.sock\n')
    made.commitFiles('ORD-1 Deploy over SSH')
    // serve inherits this environment: its credential store finds the key through the agent.
    process.env.SSH_AUTH_SOCK = agent.socket
    host = await startServe(repo)
  })
  test.afterAll(async () => {
    await host?.stop()
    agent?.stop()
    if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK
    else process.env.SSH_AUTH_SOCK = savedSock
    await fleet?.stop()
    if (repo) rmSync(repo, { recursive: true, force: true })
  })

  test('unknown keys are shown with their fingerprints, accepted one by one, then deployed to', async ({
    page
  }) => {
    test.setTimeout(120_000)
    await page.goto(host.url)
    const lane = page.getByTestId('lane-env-production')
    await expect(lane.getByTestId('host-health').first()).toHaveText('unreachable')
    await expect(lane.getByTestId('host-release').first()).toHaveText('release unknown')
    await lane.getByTestId('check-keys-production').click()

    const prompt = page.getByTestId('host-key-prompt')
    for (const [i, sshd] of fleet.hosts.entries()) {
      await expect(prompt.getByTestId('host-key-fingerprint')).toHaveText(sshd.hostKeyFingerprint)
      if (i === 0) await page.screenshot({ path: 'e2e/screenshots/deploy-host-key.png' })
      await prompt.getByTestId('host-key-accept').click()
    }
    await expect(prompt).toBeHidden()
    await expect(lane.getByTestId('host-release')).toHaveText([
      'nothing deployed',
      'nothing deployed'
    ])

    await page.getByTestId('deploy-production').click()
    await page.getByTestId('create-release').click()
    await expect(page.getByTestId('deploy-release')).toHaveValue(/^\d{8}\.\d{4,6}-[0-9a-f]+/, {
      timeout: 30_000
    })
    const id = await page.getByTestId('deploy-release').inputValue()
    await page.getByTestId('deploy-start').click()
    await expect(page.getByTestId('deploy-status')).toHaveAttribute('data-status', 'succeeded', {
      timeout: 60_000
    })
    await page.getByTestId('deploy-close').click()
    await expect(lane.getByTestId('host-release')).toHaveText([id, id])
  })
})
