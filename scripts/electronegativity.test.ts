// Electronegativity exits 0 whatever it finds; this runs it, parses its SARIF, and fails on
// every finding that electronegativity-allow.json does not explain.
import { describe, expect, it } from 'vitest'
import { findingsFromSarif, judge, scan } from './electronegativity.mjs'

const sarif = {
  runs: [
    {
      results: [
        {
          ruleId: 'SANDBOX_JS_CHECK',
          message: { text: 'Use sandbox for untrusted origins' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'main\\window.ts' },
                region: { startLine: 27 }
              }
            }
          ]
        },
        {
          ruleId: 'OPEN_EXTERNAL_JS_CHECK',
          message: { text: 'Review the use of openExternal' },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'main/index.ts' },
                region: { startLine: 77 }
              }
            }
          ]
        }
      ]
    }
  ]
}

describe('judging Electronegativity findings', () => {
  it('reads check, file and line from SARIF', () => {
    expect(findingsFromSarif(sarif)).toEqual([
      {
        check: 'SANDBOX_JS_CHECK',
        file: 'main/window.ts',
        line: 27,
        message: 'Use sandbox for untrusted origins'
      },
      {
        check: 'OPEN_EXTERNAL_JS_CHECK',
        file: 'main/index.ts',
        line: 77,
        message: 'Review the use of openExternal'
      }
    ])
  })

  it('fails findings the allow-list does not explain, stale entries and entries without a reason', () => {
    const reason = 'only allow-listed https hosts reach it'
    const verdict = judge(findingsFromSarif(sarif), [
      { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.ts', reason },
      { check: 'CSP_GLOBAL_CHECK', file: 'renderer/index.html', reason },
      { check: 'OPEN_EXTERNAL_JS_CHECK', file: 'main/index.ts', reason: 'fine' }
    ])
    expect(verdict.unexplained.map((f) => f.check)).toEqual(['SANDBOX_JS_CHECK'])
    expect(verdict.stale.map((e) => e.check)).toEqual(['CSP_GLOBAL_CHECK'])
    expect(verdict.unreasoned.map((e) => e.reason)).toEqual(['fine'])
  })
})

describe('Electronegativity over src/', () => {
  it('finds nothing the allow-list does not explain', () => {
    const result = scan()
    expect(result.lines.join('\n')).toMatch(
      /finding\(s\), \d+ explained in electronegativity-allow\.json, 0 not$/
    )
    expect(result.ok).toBe(true)
  }, 300_000)
})
