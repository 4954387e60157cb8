import { describe, expect, it } from 'vitest'
import { mutateString, rng, type Rng } from '../../testing/fuzz'
import { formatConfigProblem, parseConfigText } from './config'
import { starterConfig } from './starter-config'

// 10,000 mutated slipway.yml files (seeded): each gives a valid config or problems that are
// each one `slipway.yml:LINE:COLUMN: reason` line; never a throw, never over 1 s.
// FUZZ_CONFIG_FILES / FUZZ_SEED make the longer run of `npm run bench:fuzz`.
const TOTAL = Number(process.env.FUZZ_CONFIG_FILES ?? 1_000)
const SEED = Number(process.env.FUZZ_SEED ?? 12)

const README_SAMPLE = `project: orders
mainBranch: main
tickets:
  pattern: '[A-Z][A-Z0-9]+-[0-9]+'
test:
  command: npm test
  timeoutSeconds: 900
  concurrency: 2
  env: { NODE_ENV: test }
  sandbox: bwrap
build:
  command: npm ci && npm run build
  artifact: dist
environments:
  - name: staging
    deployOn: merge
    hosts:
      - { host: 'app1.internal:2222', user: deploy, port: 8080, path: /srv/orders }
      - { local: .slipway/hosts/staging-1, port: 4301 }
    strategy: { batchSize: 1 }
    hooks: { afterActivate: systemctl --user reload orders }
    healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 30 }
    keepReleases: 5
  - name: production
    promoteFrom: staging
    approvals: { required: 1, authorCannotApprove: true }
    freeze: ['Fri 16:00 - Mon 08:00']
    hosts: [{ host: app2.internal, user: deploy, path: /srv/orders }]
`
const SEEDS = [README_SAMPLE, starterConfig('orders', 'main')]
const SNIPPETS = [
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '!!binary ',
  '!!js/function ',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  '"',
  "'",
  '#',
  '\t',
  '? ',
  '|\n',
  '>-\n',
  '<<: *a\n',
  '~',
  '0x10',
  '1e999',
  '.inf',
  '([A-Z]+)+-[0-9]+',
  '\u0000',
  '\ufeff'
]
const LAUGHS = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...Array.from({ length: 8 }, (_, i) => {
    const me = String.fromCharCode(98 + i)
    const prev = String.fromCharCode(97 + i)
    return `${me}: &${me} [${Array(9).fill(`*${prev}`).join(',')}]`
  })
].join('\n')

function mutate(r: Rng, text: string): string {
  let lines = text.split('\n')
  for (let n = 1 + r.int(4); n > 0; n--) {
    const i = r.int(lines.length)
    const line = lines[i] ?? ''
    switch (r.int(9)) {
      case 0:
        lines.splice(i, 1)
        break
      case 1:
        lines.splice(i, 0, line)
        break
      case 2:
        lines[i] = ' '.repeat(r.int(6)) + line.trimStart()
        break
      case 3: {
        const at = r.int(line.length + 1)
        lines[i] = line.slice(0, at) + r.pick(SNIPPETS) + line.slice(at)
        break
      }
      case 4:
        lines[i] = mutateString(r, line)
        break
      case 5:
        lines[i] = line.replace(
          /:\s.*$/,
          `: ${r.pick(['', '-1', 'true', 'null', '[]', '{}', 'x'.repeat(2000), '"\\u0000"', '*a'])}`
        )
        break
      case 6: {
        const j = r.int(lines.length)
        lines[i] = lines[j] ?? ''
        lines[j] = line
        break
      }
      case 7:
        lines = [...lines.slice(0, i), LAUGHS, ...lines.slice(i)]
        break
      default:
        lines[i] = line + ' # ' + r.pick(SNIPPETS)
    }
  }
  return lines.join(r.next() < 0.1 ? '\r\n' : '\n')
}

describe('slipway.yml fuzz', () => {
  it(`gives a config or one located line per problem for ${TOTAL} mutated files, each under 1 s`, () => {
    const r = rng(SEED)
    let valid = 0
    let invalid = 0
    let slowest = 0
    const bad: string[] = []
    const started = Date.now()
    for (let i = 0; i < TOTAL; i++) {
      const text = mutate(r, r.pick(SEEDS))
      const t0 = performance.now()
      const { config, problems } = parseConfigText(text)
      const ms = performance.now() - t0
      slowest = Math.max(slowest, ms)
      if (ms > 1000) bad.push(`#${i} took ${Math.round(ms)} ms`)
      if (config && problems.length === 0) {
        valid++
        continue
      }
      invalid++
      if (problems.length === 0) bad.push(`#${i}: no config and no problem`)
      for (const p of problems) {
        const line = formatConfigProblem(p)
        if (!/^slipway\.yml:\d+:\d+: \S/.test(line) || /[\r\n]/.test(line)) {
          bad.push(`#${i}: ${JSON.stringify(line).slice(0, 200)}`)
        }
      }
    }
    const seconds = (Date.now() - started) / 1000
    console.log(
      `config fuzz: seed ${SEED}, ${TOTAL} files (${valid} valid, ${invalid} refused) in ${seconds.toFixed(1)} s, slowest ${slowest.toFixed(1)} ms`
    )
    expect(bad.slice(0, 10)).toEqual([])
  }, 600_000)
})
