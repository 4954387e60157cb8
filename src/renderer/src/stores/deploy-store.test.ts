import { describe, expect, it } from 'vitest'
import type { Deployment, EnvironmentStatus, Release } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import type { Notifier } from '../lib/notify'
import { releaseChanges } from '../lib/release-changes'
import { createFakeClient, deferred } from '../test/fake-client'
import { DEPLOY_DEFAULTS, createDeployStore } from './deploy-store'
import { createReleasesStore } from './releases-store'

const RELEASE = '20261126.1204-abc1234'

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd1',
    workspace: '/repos/orders',
    kind: 'deploy',
    release: RELEASE,
    environment: 'staging',
    status: 'running',
    startedBy: 'ada@laptop',
    startedAt: '2026-11-26T12:04:00.000Z',
    finishedAt: null,
    hosts: [{ host: 'web-1', step: 'upload', state: 'running', progress: 0.5, message: '' }],
    log: [],
    summary: '',
    version: 1,
    ...overrides
  }
}

function status(release: string | null): EnvironmentStatus {
  return {
    environment: 'staging',
    hosts: [
      {
        host: 'web-1',
        reachable: true,
        error: null,
        release,
        previous: null,
        releases: release ? [release] : [],
        health: { kind: 'healthy', release, detail: '' },
        healthy: true,
        lock: null
      }
    ],
    drift: false,
    badReleases: [],
    readAt: '2026-11-26T12:05:00.000Z'
  }
}

function recordingNotifier(): Notifier & { shown: string[]; asked: number } {
  const n = {
    shown: [] as string[],
    asked: 0,
    requestPermission() {
      n.asked++
    },
    notify(title: string, body: string) {
      n.shown.push(`${title}: ${body}`)
    }
  }
  return n
}

const hostKeyError = new ApiCallError({
  code: 'host-key-unknown',
  message: 'the host key of [10.0.0.5]:2222 is not known',
  details: {
    host: '10.0.0.5',
    port: 2222,
    keyType: 'ssh-ed25519',
    fingerprint: 'SHA256:abc',
    key: 'AAAAC3NzaC1lZDI1NTE5AAAAIHg='
  }
})

describe('deploy store', () => {
  it('starts from its defaults and reads an environment', async () => {
    const client = createFakeClient({ 'environments.status': () => status(RELEASE) })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    expect(store.getState()).toMatchObject(DEPLOY_DEFAULTS)
    const loading = store.getState().loadStatus('staging')
    expect(store.getState().environments.staging?.loading).toBe(true)
    await loading
    expect(store.getState().environments.staging).toMatchObject({
      loading: false,
      error: null,
      status: { hosts: [{ release: RELEASE }] }
    })
    // A pushed reading replaces it; an empty one asks the hosts again.
    store.getState().statusChanged('staging', status(null))
    expect(store.getState().environments.staging?.status?.hosts[0]?.release).toBeNull()
    store.getState().statusChanged('staging', null)
    await Promise.resolve()
    expect(client.callsOf('environments.status')).toHaveLength(2)
  })

  it('starts a deployment, shows its progress, and notifies once when it ends', async () => {
    const notifier = recordingNotifier()
    const client = createFakeClient({ 'deployments.start': () => deployment() })
    const store = createDeployStore(client, { notifier })
    store.getState().openDeploy('staging')
    expect(await store.getState().deploy(RELEASE, 'staging', '  ORD-1 hotfix ')).toBe(true)
    expect(client.callsOf('deployments.start')).toEqual([
      { release: RELEASE, environment: 'staging', reason: 'ORD-1 hotfix' }
    ])
    expect(store.getState().dialog).toEqual({ kind: 'progress', id: 'd1' })
    expect(notifier.asked).toBe(1)

    store.getState().deploymentChanged(deployment({ hosts: [] }))
    expect(notifier.shown).toEqual([])
    const done = deployment({ status: 'succeeded', summary: 'Deployed to 1 host' })
    store.getState().deploymentChanged(done)
    store.getState().deploymentChanged(done)
    expect(notifier.shown).toEqual(['Deployment to staging succeeded: Deployed to 1 host'])
    expect(store.getState().deployments).toEqual([done])
  })

  it('keeps the failure when a deployment fails before deployments.start answers', async () => {
    // Preflight fails within milliseconds: the events (running, then failed) reach the store
    // before the answer of deployments.start, which carries the first, "running" snapshot.
    const first = deployment({ version: 1, hosts: [] })
    const failed = deployment({
      version: 4,
      status: 'failed',
      finishedAt: '2026-11-26T12:04:00.050Z',
      summary: 'Preflight failed on web-1: connection refused',
      log: ['web-1: preflight failed: connection refused']
    })
    const notifier = recordingNotifier()
    const client = createFakeClient({
      'deployments.start': () => {
        store.getState().deploymentChanged(first)
        store.getState().deploymentChanged(failed)
        return first
      }
    })
    const store = createDeployStore(client, { notifier })
    expect(await store.getState().deploy(RELEASE, 'staging')).toBe(true)
    expect(store.getState().dialog).toEqual({ kind: 'progress', id: 'd1' })
    expect(store.getState().deployments).toEqual([failed])
    expect(notifier.shown).toEqual([
      'Deployment to staging failed: Preflight failed on web-1: connection refused'
    ])
    // An older snapshot arriving late (a slow list) changes nothing either.
    store.getState().deploymentChanged(first)
    expect(store.getState().deployments).toEqual([failed])
  })

  it('does not notify for deployments it never saw running', () => {
    const notifier = recordingNotifier()
    const store = createDeployStore(createFakeClient(), { notifier })
    store.getState().deploymentChanged(deployment({ id: 'old', status: 'failed' }))
    expect(notifier.shown).toEqual([])
  })

  it('asks about an unknown host key, trusts it on accept and retries the deploy', async () => {
    let attempts = 0
    const client = createFakeClient({
      'deployments.start': () => {
        attempts++
        if (attempts === 1) throw hostKeyError
        return deployment()
      },
      'hosts.trustKey': () => ({ ok: true as const })
    })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    expect(await store.getState().deploy(RELEASE, 'staging')).toBe(false)
    expect(store.getState().prompt).toMatchObject({
      kind: 'host-key',
      changed: false,
      fingerprint: 'SHA256:abc',
      port: 2222
    })
    expect(store.getState().error).toBeNull()
    await store.getState().acceptHostKey()
    expect(client.callsOf('hosts.trustKey')).toEqual([
      { host: '10.0.0.5', port: 2222, keyType: 'ssh-ed25519', key: 'AAAAC3NzaC1lZDI1NTE5AAAAIHg=' }
    ])
    expect(attempts).toBe(2)
    expect(store.getState().prompt).toBeNull()
    expect(store.getState().dialog).toEqual({ kind: 'progress', id: 'd1' })
  })

  it('checks host keys from the lane: asks about each unknown one, then reads the hosts', async () => {
    const unknown = (host: string, key: string) => ({
      host,
      address: host,
      port: 22,
      state: 'unknown' as const,
      keyType: 'ssh-ed25519',
      key,
      fingerprint: `SHA256:${key}`,
      message: 'not known'
    })
    const trusted: string[] = []
    const client = createFakeClient({
      'hosts.scan': () =>
        [unknown('app1', 'k1'), unknown('app2', 'k2')].map((s) =>
          trusted.includes(s.key) ? { ...s, state: 'trusted' as const, key: null } : s
        ),
      'hosts.trustKey': (r) => {
        trusted.push(r.key)
        return { ok: true as const }
      },
      'environments.status': () => status(RELEASE)
    })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    await store.getState().checkHostKeys('production')
    expect(store.getState().prompt).toMatchObject({ host: 'app1', fingerprint: 'SHA256:k1' })
    await store.getState().acceptHostKey()
    expect(store.getState().prompt).toMatchObject({ host: 'app2', fingerprint: 'SHA256:k2' })
    await store.getState().acceptHostKey()
    expect(trusted).toEqual(['k1', 'k2'])
    expect(store.getState().prompt).toBeNull()
    expect(client.callsOf('environments.status')).toEqual([{ environment: 'production' }])
  })

  it('keeps asking about one lane’s keys while another lane’s check is still reading its hosts', async () => {
    // Seen against real sshd hosts: staging's re-scan after its key was accepted ended while
    // production's prompt was open and cleared production's retry, so production-2 was never asked.
    const unknown = (host: string, key: string) => ({
      host,
      address: host,
      port: 22,
      state: 'unknown' as const,
      keyType: 'ssh-ed25519',
      key,
      fingerprint: `SHA256:${key}`,
      message: 'not known'
    })
    const trusted: string[] = []
    let releaseStagingScan: () => void = () => undefined
    const stagingScanHeld = new Promise<void>((r) => (releaseStagingScan = r))
    const hosts: Record<string, [string, string][]> = {
      staging: [['stage1', 's1']],
      production: [
        ['app1', 'k1'],
        ['app2', 'k2']
      ]
    }
    const client = createFakeClient({
      'hosts.scan': async ({ environment }) => {
        if (environment === 'staging' && trusted.includes('s1')) await stagingScanHeld
        return (hosts[environment] ?? []).map(([h, k]) =>
          trusted.includes(k)
            ? { ...unknown(h, k), state: 'trusted' as const, key: null }
            : unknown(h, k)
        )
      },
      'hosts.trustKey': (r) => {
        trusted.push(r.key)
        return { ok: true as const }
      },
      'environments.status': () => status(RELEASE)
    })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    await store.getState().checkHostKeys('staging')
    const stagingDone = store.getState().acceptHostKey()
    await store.getState().checkHostKeys('production')
    expect(store.getState().prompt).toMatchObject({ host: 'app1' })
    releaseStagingScan()
    await stagingDone
    await store.getState().acceptHostKey()
    expect(store.getState().prompt).toMatchObject({ host: 'app2', fingerprint: 'SHA256:k2' })
    await store.getState().acceptHostKey()
    expect(trusted).toEqual(['s1', 'k1', 'k2'])
    expect(store.getState().prompt).toBeNull()
  })

  it('never accepts a changed host key', async () => {
    const client = createFakeClient({
      'environments.rollback': () => {
        throw new ApiCallError({
          code: 'host-key-changed',
          message: 'WARNING: the host key of [10.0.0.5]:2222 has changed',
          details: {
            host: '10.0.0.5',
            port: 2222,
            keyType: 'ssh-ed25519',
            fingerprint: 'SHA256:abc',
            key: 'AAAAC3NzaC1lZDI1NTE5AAAAIHg=',
            source: '/home/ada/.ssh/known_hosts',
            knownFingerprints: ['SHA256:old'],
            revoked: false
          }
        })
      },
      'hosts.trustKey': () => ({ ok: true as const })
    })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    await store.getState().rollback('staging')
    expect(store.getState().prompt).toMatchObject({ kind: 'host-key', changed: true })
    await store.getState().acceptHostKey()
    expect(client.callsOf('hosts.trustKey')).toEqual([])
    store.getState().dismissPrompt()
    expect(store.getState().prompt).toBeNull()
  })

  it('asks for a passphrase, hands it to the backend and retries', async () => {
    let attempts = 0
    const client = createFakeClient({
      'environments.rollback': () => {
        attempts++
        if (attempts === 1) {
          throw new ApiCallError({
            code: 'passphrase-required',
            message: 'the key ~/.ssh/id_ed25519 is encrypted',
            details: {
              keyFile: '/home/ada/.ssh/id_ed25519',
              keyFiles: ['/home/ada/.ssh/id_ed25519'],
              wrong: false
            }
          })
        }
        return deployment({ kind: 'rollback' })
      },
      'credentials.setPassphrase': () => ({ ok: true as const })
    })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    expect(await store.getState().rollback('staging', RELEASE)).toBe(false)
    expect(client.callsOf('environments.rollback')).toEqual([
      { environment: 'staging', to: RELEASE }
    ])
    expect(store.getState().prompt).toMatchObject({
      kind: 'passphrase',
      keyFile: '/home/ada/.ssh/id_ed25519'
    })
    await store.getState().submitPassphrase('correct horse')
    expect(client.callsOf('credentials.setPassphrase')).toEqual([
      { keyFile: '/home/ada/.ssh/id_ed25519', passphrase: 'correct horse' }
    ])
    expect(attempts).toBe(2)
    expect(store.getState().dialog).toEqual({ kind: 'progress', id: 'd1' })
  })

  it('shows an ordinary failure as an error, and breaks a lock with a reason', async () => {
    const client = createFakeClient({
      'deployments.start': () => {
        throw new ApiCallError({ code: 'locked', message: 'staging is locked by bo@desk' })
      },
      'environments.breakLock': () => ({ ok: true as const }),
      'environments.status': () => status(RELEASE)
    })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    await store.getState().deploy(RELEASE, 'staging')
    expect(store.getState().error).toEqual({
      code: 'locked',
      message: 'staging is locked by bo@desk'
    })
    store.getState().openBreakLock('staging')
    expect(await store.getState().breakLock('staging', 'bo left for the day')).toBe(true)
    expect(client.callsOf('environments.breakLock')).toEqual([
      { environment: 'staging', reason: 'bo left for the day' }
    ])
    expect(store.getState().dialog).toBeNull()
    expect(client.callsOf('environments.status')).toHaveLength(1)
  })

  it('drops a reading that arrives after a reset (another workspace)', async () => {
    const slow = deferred<EnvironmentStatus>()
    const client = createFakeClient({ 'environments.status': () => slow.promise })
    const store = createDeployStore(client, { notifier: recordingNotifier() })
    const loading = store.getState().loadStatus('staging')
    store.getState().reset()
    slow.resolve(status(RELEASE))
    await loading
    expect(store.getState().environments).toEqual({})
  })
})

describe('releases store', () => {
  const release = (id: string, previousId: string | null, tickets: string[]): Release => ({
    id,
    commit: id.slice(-7).padEnd(40, '0'),
    subject: `release ${id}`,
    createdAt: '2026-11-26T12:00:00.000Z',
    createdBy: 'ada@laptop',
    sha256: '0'.repeat(64),
    sizeBytes: 100,
    tickets,
    commits: tickets.map((t, i) => ({ sha: `${i}`.padEnd(40, 'f'), subject: `${t} work` })),
    previousId
  })

  it('keeps releases created or pruned while a load was in flight', async () => {
    const [r1, r2, r3] = [
      release('20261126.1100-aaaaaaa', null, []),
      release('20261126.1200-bbbbbbb', null, []),
      release('20261126.1300-ccccccc', null, [])
    ]
    const list = deferred<Release[]>()
    const client = createFakeClient({ 'releases.list': () => list.promise })
    const store = createReleasesStore(client)
    const loading = store.getState().load()
    store.getState().changed({ kind: 'created', release: r3 })
    store.getState().changed({ kind: 'building', step: 'build', line: 'npm run build' })
    list.resolve([r2, r1])
    await loading
    expect(store.getState().releases.map((r) => r.id)).toEqual([r3.id, r2.id, r1.id])

    // An older load answering after a newer one changes nothing.
    const slow = deferred<Release[]>()
    client.handlers['releases.list'] = () => slow.promise
    const older = store.getState().load()
    client.handlers['releases.list'] = () => [r3]
    await store.getState().load()
    slow.resolve([r2, r1])
    await older
    expect(store.getState().releases.map((r) => r.id)).toEqual([r3.id])
  })

  it('follows a build through its events and lists the new release first', async () => {
    const r1 = release('20261126.1200-aaaaaaa', null, ['ORD-1'])
    const r2 = release('20261126.1300-bbbbbbb', r1.id, ['ORD-2'])
    const client = createFakeClient({ 'releases.list': () => [r1], 'releases.create': () => r2 })
    const store = createReleasesStore(client)
    await store.getState().load()
    const creating = store.getState().create()
    expect(store.getState().building).toBe(true)
    store.getState().changed({ kind: 'building', step: 'build', line: '> node scripts/build.js' })
    expect(store.getState().buildLog).toEqual(['> node scripts/build.js'])
    expect(await creating).toEqual(r2)
    store.getState().changed({ kind: 'created', release: r2 })
    expect(store.getState().releases.map((r) => r.id)).toEqual([r2.id, r1.id])
    expect(store.getState().building).toBe(false)
  })

  it('says what a deploy changes, forward and backward', () => {
    const r1 = release('20261126.1200-aaaaaaa', null, ['ORD-1'])
    const r2 = release('20261126.1300-bbbbbbb', r1.id, ['ORD-2'])
    const r3 = release('20261126.1400-ccccccc', r2.id, ['ORD-3', 'ORD-2'])
    const all = [r3, r2, r1]
    expect(releaseChanges(all, r3.id, r3.id)).toEqual({ kind: 'same' })
    expect(releaseChanges(all, null, r2.id)).toMatchObject({
      kind: 'first',
      tickets: ['ORD-1', 'ORD-2']
    })
    const forward = releaseChanges(all, r1.id, r3.id)
    expect(forward).toMatchObject({ kind: 'forward', tickets: ['ORD-2', 'ORD-3'] })
    expect(forward.kind !== 'same' && forward.commits).toHaveLength(3)
    expect(releaseChanges(all, r3.id, r1.id)).toMatchObject({
      kind: 'backward',
      tickets: ['ORD-2', 'ORD-3']
    })
    expect(releaseChanges([r3], 'unknown-id', r3.id)).toMatchObject({ kind: 'unrelated' })
  })
})
