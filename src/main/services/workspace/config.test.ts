import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseDocument } from 'yaml'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import { DEFAULT_TICKET_PATTERN } from '../../../shared/ticket-pattern'
import { findTickets } from '../git'
import { ExpectedError } from '../errors'
import { runGit } from '../git'
import { DEFAULT_CONFIG, formatConfigProblem, loadConfig } from './config'
import { starterConfig, writeStarterConfig } from './starter-config'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-config-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function problemsFor(yaml: string): Promise<string[]> {
  await writeFile(join(dir, 'slipway.yml'), yaml)
  const loaded = await loadConfig(dir)
  expect(loaded.source).toBe('defaults')
  expect(loaded.config).toEqual(DEFAULT_CONFIG)
  return loaded.problems.map(formatConfigProblem)
}

describe('loadConfig', () => {
  it('gives the defaults and no problems when there is no file', async () => {
    const loaded = await loadConfig(dir)
    expect(loaded).toEqual({ config: DEFAULT_CONFIG, source: 'defaults', problems: [] })
    expect(loaded.config.tickets.pattern).toBe(DEFAULT_TICKET_PATTERN)
    expect(loaded.config.environments).toEqual([])
  })

  it('reads a valid file with defaults applied', async () => {
    await writeFile(
      join(dir, 'slipway.yml'),
      [
        'project: orders',
        'test: { command: npm test }',
        'environments:',
        '  - name: staging',
        '    hosts: [{ local: .slipway/hosts/s1, port: 4301 }]'
      ].join('\n')
    )
    const loaded = await loadConfig(dir)
    expect(loaded.problems).toEqual([])
    expect(loaded.source).toBe('file')
    expect(loaded.config.project).toBe('orders')
    expect(loaded.config.test?.timeoutSeconds).toBe(900)
    expect(loaded.config.environments[0]?.keepReleases).toBe(5)
    expect(loaded.config.environments[0]?.hosts[0]).toEqual({
      local: '.slipway/hosts/s1',
      port: 4301
    })
  })

  it('falls back to slipway.yaml', async () => {
    await writeFile(join(dir, 'slipway.yaml'), 'project: other\n')
    const loaded = await loadConfig(dir)
    expect(loaded.source).toBe('file')
    expect(loaded.config.project).toBe('other')
  })

  it('locates YAML syntax errors', async () => {
    expect(await problemsFor('project: orders\nmainBranch: main: x\n')).toEqual([
      'slipway.yml:2:13: Nested mappings are not allowed in compact mappings'
    ])
    expect(await problemsFor('project: orders\ntest:\n  command: npm test\n\tfoo: 1\n')).toEqual([
      'slipway.yml:4:1: Tabs are not allowed as indentation'
    ])
  })

  it('reports duplicate YAML keys at the repeated key', async () => {
    const problems = await problemsFor('project: a\nmainBranch: main\nproject: b\n')
    expect(problems).toEqual(['slipway.yml:3:1: Map keys must be unique'])
  })

  it('locates a wrong type at a nested path', async () => {
    const problems = await problemsFor(
      [
        'project: orders',
        'environments:',
        '  - name: staging',
        '    hosts:',
        '      - local: .slipway/hosts/s1',
        '        port: eighty'
      ].join('\n')
    )
    expect(problems).toEqual([
      'slipway.yml:6:9: environments[0].hosts[0].port: expected a number, got a string ("eighty")'
    ])
  })

  it('reports an empty host list with the schema reason', async () => {
    const problems = await problemsFor(
      ['project: orders', 'environments:', '  - name: staging', '    hosts: []'].join('\n')
    )
    expect(problems).toEqual([
      'slipway.yml:4:5: environments[0].hosts: an environment needs at least one host'
    ])
  })

  it('explains batch hooks that cannot work: no afterBatch, a drain without beforeBatch', async () => {
    const env = (hooks: string): string =>
      `environments:\n  - name: prod\n    hosts: [{ local: h1, port: 4001 }]\n    hooks: ${hooks}\n`
    expect(await problemsFor(env('{ beforeBatch: sh lb.sh down }'))).toEqual([
      'slipway.yml:4:5: environments[0].hooks.afterBatch: beforeBatch takes hosts out of the load balancer: add afterBatch to put them back'
    ])
    expect(await problemsFor(env('{ drainSeconds: 3 }'))).toEqual([
      'slipway.yml:4:14: environments[0].hooks.drainSeconds: drainSeconds is the wait after beforeBatch: add beforeBatch, or leave it out'
    ])
    expect(await problemsFor(env('{ beforeBatch: a, afterBatch: b, drainSeconds: -1 }'))).toEqual([
      'slipway.yml:4:45: environments[0].hooks.drainSeconds: drainSeconds cannot be negative'
    ])
    await writeFile(
      join(dir, 'slipway.yml'),
      env('{ beforeBatch: a, afterBatch: b, drainSeconds: 0.5 }')
    )
    const loaded = await loadConfig(dir)
    expect(loaded.problems).toEqual([])
    expect(loaded.config.environments[0].hooks).toEqual({
      beforeBatch: 'a',
      afterBatch: 'b',
      drainSeconds: 0.5
    })
  })

  it('reports unknown keys at the key, with a suggestion', async () => {
    const problems = await problemsFor(
      ['project: orders', 'test:', '  command: npm test', '  timeout: 10', 'enviroments: []'].join(
        '\n'
      )
    )
    expect(problems).toEqual([
      'slipway.yml:4:3: test.timeout: unknown key (allowed: command, timeoutSeconds, concurrency, setup, junit, env, sandbox)',
      'slipway.yml:5:1: enviroments: unknown key (did you mean "environments"?)'
    ])
  })

  it('names the allowed keys inside arrays and unions (an SSH host, a nested strategy)', async () => {
    const problems = await problemsFor(
      [
        'environments:',
        '  - name: prod',
        '    hosts:',
        '      - host: web1',
        '        path: /srv/orders',
        '        prot: 22',
        '    strategy:',
        '      batchSise: 2'
      ].join('\n')
    )
    expect(problems).toEqual([
      'slipway.yml:6:9: environments[0].hosts[0].prot: unknown key (allowed: host, user, port, path, name)',
      'slipway.yml:8:7: environments[0].strategy.batchSise: unknown key (did you mean "batchSize"?)'
    ])
  })

  it('reports a missing required key at its parent', async () => {
    const problems = await problemsFor('project: orders\ntest:\n  timeoutSeconds: 10\n')
    expect(problems).toEqual(['slipway.yml:2:1: test.command: required (a string)'])
  })

  it('explains a host that is neither local nor ssh', async () => {
    const problems = await problemsFor(
      ['environments:', '  - name: staging', '    hosts:', '      - port: 22'].join('\n')
    )
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^slipway\.yml:4:9: environments\[0\]\.hosts\[0\]: a host needs/)
  })

  it('points at the repeated environment name', async () => {
    const problems = await problemsFor(
      [
        'environments:',
        '  - name: staging',
        '    hosts: [{ local: a }]',
        '  - name: production',
        '    hosts: [{ local: b }]',
        '  - name: staging',
        '    hosts: [{ local: c }]'
      ].join('\n')
    )
    expect(problems).toEqual([
      'slipway.yml:6:5: environments[2].name: environment name "staging" is already used by environments[0]'
    ])
  })

  it('rejects a document that is not a mapping', async () => {
    expect(await problemsFor('- a\n- b\n')).toEqual([
      'slipway.yml:1:1: expected a mapping of settings, got a list'
    ])
  })

  // Security review finding 3: this pattern took 19.5 s on a branch of 29 letters.
  it('refuses a ticket pattern that could stall matching, at its line and column', async () => {
    const yaml = "project: x\ntickets:\n  pattern: '([A-Z]+)+-[0-9]+'\n"
    const [line, ...rest] = await problemsFor(yaml)
    expect(rest).toEqual([])
    expect(line).toMatch(
      /^slipway\.yml:3:3: tickets\.pattern: refused \(at character 2 of the pattern\): nested or overlapping quantifiers/
    )
  })

  it('reports an invalid ticket pattern', async () => {
    expect(await problemsFor("tickets:\n  pattern: '(['\n")).toEqual([
      'slipway.yml:2:3: tickets.pattern: not a valid regular expression'
    ])
  })

  it('validates the ticket prefix and the pull-request settings at their line', async () => {
    expect(await problemsFor('tickets:\n  prefix: ord\n')).toEqual([
      'slipway.yml:2:3: tickets.prefix: capital letters and digits, a letter first (e.g. ORD)'
    ])
    expect(await problemsFor("tickets:\n  pattern: 'ORD-[0-9]+'\n  prefix: PAY\n")).toEqual([
      'slipway.yml:3:3: tickets.prefix: keys like PAY-123 do not match tickets.pattern'
    ])
    const bad = await problemsFor('pullRequests:\n  approvals: -1\n  mergeMethod: rebase\n')
    expect(bad).toHaveLength(2)
    expect(bad[0]).toMatch(/^slipway\.yml:2:3: pullRequests\.approvals: /)
    expect(bad[1]).toMatch(/^slipway\.yml:3:3: pullRequests\.mergeMethod: /)
  })

  it('checks freeze windows and their time zone at their line', async () => {
    const env = (extra: string): string =>
      `environments:\n  - name: production\n    hosts: [{ local: prod }]\n${extra}`
    expect(await problemsFor(env("    freeze: ['Fri 16:00 - Mon 08:00', 'weekends']\n"))).toEqual([
      `slipway.yml:4:39: environments[0].freeze[1]: "weekends" is not a freeze window: write 'Fri 16:00 - Mon 08:00' (weekly) or '2026-12-24 00:00 - 2026-12-27 00:00' (dated)`
    ])
    expect(
      await problemsFor(env("    freeze:\n      - '2026-12-27 00:00 - 2026-12-24 00:00'\n"))
    ).toEqual([
      'slipway.yml:5:9: environments[0].freeze[0]: "2026-12-27 00:00 - 2026-12-24 00:00": the window ends before it starts'
    ])
    expect(await problemsFor(env('    freezeTimezone: Mars/Olympus\n'))).toEqual([
      'slipway.yml:4:5: environments[0].freezeTimezone: not a time zone this machine knows (e.g. Europe/Berlin, UTC)'
    ])
    await writeFile(
      join(dir, 'slipway.yml'),
      env(
        "    freeze: ['Fri 16:00 - Mon 08:00']\n    freezeTimezone: Europe/Berlin\n    approvals: { required: 1, signed: true }\n"
      )
    )
    const ok = await loadConfig(dir)
    expect(ok.problems).toEqual([])
    expect(ok.config.environments[0]).toMatchObject({
      freeze: ['Fri 16:00 - Mon 08:00'],
      freezeTimezone: 'Europe/Berlin',
      approvals: {
        required: 1,
        authorCannotApprove: false,
        signed: true,
        allowedSigners: '.slipway/allowed_signers'
      }
    })
  })

  // Issue 13 defect 8: the default pattern read CVE-2026-4867 as ticket CVE-2026.
  it('narrows ticket keys to tickets.projects, and never reads a CVE id as a ticket', async () => {
    const subject = 'Fix CVE-2026-4867 for ORD-12 (see XORD-5, PAY-3)'
    const defaults = await loadConfig(dir)
    expect(findTickets(subject, defaults.config.tickets.pattern)).toEqual([
      'ORD-12',
      'XORD-5',
      'PAY-3'
    ])

    await writeFile(join(dir, 'slipway.yml'), 'tickets:\n  projects: [ORD, PAY]\n')
    const narrowed = await loadConfig(dir)
    expect(narrowed.problems).toEqual([])
    expect(findTickets(subject, narrowed.config.tickets.pattern)).toEqual(['ORD-12', 'PAY-3'])
    expect(findTickets('feature/ORD-123-checkout', narrowed.config.tickets.pattern)).toEqual([
      'ORD-123'
    ])

    // An explicit pattern is the user's word; projects only shape the default.
    await writeFile(
      join(dir, 'slipway.yml'),
      "tickets:\n  projects: [ORD]\n  pattern: '[A-Z]+-[0-9]+'\n"
    )
    expect((await loadConfig(dir)).config.tickets.pattern).toBe('[A-Z]+-[0-9]+')
  })

  it('validates tickets.projects and keeps tickets.prefix among them', async () => {
    expect(await problemsFor('tickets:\n  projects: [ord]\n')).toEqual([
      'slipway.yml:2:14: tickets.projects[0]: capital letters and digits, a letter first (e.g. ORD)'
    ])
    expect(await problemsFor('tickets:\n  projects: [ORD]\n  prefix: PAY\n')).toEqual([
      'slipway.yml:3:3: tickets.prefix: keys like PAY-123 do not match tickets.projects'
    ])
    expect(await problemsFor("tickets:\n  pattern: '(['\n  projects: [ORD]\n")).toEqual([
      'slipway.yml:2:3: tickets.pattern: not a valid regular expression'
    ])
  })

  it('defaults pull requests to one approval and merge commits, and reads them when given', async () => {
    expect(DEFAULT_CONFIG.pullRequests).toEqual({ approvals: 1, mergeMethod: 'merge' })
    await writeFile(
      join(dir, 'slipway.yml'),
      "tickets:\n  pattern: 'ORD-[0-9]+'\n  prefix: ORD\npullRequests:\n  approvals: 2\n  mergeMethod: squash\n"
    )
    const loaded = await loadConfig(dir)
    expect(loaded.problems).toEqual([])
    expect(loaded.config.tickets.prefix).toBe('ORD')
    expect(loaded.config.pullRequests).toEqual({ approvals: 2, mergeMethod: 'squash' })
  })

  it('reports a config path that is a folder without throwing', async () => {
    await mkdir(join(dir, 'slipway.yml'))
    const loaded = await loadConfig(dir)
    expect(loaded.source).toBe('defaults')
    expect(loaded.problems.map(formatConfigProblem)).toEqual([
      'slipway.yml: slipway.yml is not a regular file'
    ])
  })
})

describe('starter config', () => {
  it('parses cleanly, including awkward names', () => {
    for (const [project, branch] of [
      ['orders', 'main'],
      ['my "odd": project #1', 'release/2.x']
    ] as const) {
      const text = starterConfig(project, branch)
      expect(text).toContain('# ')
      const doc = parseDocument(text)
      expect(doc.errors).toEqual([])
      const config = SlipwayConfigSchema.parse(doc.toJS())
      expect(config.project).toBe(project)
      expect(config.mainBranch).toBe(branch)
      expect(config.environments.map((e) => e.name)).toEqual(['staging', 'production'])
      expect(config.environments[1]?.promoteFrom).toBe('staging')
      for (const env of config.environments) {
        for (const host of env.hosts) {
          expect('local' in host && host.local.startsWith('.slipway/hosts/')).toBe(true)
        }
      }
    }
  })

  it('is written once with the detected main branch and never overwritten', async () => {
    await runGit(dir, ['init', '-q', '-b', 'trunk'])
    await writeStarterConfig(dir)
    const loaded = await loadConfig(dir)
    expect(loaded.problems).toEqual([])
    expect(loaded.source).toBe('file')
    expect(loaded.config.mainBranch).toBe('trunk')
    expect(loaded.config.project).toBe(dir.split('/').pop())

    await writeFile(join(dir, 'slipway.yml'), 'project: mine\n')
    const error = await writeStarterConfig(dir).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ExpectedError)
    expect((error as ExpectedError).code).toBe('conflict')
    expect(await readFile(join(dir, 'slipway.yml'), 'utf8')).toBe('project: mine\n')
  })

  it('refuses when slipway.yaml exists', async () => {
    await runGit(dir, ['init', '-q', '-b', 'main'])
    await writeFile(join(dir, 'slipway.yaml'), 'project: mine\n')
    await expect(writeStarterConfig(dir)).rejects.toMatchObject({ code: 'conflict' })
  })
})
