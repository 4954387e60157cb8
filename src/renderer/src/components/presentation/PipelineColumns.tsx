import { CheckCircle2, CircleDashed, Loader2, XCircle } from 'lucide-react'
import type { PipelineColumn, PipelineItem, PipelineTest } from '../../lib/pipeline'
import { plural } from '../../lib/format'

const TEST_TEXT: Record<PipelineTest, string> = {
  passed: 'tests pass',
  failed: 'tests fail',
  running: 'testing',
  queued: 'queued',
  none: ''
}

function TestMark({ test }: { readonly test: PipelineTest }): React.JSX.Element | null {
  if (test === 'none') return null
  const Icon =
    test === 'passed'
      ? CheckCircle2
      : test === 'failed'
        ? XCircle
        : test === 'running'
          ? Loader2
          : CircleDashed
  // The shape tells the state from across the room; the words are for screen readers.
  return (
    <span className={`present-test present-test-${test}`} title={TEST_TEXT[test]}>
      <Icon aria-hidden="true" />
      <span className="sr-only">{TEST_TEXT[test]}</span>
    </span>
  )
}

function Card({ item }: { readonly item: PipelineItem }): React.JSX.Element {
  return (
    <li
      className="present-card"
      data-testid="present-card"
      data-key={item.key}
      data-test={item.test}
    >
      <div className="present-card-top">
        <span className="present-key">{item.key}</span>
        <TestMark test={item.test} />
      </div>
      {item.title && <div className="present-title">{item.title}</div>}
    </li>
  )
}

/**
 * The pipeline as columns, left to right: branch, tests, pull request, main, then each
 * environment. A column shows at most `fits` cards and says how many more it holds, so the
 * slide never scrolls.
 */
export function PipelineColumns({
  columns,
  fits
}: {
  readonly columns: readonly PipelineColumn[]
  readonly fits: number
}): React.JSX.Element {
  return (
    <section className="present-pipeline" aria-label="Pipeline">
      {columns.map((column, index) => {
        const shown = column.items.length > fits ? column.items.slice(0, fits - 1) : column.items
        const more = column.items.length - shown.length
        return (
          <div
            key={column.id}
            className={`present-column${index >= 4 ? ' present-column-env' : ''}`}
            data-testid={`present-stage-${column.id}`}
          >
            <h2 className="present-stage">
              <span>{column.title}</span>
              <span className="present-count">{column.items.length}</span>
            </h2>
            {column.items.length === 0 ? (
              <p className="present-empty">{column.earlier > 0 ? 'nothing new' : 'none'}</p>
            ) : (
              <ol className="present-cards">
                {shown.map((item) => (
                  <Card key={item.key} item={item} />
                ))}
              </ol>
            )}
            {more > 0 && <p className="present-more">+{more} more</p>}
            {column.earlier > 0 && (
              <p className="present-more">{plural(column.earlier, 'ticket')} shipped before</p>
            )}
          </div>
        )
      })}
    </section>
  )
}
