import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatConfigProblem, loadConfig } from './config'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-config-be-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function problemsFor(lines: string[]): Promise<string[]> {
  await writeFile(join(dir, 'slipway.yml'), lines.join('\n') + '\n')
  return (await loadConfig(dir)).problems.map(formatConfigProblem)
}

describe('branchEnvironments in slipway.yml', () => {
  it('reads setup, run, healthUrl and env, with the defaults for the rest', async () => {
    await writeFile(
      join(dir, 'slipway.yml'),
      [
        'branchEnvironments:',
        '  setup: npm ci',
        '  run: npm start',
        "  healthUrl: 'http://127.0.0.1:{port}/health'",
        '  env: { NODE_ENV: development, DEBUG: 1 }'
      ].join('\n')
    )
    const loaded = await loadConfig(dir)
    expect(loaded.problems).toEqual([])
    expect(loaded.config.branchEnvironments).toEqual({
      setup: 'npm ci',
      run: 'npm start',
      healthUrl: 'http://127.0.0.1:{port}/health',
      env: { NODE_ENV: 'development', DEBUG: '1' },
      sandbox: 'bwrap',
      startTimeoutSeconds: 120
    })
  })

  it('defaults the health URL to the app root on its port', async () => {
    await writeFile(join(dir, 'slipway.yml'), 'branchEnvironments: { run: npm start }\n')
    expect((await loadConfig(dir)).config.branchEnvironments?.healthUrl).toBe(
      'http://127.0.0.1:{port}/'
    )
  })

  it('explains bad input at its line and column', async () => {
    expect(await problemsFor(['branchEnvironments:', '  setup: npm ci'])).toEqual([
      'slipway.yml:1:1: branchEnvironments.run: required (a string)'
    ])
    expect(
      await problemsFor([
        'branchEnvironments:',
        '  run: npm start',
        "  healthUrl: 'http://127.0.0.1:3000/'"
      ])
    ).toEqual([
      'slipway.yml:3:3: branchEnvironments.healthUrl: must contain {port} (the port Slipway gives the app in PORT)'
    ])
    expect(
      await problemsFor([
        'branchEnvironments:',
        '  run: npm start',
        "  healthUrl: 'http://example.com:{port}/health'"
      ])
    ).toEqual([
      'slipway.yml:3:3: branchEnvironments.healthUrl: must point at this machine (127.0.0.1, localhost or [::1]): the app runs here'
    ])
    expect(
      await problemsFor([
        'branchEnvironments:',
        '  run: npm start',
        "  healthUrl: 'ftp://localhost:{port}/'"
      ])
    ).toEqual([
      'slipway.yml:3:3: branchEnvironments.healthUrl: must start with http:// or https://'
    ])
    expect(
      await problemsFor([
        'branchEnvironments:',
        '  run: npm start',
        '  sandbox: docker',
        '  helthUrl: x'
      ])
    ).toHaveLength(2)
    const [sandbox, unknown] = await problemsFor([
      'branchEnvironments:',
      '  run: npm start',
      '  sandbox: docker',
      '  helthUrl: x'
    ])
    expect(sandbox).toMatch(/^slipway\.yml:3:\d+: branchEnvironments\.sandbox: /)
    expect(unknown).toBe(
      'slipway.yml:4:3: branchEnvironments.helthUrl: unknown key (did you mean "healthUrl"?)'
    )
    expect(
      await problemsFor(['branchEnvironments:', '  run: npm start', '  env: { 1BAD: x }'])
    ).toEqual([expect.stringMatching(/^slipway\.yml:3:\d+: branchEnvironments\.env/)])
  })
})
