import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { deployTimeouts, fetchTimeoutMs, timeoutText } from '../../../shared/timeouts'
import { formatConfigProblem, loadConfig } from './config'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-config-timeouts-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function load(yaml: string): Promise<Awaited<ReturnType<typeof loadConfig>>> {
  await writeFile(join(dir, 'slipway.yml'), yaml)
  return loadConfig(dir)
}

const ENVS = [
  'environments:',
  '  - name: staging',
  '    hosts: [{ local: h1 }]',
  '  - name: production',
  '    hosts: [{ local: h2 }]',
  '    timeouts: { connectSeconds: 20, hookSeconds: 600 }'
].join('\n')

describe('timeouts in slipway.yml', () => {
  it('gives every environment the defaults when slipway.yml names none', async () => {
    const loaded = await load(ENVS.split('\n').slice(0, 3).join('\n'))
    expect(loaded.problems).toEqual([])
    expect(deployTimeouts(loaded.config.environments[0])).toEqual({
      connectMs: 10_000,
      commandMs: 300_000,
      uploadStallMs: 30_000,
      hookMs: 300_000
    })
    expect(fetchTimeoutMs(loaded.config)).toBe(60_000)
  })

  it('applies the top-level block to every environment, an environment own values winning', async () => {
    const loaded = await load(
      ['timeouts:', '  connectSeconds: 5', '  commandSeconds: 90', '  fetchSeconds: 15', ENVS].join(
        '\n'
      )
    )
    expect(loaded.problems).toEqual([])
    const [staging, production] = loaded.config.environments
    expect(deployTimeouts(staging)).toEqual({
      connectMs: 5000,
      commandMs: 90_000,
      uploadStallMs: 30_000,
      hookMs: 300_000
    })
    expect(deployTimeouts(production)).toEqual({
      connectMs: 20_000,
      commandMs: 90_000,
      uploadStallMs: 30_000,
      hookMs: 600_000
    })
    expect(fetchTimeoutMs(loaded.config)).toBe(15_000)
  })

  it('refuses a bad value or a misplaced key at its line and column', async () => {
    const bad = await load(
      [
        'timeouts: { connectSeconds: 0, uploadStallSeconds: 100000 }',
        'environments:',
        '  - name: prod',
        '    hosts: [{ local: h1 }]',
        '    timeouts: { fetchSeconds: 5, hookSecs: 3 }'
      ].join('\n')
    )
    expect(bad.problems.map(formatConfigProblem)).toEqual([
      'slipway.yml:1:13: timeouts.connectSeconds: connectSeconds must be more than 0',
      'slipway.yml:1:32: timeouts.uploadStallSeconds: uploadStallSeconds is at most 86400 (a day)',
      'slipway.yml:5:17: environments[0].timeouts.fetchSeconds: unknown key (allowed: connectSeconds, commandSeconds, uploadStallSeconds, hookSeconds)',
      'slipway.yml:5:34: environments[0].timeouts.hookSecs: unknown key (allowed: connectSeconds, commandSeconds, uploadStallSeconds, hookSeconds)'
    ])
  })

  it('writes a duration with the setting that bounds it', () => {
    expect(timeoutText(10_000, 'timeouts.connectSeconds')).toBe('10 s (timeouts.connectSeconds)')
    expect(timeoutText(1500, 'timeouts.commandSeconds')).toBe('1.5 s (timeouts.commandSeconds)')
    expect(timeoutText(250)).toBe('250 ms')
  })
})
