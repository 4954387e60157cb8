import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { matchesHostPatterns, parseKnownHosts } from './known-hosts'

// The corpus (known-hosts-corpus/known_hosts, 68 lines) holds plain and hashed entries (and
// hashes followed by `,name`, wrong salt sizes, cut padding), `*` `?` `!` patterns, `[h]:port`,
// IPv6, `@revoked`, `@cert-authority`, unknown markers, comma lists with empty items, CRLF,
// tabs, leading blanks, and bad lines: too few fields, bad base64, wrong padding, trailing
// characters, a declared type that differs from the key's, unknown types, cut and padded keys.
// For every name in names.txt, the lines Slipway matches must be exactly the lines
// `ssh-keygen -l -F` reports (-l makes it parse each key as ssh does; plain -F does not).
const dir = join(import.meta.dirname, 'known-hosts-corpus')
const file = join(dir, 'known_hosts')
const names = readFileSync(join(dir, 'names.txt'), 'utf8').split('\n').filter(Boolean)

function opensshLines(name: string): number[] {
  const run = spawnSync('ssh-keygen', ['-l', '-F', name, '-f', file], { encoding: 'utf8' })
  if (run.error) throw run.error
  return [...run.stdout.matchAll(/^# Host .* found: line (\d+)/gm)].map((m) => Number(m[1]))
}

describe('known_hosts matching agrees with ssh-keygen -F', () => {
  it(`matches exactly the lines OpenSSH matches, for each of ${names.length} names`, () => {
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), 'corpus')
    let pairs = 0
    let agreeing = 0
    const differences: string[] = []
    for (const name of names) {
      const ours = entries
        .filter((e) => matchesHostPatterns(e.patterns, name))
        .map((e) => Number(e.source.split(':')[1]))
      const theirs = opensshLines(name)
      const all = new Set([...ours, ...theirs])
      pairs += all.size
      for (const line of all) {
        if (ours.includes(line) === theirs.includes(line)) agreeing++
        else
          differences.push(
            `${name}: line ${line} ${ours.includes(line) ? 'only Slipway' : 'only OpenSSH'}`
          )
      }
    }
    console.log(
      `known_hosts corpus: ${names.length} names, ${pairs} (name, line) matches, ` +
        `${((100 * agreeing) / pairs).toFixed(1)}% agreement with ssh-keygen -l -F`
    )
    expect(differences).toEqual([])
    // The corpus exercises what it claims: markers, hashes and bad lines are all in play.
    expect(pairs).toBeGreaterThan(names.length * 2)
  })
})
