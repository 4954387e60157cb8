import { execFileSync } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../shared/errors'
import { approvalPayload, APPROVAL_NAMESPACE } from '../services/promotions'
import { TeamStateStore } from '../services/team-state'
import { memorySettingsStore } from '../services/workspace'
import { git, TeamRepos } from '../testing/team-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { createRouter, type Router } from './router'
import { trustOpenWorkspace } from '../testing/trust'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

function refusal(result: ApiResult<unknown>): { code: string; message: string } {
  if (result.ok) throw new Error('expected a refusal, got a value')
  return result.error
}

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

async function open(path: string): Promise<Router> {
  const dataDir = await tempDir('slipway-promote-')
  const router = createRouter({
    host: 'serve',
    version: '9.9.9',
    dataDir,
    settings: memorySettingsStore()
  })
  cleanup.push(async () => {
    await router.dispose()
    await removeDir(dataDir)
  })
  value(await router.openWorkspace(path))
  // Each person has read the pipeline's commands and trusts them, as the dialog asks.
  await trustOpenWorkspace(router)
  return router
}

/** The pipeline: staging and a production promoted from it, hosts shared by both clones. */
function pipeline(hosts: string, production: string): string {
  return `project: orders
tickets: { projects: [ORD] }
build:
  command: mkdir -p dist && printf '%s\\n' "$SLIPWAY_RELEASE" > dist/RELEASE && cp app.txt dist/
  artifact: dist
environments:
  - name: staging
    hosts: [{ local: ${hosts}/staging-1, name: staging-1 }]
    healthCheck: { command: cat RELEASE }
  - name: production
    promoteFrom: staging
${production}    hosts:
      - { local: ${hosts}/production-1, name: production-1 }
      - { local: ${hosts}/production-2, name: production-2 }
    healthCheck: { command: cat RELEASE }
`
}

async function currentOf(hostDir: string): Promise<string | null> {
  return (
    (await readFile(join(hostDir, 'current', 'RELEASE'), 'utf8').catch(() => null))?.trim() ?? null
  )
}

/** Deploys `release` to staging and waits for the hosts to serve it. */
async function onStaging(router: Router, release: string): Promise<void> {
  value(await router.call('deployments.start', { release, environment: 'staging' }))
  for (let i = 0; i < 600; i++) {
    const s = value(await router.call('environments.status', { environment: 'staging' }))
    if (s.hosts.every((h) => h.release === release && h.healthy)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${release} never became healthy on staging`)
}

describe(
  'promotions through the router: two people, two clones, one origin',
  { timeout: 300_000 },
  () => {
    it('requests, refuses the requester and authors, approves from the other clone, checks sha256, deploys the same artifact', async () => {
      const repos = TeamRepos.create()
      cleanup.push(async () => repos.remove())
      const hosts = join(repos.root, 'hosts')
      await mkdir(hosts)
      const anaPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
      const benPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
      const freezeWindow = `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)} 00:00 - ${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)} 00:00`
      const production =
        '    approvals: { required: 1, authorCannotApprove: true }\n' +
        `    freeze: ['${freezeWindow}']\n    freezeTimezone: UTC\n`
      await writeFile(join(anaPath, 'slipway.yml'), pipeline(hosts, production))
      await writeFile(join(anaPath, 'app.txt'), 'orders v1\n')
      git(anaPath, ['add', '.'])
      git(anaPath, ['commit', '-q', '-m', 'ORD-1 Orders app'])
      git(anaPath, ['push', '-q', 'origin', 'main'])
      git(benPath, ['pull', '-q', 'origin', 'main'])

      const ana = await open(anaPath)
      const ben = await open(benPath)
      const r1 = value(await ana.call('releases.create', {}))

      // Not current on staging: refused, naming the host.
      const early = refusal(
        await ana.call('promotions.promote', { release: r1.id, environment: 'production' })
      )
      expect(early.message).toBe(
        `${r1.id} is not current and healthy on every host of staging: staging-1 runs nothing`
      )

      await onStaging(ana, r1.id)
      // Production takes releases only through an approved promotion.
      expect(
        refusal(await ana.call('deployments.start', { release: r1.id, environment: 'production' }))
          .message
      ).toBe(
        'production needs 1 approval: promote a release to it (slipway promote RELEASE production, or Promote… on the board) instead of deploying'
      )
      const preview = value(
        await ana.call('promotions.preview', { release: r1.id, environment: 'production' })
      )
      expect(preview.ships.since).toBeNull()
      expect(preview.ships.commits.map((c) => c.subject)).toEqual([
        'ORD-1 Orders app',
        'Initial commit'
      ])
      expect(preview.ships.tickets).toEqual([
        { key: 'ORD-1', title: null, type: null, status: null, resolved: false }
      ])

      const requested = value(
        await ana.call('promotions.promote', {
          release: r1.id,
          environment: 'production',
          reason: 'weekly'
        })
      )
      expect(requested.kind).toBe('pending')
      expect(requested.promotion.pending).toEqual([
        'approvals: 1 more approval needed (0 of 1) from someone who neither requested it nor authored a shipped commit'
      ])
      // The requester cannot approve.
      expect(
        refusal(await ana.call('promotions.approve', { release: r1.id, environment: 'production' }))
          .message
      ).toBe('ana@example.com requested this promotion; the approval must come from someone else')
      // Ben sees it after a sync (approve syncs first) and approves from his own clone.
      const approved = value(
        await ben.call('promotions.approve', { release: r1.id, environment: 'production' })
      )
      expect(approved.approvals).toMatchObject([
        { by: { email: 'ben@example.com' }, valid: true, why: null }
      ])
      expect(approved.state).toBe('approved')

      // One target host holds releases/<r1> with another sha256: refused before anything is activated.
      const planted = join(hosts, 'production-2', 'releases', r1.id)
      await mkdir(planted, { recursive: true })
      await writeFile(join(planted, '.slipway-sha256'), `${'0'.repeat(64)}\n`)
      const mismatch = refusal(
        await ana.call('promotions.promote', { release: r1.id, environment: 'production' })
      )
      expect(mismatch.message).toContain(
        `production-2 holds releases/${r1.id} with sha256 ${'0'.repeat(64)}`
      )
      expect(mismatch.message).toContain('nothing was activated')
      expect(await currentOf(join(hosts, 'production-1'))).toBeNull()
      await rm(planted, { recursive: true })

      // Production is frozen: refused without a written override.
      const frozen = refusal(
        await ana.call('promotions.promote', { release: r1.id, environment: 'production' })
      )
      expect(frozen.code).toBe('frozen')
      expect(frozen.message).toContain(`production is frozen by '${freezeWindow}'`)

      const done = value(
        await ana.call('promotions.promote', {
          release: r1.id,
          environment: 'production',
          overrideFreeze: 'first production release, agreed with the team'
        })
      )
      expect(done.kind).toBe('deployed')
      if (done.kind !== 'deployed') return
      expect(done.deployment.status, done.deployment.summary).toBe('succeeded')
      expect(await currentOf(join(hosts, 'production-1'))).toBe(r1.id)
      expect(await currentOf(join(hosts, 'production-2'))).toBe(r1.id)
      expect(done.promotion.outcome).toMatchObject({
        status: 'succeeded',
        deployment: done.deployment.id
      })

      // Ben sees the outcome after a sync.
      value(await ben.call('team.sync', {}))
      const seen = value(await ben.call('promotions.list', {}))
      expect(seen[0]).toMatchObject({
        release: r1.id,
        state: 'ended',
        outcome: { status: 'succeeded' }
      })

      // Ben's own change ships next (and a revert): he cannot approve it.
      await writeFile(join(benPath, 'app.txt'), 'orders v2\n')
      git(benPath, ['commit', '-q', '-am', 'ORD-42 Round totals'])
      git(benPath, ['commit', '-q', '--allow-empty', '-m', 'Revert "ORD-43 Try caching"'])
      git(benPath, ['push', '-q', 'origin', 'main'])
      git(anaPath, ['pull', '-q', 'origin', 'main'])
      const r2 = value(await ana.call('releases.create', {}))
      await onStaging(ana, r2.id)
      const second = value(
        await ana.call('promotions.promote', { release: r2.id, environment: 'production' })
      )
      expect(second.kind).toBe('pending')
      expect(second.promotion.ships.since).toBe(r1.id)
      expect(second.promotion.ships.commits.map((c) => [c.subject, c.revert])).toEqual([
        ['Revert "ORD-43 Try caching"', true],
        ['ORD-42 Round totals', false]
      ])
      const own = refusal(
        await ben.call('promotions.approve', { release: r2.id, environment: 'production' })
      )
      expect(own.message).toMatch(
        /^ben@example\.com authored [0-9a-f]{7} "Revert "ORD-43 Try caching"" and 1 more, which ships; the approval must come from someone who authored none of the shipped commits$/
      )

      // Release notes: the release's tickets grouped by type, its reverts listed.
      const notes = value(await ana.call('releases.notes', { release: r2.id })).markdown
      expect(notes).toContain(`# Release ${r2.id}`)
      expect(notes).toContain('## Other (not tracked here)\n\n- ORD-42\n- ORD-43')
      expect(notes).toMatch(/## Reverted\n\n- [0-9a-f]{7} Revert "ORD-43 Try caching"\n/)

      // The earlier release is no longer current on staging.
      expect(
        refusal(await ana.call('promotions.promote', { release: r1.id, environment: 'production' }))
          .message
      ).toBe(
        `${r1.id} is not current and healthy on every host of staging: staging-1 runs ${r2.id}`
      )
    })

    it('counts only approvals signed with a key the allowed-signers file on main names', async () => {
      const repos = TeamRepos.create()
      cleanup.push(async () => repos.remove())
      const hosts = join(repos.root, 'hosts')
      const keys = join(repos.root, 'keys')
      await mkdir(hosts)
      await mkdir(keys)
      const keygen = (name: string): string => {
        execFileSync('ssh-keygen', [
          '-q',
          '-t',
          'ed25519',
          '-N',
          '',
          '-C',
          name,
          '-f',
          join(keys, name)
        ])
        return join(keys, name)
      }
      const benKey = keygen('ben')
      const malloryKey = keygen('mallory')
      const anaPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
      const benPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
      await writeFile(
        join(anaPath, 'slipway.yml'),
        pipeline(hosts, '    approvals: { required: 1, authorCannotApprove: true, signed: true }\n')
      )
      await mkdir(join(anaPath, '.slipway'))
      const benPub = (await readFile(`${benKey}.pub`, 'utf8'))
        .trim()
        .split(' ')
        .slice(0, 2)
        .join(' ')
      await writeFile(join(anaPath, '.slipway', 'allowed_signers'), `ben@example.com ${benPub}\n`)
      await writeFile(join(anaPath, 'app.txt'), 'orders v1\n')
      git(anaPath, ['add', '.'])
      git(anaPath, ['commit', '-q', '-m', 'ORD-1 Orders app'])
      git(anaPath, ['push', '-q', 'origin', 'main'])
      git(benPath, ['pull', '-q', 'origin', 'main'])

      const ana = await open(anaPath)
      const ben = await open(benPath)
      const r1 = value(await ana.call('releases.create', {}))
      await onStaging(ana, r1.id)
      const asked = value(
        await ana.call('promotions.promote', { release: r1.id, environment: 'production' })
      )
      expect(asked.kind).toBe('pending')
      const id = asked.promotion.id

      // Ben has no signing key yet: refused, saying how to set one.
      const noKey = refusal(
        await ben.call('promotions.approve', { release: r1.id, environment: 'production' })
      )
      expect(noKey.message).toContain('git has no signing key: set git config user.signingkey')
      // Signing with a key the allowed-signers file does not name: refused before it is written.
      git(benPath, ['config', 'user.signingkey', malloryKey])
      const wrong = refusal(
        await ben.call('promotions.approve', { release: r1.id, environment: 'production' })
      )
      expect(wrong.message).toMatch(
        /^your approval would not count: the signature does not verify as ben@example\.com's in \.slipway\/allowed_signers \(ssh-keygen: .+\)$/
      )

      // Approvals written past the checks (an older client, a hand-made ref) are judged on read.
      const benStore = await TeamStateStore.open(benPath)
      const approveAs = async (data: Record<string, unknown>): Promise<void> => {
        await benStore.append({
          path: `promotions/${id}`,
          type: 'promotion.approve',
          data,
          mode: 'append'
        })
        value(await ben.call('team.sync', {}))
        value(await ana.call('team.sync', {}))
      }
      await approveAs({})
      let seen = value(await ana.call('promotions.list', {}))[0]
      expect(seen?.approvals).toMatchObject([
        {
          by: { email: 'ben@example.com' },
          signed: false,
          valid: false,
          why: 'not signed: approvals of production must carry an SSH signature (approvals.signed)'
        }
      ])
      expect(seen?.state).toBe('pending')
      const payload = approvalPayload(asked.promotion)
      const forged = execFileSync(
        'ssh-keygen',
        ['-Y', 'sign', '-q', '-f', malloryKey, '-n', APPROVAL_NAMESPACE],
        {
          input: payload,
          encoding: 'utf8'
        }
      )
      await approveAs({ signature: forged })
      seen = value(await ana.call('promotions.list', {}))[0]
      expect(seen?.approvals[0]).toMatchObject({ signed: true, valid: false })
      expect(seen?.approvals[0]?.why).toContain("does not verify as ben@example.com's")
      // Ben's real signature over another promotion's text does not count here either.
      const elsewhere = execFileSync(
        'ssh-keygen',
        ['-Y', 'sign', '-q', '-f', benKey, '-n', APPROVAL_NAMESPACE],
        {
          input: payload.replace(id, '0000000000000000'),
          encoding: 'utf8'
        }
      )
      await approveAs({ signature: elsewhere })
      expect(value(await ana.call('promotions.list', {}))[0]?.approvals[0]?.valid).toBe(false)

      // Signed with Ben's own key: it counts, and Ana's promote deploys.
      git(benPath, ['config', 'user.signingkey', benKey])
      const approved = value(
        await ben.call('promotions.approve', { release: r1.id, environment: 'production' })
      )
      expect(approved.approvals).toMatchObject([{ signed: true, valid: true, why: null }])
      const done = value(
        await ana.call('promotions.promote', { release: r1.id, environment: 'production' })
      )
      expect(done.kind === 'deployed' ? done.deployment.status : done.kind).toBe('succeeded')
      expect(await currentOf(join(hosts, 'production-2'))).toBe(r1.id)
    })
  }
)
