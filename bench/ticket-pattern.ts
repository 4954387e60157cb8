/**
 * Benchmark of ticket-pattern safety (`npm run bench:regex`), for security review finding 3:
 * `([A-Z]+)+-[0-9]+` against `feature/` and 29 `A`s took 19.5 s, doubling with each letter.
 *
 * Baseline, measured in this run: V8 itself on the attack pattern with 16 to 22 letters
 * (29 would take minutes on a loaded machine), extrapolated to 29 by the measured doubling.
 * Slipway: the same pattern in slipway.yml is refused at validation (time to refuse), and
 * the default and realistic patterns find tickets in the 29-letter name and in a name of
 * 512 letters (the most of a text Slipway searches) in under 10 ms.
 */
import { parseConfigText } from '../src/main/services/workspace/config'
import { findTickets } from '../src/main/services/git/tickets'
import { checkRegexSafety } from '../src/shared/regex-safety'

const ATTACK = '([A-Z]+)+-[0-9]+'
const name = (letters: number): string => `feature/${'A'.repeat(letters)}`

const time = (f: () => unknown, repeat = 1): number => {
  const start = performance.now()
  for (let i = 0; i < repeat; i++) f()
  return (performance.now() - start) / repeat
}

// The unprotected engine: the raw pattern, searched as findTickets used to search it.
const raw = new RegExp(ATTACK, 'g')
const baseline: { letters: number; ms: number }[] = []
for (let letters = 16; letters <= 22; letters++) {
  const text = name(letters)
  baseline.push({ letters, ms: time(() => text.match(raw)) })
}
const last = baseline[baseline.length - 1]
const prev = baseline[baseline.length - 2]
const growth = last.ms / prev.ms
const extrapolated29 = last.ms * growth ** (29 - last.letters)
for (const b of baseline) console.log(`baseline_v8_${b.letters}_letters_ms=${b.ms.toFixed(1)}`)
console.log(`baseline_growth_per_letter=${growth.toFixed(2)}`)
console.log(`baseline_v8_29_letters_ms_extrapolated=${extrapolated29.toFixed(0)}`)

// Slipway: the pattern never reaches the engine.
const yaml = `tickets:\n  pattern: '${ATTACK}'\n`
const refuseMs = time(() => parseConfigText(yaml), 20)
const problem = parseConfigText(yaml).problems[0]
console.log(`slipway_refused=${problem ? 'yes' : 'NO'}`)
if (problem)
  console.log(
    `slipway_error="${problem.file}:${problem.line}:${problem.column}: ${problem.message.slice(0, 80)}…"`
  )
console.log(`slipway_refuse_ms=${refuseMs.toFixed(2)}`)
let thrown = false
try {
  findTickets(name(29), ATTACK)
} catch {
  thrown = true
}
console.log(`slipway_findTickets_refuses_attack=${thrown ? 'yes' : 'NO'}`)

const patterns = ['[A-Z][A-Z0-9]+-[0-9]+', '[A-Z]+-\\d+', '\\b[A-Z]{2,10}-\\d{1,6}\\b']
let worst = 0
for (const pattern of patterns) {
  findTickets('warm-up ORD-1', pattern)
  for (const text of [name(29), name(512), `${'A-'.repeat(256)}`]) {
    const ms = time(() => findTickets(text, pattern), 50)
    worst = Math.max(worst, ms)
    console.log(`slipway_find_ms pattern=${pattern} length=${text.length} ms=${ms.toFixed(3)}`)
  }
}
const checkMs = Math.max(...patterns.map((p) => time(() => checkRegexSafety(p), 20)))
console.log(`slipway_safety_check_ms_max=${checkMs.toFixed(2)}`)
console.log(`slipway_worst_find_ms=${worst.toFixed(3)} (target < 10)`)
console.log(
  `ratio_attack_29_baseline_over_slipway=${(extrapolated29 / Math.max(refuseMs, 0.001)).toFixed(0)}`
)
if (!problem || !thrown || worst >= 10) {
  console.log('FAILED: the attack is not refused or a search took 10 ms or more')
  process.exitCode = 1
}
