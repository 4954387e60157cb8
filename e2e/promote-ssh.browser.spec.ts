import { expect, test, type Locator, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startAgent } from '../src/main/testing/deploy-support'
import { keygen } from '../src/main/testing/promotion-team'
import {
  sshdUnavailableReason,
  startSshFleet,
  type SshTestFleet
} from '../src/main/testing/sshd-hosts'
import { git, TeamRepos } from '../src/main/testing/team-repos'
import { expectNoSeriousAxeViolation } from './axe-check'
import { startServe, type ServeHost } from './serve-host'

const unavailable = sshdUnavailableReason()

/** Accepts every unknown host key of one lane's hosts after comparing its fingerprint. */
async function trustKeys(page: Page, lane: Locator, fingerprints: readonly string[]) {
  await lane.getByTestId(/^check-keys-/).click()
  const prompt = page.getByTestId('host-key-prompt')
  for (const fingerprint of fingerprints) {
    await expect(prompt.getByTestId('host-key-fingerprint')).toHaveText(fingerprint, {
      timeout: 30_000
    })
    await prompt.getByTestId('host-key-accept').click()
  }
  await expect(prompt).toBeHidden({ timeout: 30_000 })
}

test.describe('promoting to production on real sshd hosts, with a signed approval', () => {
  test.skip(unavailable !== null, unavailable ?? '')
  let fleet: SshTestFleet
  let agent: { socket: string; stop: () => void }
  let repos: TeamRepos
  let host: ServeHost
  let anaPath: string
  let benPath: string
  let benData: string
  const savedSock = process.env.SSH_AUTH_SOCK

  test.beforeAll(async () => {
    // staging-1, then production-1 and production-2: one sshd each, the same deploy path on all.
    fleet = await startSshFleet(3, {
      firstAddress: 241,
      deployPath: '/srv/slipway-promote-e2e/app'
    })
    repos = TeamRepos.create()
    agent = await startAgent(repos.root, fleet.userKeyFile)
    anaPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    benPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    benData = mkdtempSync(join(tmpdir(), 'slipway-e2e-ben-'))
    // Ben signs approvals with his own ed25519 key; main's allowed_signers names it as his.
    const keys = join(repos.root, 'keys')
    mkdirSync(keys)
    const benKey = keygen(keys, 'ben')
    git(benPath, ['config', 'user.signingkey', benKey])
    const benPublic = readFileSync(`${benKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
    mkdirSync(join(anaPath, '.slipway'))
    writeFileSync(join(anaPath, '.slipway', 'allowed_signers'), `ben@example.com ${benPublic}\n`)
    const line = (i: number, name: string): string => {
      const h = fleet.hosts[i]
      if (!h) throw new Error(`no host ${i}`)
      return `      - { host: '${h.address}:${h.port}', user: ${fleet.user}, path: ${h.deployPath}, name: ${name} }`
    }
    writeFileSync(
      join(anaPath, 'slipway.yml'),
      [
        'project: orders',
        'tickets: { projects: [ORD] }',
        'build:',
        `  command: mkdir -p dist && printf '%s\\n' "$SLIPWAY_RELEASE" > dist/RELEASE && cp app.txt dist/`,
        '  artifact: dist',
        'environments:',
        '  - name: staging',
        '    hosts:',
        line(0, 'staging-1'),
        '    healthCheck: { command: cat RELEASE }',
        '  - name: production',
        '    promoteFrom: staging',
        '    approvals: { required: 1, authorCannotApprove: true, signed: true }',
        '    hosts:',
        line(1, 'production-1'),
        line(2, 'production-2'),
        '    healthCheck: { command: cat RELEASE }',
        ''
      ].join('\n')
    )
    writeFileSync(join(anaPath, 'app.txt'), 'orders v1\n')
    git(anaPath, ['add', '.'])
    git(anaPath, ['commit', '-q', '-m', 'ORD-1 Orders app'])
    git(anaPath, ['push', '-q', 'origin', 'main'])
    git(benPath, ['pull', '-q', 'origin', 'main'])
    // serve inherits this environment: its credential store finds the login key in the agent.
    process.env.SSH_AUTH_SOCK = agent.socket
    host = await startServe(anaPath)
  })
  test.afterAll(async () => {
    await host?.stop()
    agent?.stop()
    if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK
    else process.env.SSH_AUTH_SOCK = savedSock
    await fleet?.stop()
    if (benData) rmSync(benData, { recursive: true, force: true })
    repos?.remove()
  })

  test('staging → Promote… → Ana refused → Ben approves signed from his clone → both hosts serve it → the ledger verifies', async ({
    page
  }) => {
    test.setTimeout(360_000)
    const [staging1, production1, production2] = fleet.hosts
    if (!staging1 || !production1 || !production2) throw new Error('three hosts expected')
    await page.goto(host.url)
    const staging = page.getByTestId('lane-env-staging')
    const production = page.getByTestId('lane-env-production')
    await trustKeys(page, staging, [staging1.hostKeyFingerprint])
    await trustKeys(page, production, [
      production1.hostKeyFingerprint,
      production2.hostKeyFingerprint
    ])
    await expect(production.getByTestId('host-release')).toHaveText([
      'nothing deployed',
      'nothing deployed'
    ])

    // A release built once, deployed to staging over SSH, healthy there.
    await page.getByTestId('deploy-staging').click()
    await page.getByTestId('create-release').click()
    const options = page.getByTestId('deploy-release').locator('option[value^="2"]')
    await expect(options).toHaveCount(1, { timeout: 60_000 })
    const release = await page.getByTestId('deploy-release').inputValue()
    await page.getByTestId('deploy-start').click()
    await expect(page.getByTestId('deploy-status')).toHaveAttribute('data-status', 'succeeded', {
      timeout: 90_000
    })
    await page.getByTestId('deploy-close').click()
    await expect(staging.getByTestId('host-health')).toHaveText('healthy', { timeout: 30_000 })

    // Promote…: requested; Ana's own approval is refused, in words.
    await production.getByTestId('promote-production').click()
    const dialog = page.getByTestId('promote-dialog')
    await expect(dialog.getByTestId('promote-ships')).toContainText('ORD-1', { timeout: 30_000 })
    await dialog.getByTestId('promote-start').click()
    await expect(dialog.getByTestId('promote-approvals')).toContainText('Approvals: 0 of 1', {
      timeout: 90_000
    })
    await expect(dialog.getByTestId('promote-start')).toBeDisabled()
    await dialog.getByTestId('promote-approve').click()
    await expect(dialog.getByTestId('promote-error')).toHaveText(
      'ana@example.com requested this promotion; the approval must come from someone else',
      { timeout: 60_000 }
    )

    // Ben approves from his own clone with the real CLI, signing with his own key.
    const approve = spawnSync(
      process.execPath,
      [
        resolve('out/main/cli.js'),
        'approve',
        release,
        'production',
        '--workspace',
        benPath,
        '--data-dir',
        benData
      ],
      { encoding: 'utf8', timeout: 120_000 }
    )
    expect(approve.status, approve.stderr).toBe(0)
    expect(approve.stdout).toContain('Approved.')

    // Ana syncs: the signed approval arrives and counts.
    await page.keyboard.press('Escape')
    await page.getByTestId('sync-indicator').getByRole('button', { name: 'Sync' }).click()
    await expect(production.getByTestId('promotion-production')).toContainText(
      'approved, ready to deploy',
      { timeout: 90_000 }
    )
    await production.getByTestId('promotion-production').click()
    await expect(dialog.getByTestId('promote-approvals')).toContainText('Ben Okafor')
    await expect(dialog.getByTestId('promote-approvals')).toContainText('signed')
    await expect(dialog.getByTestId('promote-start')).toBeEnabled()
    await dialog.getByTestId('promote-start').click()
    await expect(dialog.getByTestId('promote-outcome')).toContainText('production: succeeded', {
      timeout: 120_000
    })
    await page.keyboard.press('Escape')

    // Every production host serves the release: its `current`, read through the host's own
    // folder (what sshd mounts at the deploy path), and the lane's reading over SSH.
    for (const h of [production1, production2]) {
      expect(readlinkSync(join(h.hostDir, 'current'))).toBe(`releases/${release}`)
      expect(readFileSync(join(h.hostDir, 'current', 'RELEASE'), 'utf8').trim()).toBe(release)
    }
    await expect(production.getByTestId('host-release')).toHaveText([release, release], {
      timeout: 30_000
    })

    // The Ledger view: the promotion's trail names the ticket, release, approval and hosts;
    // Verify checks the chain, Ben's signature and both deployments against the hosts' logs.
    await page.getByTestId('open-ledger').click()
    const view = page.getByTestId('ledger-view')
    await view.getByTestId('ledger-environment').selectOption('production')
    const promotions = view.locator('[data-kind="promotion"]')
    await expect(promotions.filter({ hasText: ': ended' })).toContainText('succeeded', {
      timeout: 30_000
    })
    await expect(promotions.filter({ hasText: ': requested' })).toContainText('ORD-1')
    await expect(promotions.filter({ hasText: ': approval refused' })).toContainText(
      'ana@example.com requested this promotion'
    )
    const approval = view.locator('[data-kind="approval"]')
    await expect(approval).toHaveCount(1)
    await expect(approval).toContainText(`Approved ${release} for production (signed)`)
    await expect(approval).toContainText('ben@example.com')
    await expect(approval).toContainText('ORD-1')
    const finished = view
      .locator('[data-kind="deployment"]')
      .filter({ hasText: `Deployment of ${release} on production ended: succeeded` })
    await expect(finished).toContainText('Hosts: production-1, production-2')
    await expect(finished).toContainText('ORD-1')
    await view.getByTestId('ledger-verify').click()
    const verified = view.getByTestId('ledger-verify-result')
    await expect(verified).toHaveAttribute('data-ok', 'true', { timeout: 60_000 })
    await expect(verified).toContainText(
      /^Verified: \d+ entries in an unbroken chain, 2 deployments confirmed by the hosts' own logs\.$/
    )
    // A populated ledger with its verdict (the gallery's axe pass sees only an empty one).
    await expectNoSeriousAxeViolation(page)

    // Production's history merges the hosts' logs (read over SSH) with the ledger: one
    // deployment, recorded by both.
    await page.keyboard.press('Escape')
    await production.getByTestId('history-production').click()
    const history = page.getByTestId('history-dialog')
    await expect(history.getByTestId('history-row')).toHaveCount(1, { timeout: 60_000 })
    await expect(history.getByTestId('history-row')).toHaveAttribute('data-source', 'both')
    await expectNoSeriousAxeViolation(page)
  })
})
