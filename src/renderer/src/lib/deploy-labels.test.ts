import { describe, expect, it } from 'vitest'
import type { HostDeployState } from '../../../shared'
import { plural } from './format'
import { DEPLOYMENT_STATUS_TEXT, hostStateLine } from './deploy-labels'

const host = (state: HostDeployState['state'], message: string): HostDeployState => ({
  host: 'staging-1',
  step: 'health',
  state,
  progress: null,
  message
})

describe('wording', () => {
  it('says "1 host" and "2 hosts", never "host(s)"', () => {
    expect(plural(1, 'host')).toBe('1 host')
    expect(plural(2, 'host')).toBe('2 hosts')
    expect(plural(2000, 'branch', 'branches')).toBe('2,000 branches')
  })

  it('says "rolled back" in sentences', () => {
    expect(DEPLOYMENT_STATUS_TEXT['rolled-back']).toBe('rolled back')
    expect(hostStateLine(host('rolled-back', ''))).toBe('rolled back')
  })

  it('never says a host state twice', () => {
    expect(hostStateLine(host('pending', 'pending'))).toBe('waiting')
    expect(hostStateLine(host('running', 'running'))).toBe('running')
    expect(hostStateLine(host('failed', 'health check: 503'))).toBe('failed: health check: 503')
  })
})
