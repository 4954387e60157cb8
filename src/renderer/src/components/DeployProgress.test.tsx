import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../../../shared'
import { DeployProgress } from './DeployProgress'

afterEach(cleanup)

const deployment: Deployment = {
  id: 'd20261203T080000-abcdef',
  workspace: '/w',
  kind: 'deploy',
  release: '20261126.1205-abc1235',
  environment: 'production',
  status: 'succeeded',
  startedBy: 'ana@laptop',
  startedAt: '2026-12-03T08:00:00.000Z',
  finishedAt: '2026-12-03T08:00:30.000Z',
  hosts: [
    {
      host: 'web-1',
      step: 'cleanup',
      state: 'done',
      progress: null,
      message: 'keeping 5',
      transfer: {
        mode: 'delta',
        bytesSent: 1_100_000,
        bytesReused: 51_380_224,
        base: '20261126.1204-abc1234',
        fallback: null
      }
    },
    {
      host: 'web-2',
      step: 'cleanup',
      state: 'done',
      progress: null,
      message: 'keeping 5',
      transfer: {
        mode: 'delta',
        bytesSent: 2150,
        bytesReused: 51_380_224,
        base: '20261126.1204-abc1234',
        fallback: null,
        relay: { host: 'web-1', bytes: 1_100_000 }
      }
    },
    { host: 'web-3', step: 'preflight', state: 'done', progress: null, message: 'ready' }
  ],
  log: [],
  summary: 'Deployed.',
  version: 3
}

describe('DeployProgress', () => {
  it('shows per host the bytes sent, fetched from a relay and reused, and from where', () => {
    render(<DeployProgress deployment={deployment} onCancel={() => {}} onClose={() => {}} />)
    expect(screen.getByTestId('transfer-web-1').textContent).toBe(
      'sent 1.05 MiB from this machine, reused 49.0 MiB from 20261126.1204-abc1234'
    )
    expect(screen.getByTestId('transfer-web-2').textContent).toBe(
      'fetched 1.05 MiB from web-1 (relay), sent 2.10 KiB from this machine, reused 49.0 MiB from 20261126.1204-abc1234'
    )
    // No transfer recorded yet: no line.
    expect(screen.queryByTestId('transfer-web-3')).toBeNull()
  })
})
