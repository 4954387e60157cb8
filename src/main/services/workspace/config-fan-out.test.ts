import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatConfigProblem, loadConfig } from './config'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-config-fanout-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function load(hosts: string, strategy = '{ batchSize: 2, fanOut: true }') {
  const yaml = `environments:\n  - name: production\n    strategy: ${strategy}\n    hosts:\n${hosts}`
  await writeFile(join(dir, 'slipway.yml'), yaml)
  const loaded = await loadConfig(dir)
  return { loaded, problems: loaded.problems.map(formatConfigProblem) }
}

describe('strategy.fanOut in slipway.yml', () => {
  it('is read per environment for SSH hosts', async () => {
    const { loaded, problems } = await load(
      '      - { host: web1.internal, path: /srv/orders }\n      - { host: web2.internal, path: /srv/orders }\n'
    )
    expect(problems).toEqual([])
    expect(loaded.config.environments[0].strategy).toEqual({ batchSize: 2, fanOut: true })
  })

  it('is off unless set, and must be a boolean', async () => {
    const off = await load(
      '      - { host: web1.internal, path: /srv/orders }\n',
      '{ batchSize: 2 }'
    )
    expect(off.loaded.config.environments[0].strategy?.fanOut).toBeUndefined()
    const bad = await load(
      '      - { host: web1.internal, path: /srv/orders }\n',
      '{ fanOut: yes please }'
    )
    expect(bad.problems).toEqual([
      'slipway.yml:3:17: environments[0].strategy.fanOut: expected true or false, got a string ("yes please")'
    ])
  })

  it('refuses local hosts and deploy paths an authorized_keys command cannot carry', async () => {
    const { problems } = await load(
      '      - { local: .slipway/hosts/a }\n      - { host: web2.internal, path: "/srv/my app" }\n'
    )
    expect(problems).toEqual([
      'slipway.yml:5:9: environments[0].hosts[0]: strategy.fanOut needs SSH hosts (hosts fetch from each other over SSH)',
      'slipway.yml:6:32: environments[0].hosts[1].path: with strategy.fanOut the path may hold only letters, digits, "/", ".", "_" and "-" (it is written into a restricted authorized_keys line)'
    ])
  })
})
