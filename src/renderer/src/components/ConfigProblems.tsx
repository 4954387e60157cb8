import type { ConfigProblem } from '../../../shared'

/** `file:line:column` for a problem, leaving out what is unknown. */
export function problemLocation(problem: ConfigProblem): string {
  let where = problem.file
  if (problem.line !== null) {
    where += `:${problem.line}`
    if (problem.column !== null) where += `:${problem.column}`
  }
  return where
}

/**
 * What a lane says while slipway.yml does not validate: that, and where, instead of the advice
 * the stand-in defaults would give ("no test.command", "no environments").
 */
export function InvalidConfigNote({
  problem,
  what
}: {
  readonly problem: ConfigProblem
  readonly what: string
}): React.JSX.Element {
  return (
    <p className="tests-note" data-testid="config-invalid-note">
      {what} while slipway.yml is invalid: <code>{problemLocation(problem)}</code> {problem.message}
      . Fix the file and they come back.
    </p>
  )
}

/** The warning banner for a `slipway.yml` that did not validate: each problem, located. */
export function ConfigProblems({
  problems
}: {
  readonly problems: readonly ConfigProblem[]
}): React.JSX.Element {
  return (
    <div className="banner warning" data-testid="config-problems" role="alert">
      <strong>
        slipway.yml has {problems.length === 1 ? 'a problem' : `${problems.length} problems`}; the
        defaults are in effect until it is fixed.
      </strong>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            <code>{problemLocation(p)}</code> {p.message}
          </li>
        ))}
      </ul>
    </div>
  )
}
