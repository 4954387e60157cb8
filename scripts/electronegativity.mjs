// `npm run lint:electron` (and scripts/electronegativity.test.ts): Electronegativity over src/,
// its SARIF parsed (the tool exits 0 whatever it finds). Every finding fails the run unless
// electronegativity-allow.json lists it (check and file) with the reason it is a false
// positive; an allow-list entry that matches nothing fails too, so the list stays true.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronVersion, projectRoot as root } from './electron-binary.mjs'

export const ALLOW_LIST = join(root, 'electronegativity-allow.json')

// The one check that needs the internet (it downloads Electron's release list to look for
// security fixes newer than ours); offline it only prints a warning. Dependabot-style version
// tracking is not this scan's job.
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck']

/** The findings in a SARIF report: check id, file (relative, forward slashes), line, message. */
export function findingsFromSarif(sarif) {
  const findings = []
  for (const run of sarif.runs ?? []) {
    for (const result of run.results ?? []) {
      const where = result.locations?.[0]?.physicalLocation
      findings.push({
        check: result.ruleId,
        file: (where?.artifactLocation?.uri ?? '').replaceAll('\\', '/'),
        line: where?.region?.startLine ?? 0,
        message: result.message?.text ?? ''
      })
    }
  }
  return findings
}

/**
 * Splits findings into those the allow-list explains and those it does not, and names the
 * allow-list entries that matched nothing (stale). Entries match on check and file.
 */
export function judge(findings, allowList) {
  const matches = (entry, f) => entry.check === f.check && entry.file === f.file
  const unexplained = findings.filter((f) => !allowList.some((e) => matches(e, f)))
  const stale = allowList.filter((e) => !findings.some((f) => matches(e, f)))
  const unreasoned = allowList.filter((e) => typeof e.reason !== 'string' || e.reason.length < 20)
  return { unexplained, stale, unreasoned }
}

/** Runs the scan; returns the lines to print and whether it passed. */
export function scan() {
  const out = mkdtempSync(join(tmpdir(), 'slipway-electronegativity-'))
  try {
    const sarifPath = join(out, 'report.sarif')
    const bin = join(root, 'node_modules', '.bin', 'electronegativity')
    const run = spawnSync(
      bin,
      [
        '-i',
        join(root, 'src'),
        '-r',
        '-v',
        'false',
        '-e',
        electronVersion() ?? '45.0.0',
        '-x',
        EXCLUDED_CHECKS.join(','),
        '-o',
        sarifPath
      ],
      { cwd: root, encoding: 'utf8', timeout: 240_000 }
    )
    let sarif
    try {
      sarif = JSON.parse(readFileSync(sarifPath, 'utf8'))
    } catch {
      const why = run.error?.message ?? (run.stderr || run.stdout || '').trim().split('\n').pop()
      return { ok: false, lines: [`electronegativity: no report (${why})`] }
    }
    const allowList = JSON.parse(readFileSync(ALLOW_LIST, 'utf8'))
    const findings = findingsFromSarif(sarif)
    const { unexplained, stale, unreasoned } = judge(findings, allowList)
    const lines = [
      ...unexplained.map(
        (f) => `electronegativity: ${f.check} at src/${f.file}:${f.line}: ${f.message}`
      ),
      ...stale.map(
        (e) =>
          `electronegativity: allow-list entry ${e.check} for src/${e.file} matches no finding; remove it`
      ),
      ...unreasoned.map(
        (e) => `electronegativity: allow-list entry ${e.check} for src/${e.file} gives no reason`
      )
    ]
    const ok = lines.length === 0
    lines.push(
      `electronegativity: ${findings.length} finding(s), ${findings.length - unexplained.length} explained in electronegativity-allow.json, ${unexplained.length} not`
    )
    return { ok, lines }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = scan()
  for (const line of result.lines) process.stderr.write(`${line}\n`)
  process.exit(result.ok ? 0 : 1)
}
