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
