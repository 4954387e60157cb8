/** `↑ahead ↓behind` against main, with the full sentence as title and accessible label. */
export function AheadBehind({
  ahead,
  behind,
  mainBranch
}: {
  readonly ahead: number
  readonly behind: number
  readonly mainBranch: string
}): React.JSX.Element {
  const sentence = `${ahead} ahead, ${behind} behind ${mainBranch}`
  return (
    <span className="ahead-behind" title={sentence} aria-label={sentence}>
      <span
        className={ahead > 0 ? 'ahead' : 'ahead zero'}
        data-testid="branch-ahead"
        aria-hidden="true"
      >
        ↑{ahead}
      </span>
      <span
        className={behind > 0 ? 'behind' : 'behind zero'}
        data-testid="branch-behind"
        aria-hidden="true"
      >
        ↓{behind}
      </span>
    </span>
  )
}
