import { act, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { EnvironmentConfig, MergeRelease } from '../../../shared'
import type { Notifier } from '../lib/notify'
import { StoresContext } from '../stores/hooks'
import { createMergeReleasesStore } from '../stores/merge-release-store'
import { createStores } from '../stores/stores'
import { createFakeClient } from '../test/fake-client'
import { makeMergeRelease } from '../test/merge-release-fixture'
import { EnvironmentLane } from './EnvironmentLane'

const staging: EnvironmentConfig = {
  name: 'staging',
  deployOn: 'merge',
  hosts: [{ local: '.slipway/hosts/staging-1', port: 4301, name: 'staging-1' }],
  keepReleases: 5
}
const NOW = Date.parse('2026-11-26T12:00:00.000Z')
const merge = makeMergeRelease

function recordingNotifier(): Notifier & { readonly shown: string[] } {
  const shown: string[] = []
  return { shown, requestPermission: () => undefined, notify: (t, b) => shown.push(`${t}: ${b}`) }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('merge releases on the environment lane', () => {
  it('follows a merge from its build to a failure with the reason, and notifies once', () => {
    const client = createFakeClient({ 'environments.status': () => new Promise(() => {}) })
    const notifier = recordingNotifier()
    const stores = {
      ...createStores(client),
      mergeReleases: createMergeReleasesStore(client, { notifier })
    }
    render(
      <StoresContext.Provider value={stores}>
        <EnvironmentLane environment={staging} now={NOW} />
      </StoresContext.Provider>
    )
    expect(screen.queryByTestId('merge-release-staging')).toBeNull()
    const changed = (m: MergeRelease): void => act(() => stores.mergeReleases.getState().changed(m))

    changed(merge({ state: 'building', step: 'npm run build: copying server.js' }))
    const note = screen.getByTestId('merge-release-staging')
    expect(note.textContent).toContain('Merge c0ffee1: building its release…')
    expect(note.textContent).toContain('copying server.js')

    const reason = 'the build failed: build failed (exit 4): no dist today'
    const failed = merge({
      state: 'failed',
      reason,
      finishedAt: new Date(NOW - 5_000).toISOString(),
      environments: [{ environment: 'staging', state: 'failed', deployment: null, reason }]
    })
    changed(failed)
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toBe(`Merge c0ffee1 not deployed, just now: ${reason}`)
    expect(notifier.shown).toEqual([`Merge c0ffee1 was not released: ${reason}`])
    // The same end again (a reconnect) is not a second notification.
    changed(failed)
    expect(notifier.shown).toHaveLength(1)
  })

  it('shows the release a merge deployed, and leaves the deploy notification to the deployment', () => {
    const client = createFakeClient({ 'environments.status': () => new Promise(() => {}) })
    const notifier = recordingNotifier()
    const stores = {
      ...createStores(client),
      mergeReleases: createMergeReleasesStore(client, { notifier })
    }
    render(
      <StoresContext.Provider value={stores}>
        <EnvironmentLane environment={staging} now={NOW} />
      </StoresContext.Provider>
    )
    const changed = (m: MergeRelease): void => act(() => stores.mergeReleases.getState().changed(m))
    changed(merge({ state: 'building' }))
    changed(
      merge({
        state: 'succeeded',
        release: '20261126.1159-c0ffee1',
        finishedAt: new Date(NOW - 120_000).toISOString(),
        environments: [
          { environment: 'staging', state: 'succeeded', deployment: 'd1', reason: 'Deployed.' }
        ]
      })
    )
    expect(screen.getByTestId('merge-release-staging').textContent).toBe(
      'Merge c0ffee1 deployed as 20261126.1159-c0ffee1, 2 minutes ago'
    )
    expect(notifier.shown).toEqual([])
  })
})
