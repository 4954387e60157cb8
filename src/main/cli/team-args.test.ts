import { describe, expect, it } from 'vitest'
import { UsageError, parseCli } from './args'

const usage = (argv: string[]): string => {
  try {
    parseCli(argv, '/cwd')
  } catch (err) {
    if (err instanceof UsageError) return err.message
    throw err
  }
  throw new Error('expected a usage error')
}

const base = { workspace: '/cwd', dataDir: null, json: false }

describe('parseCli: ticket, pr and sync', () => {
  it('parses each command with its options', () => {
    expect(parseCli(['ticket', 'new', 'Fix', 'the', 'login', '--type', 'bug'], '/cwd')).toEqual({
      kind: 'ticket-new',
      ...base,
      title: 'Fix the login',
      description: null,
      type: 'bug',
      assignee: null
    })
    expect(parseCli(['ticket', 'list', '--status', 'open,in-progress', '--json'], '/cwd')).toEqual({
      kind: 'ticket-list',
      ...base,
      json: true,
      status: ['open', 'in-progress'],
      type: null,
      assignee: null,
      text: null
    })
    expect(parseCli(['ticket', 'start', 'ORD-7', '--switch', '-w', '/r'], '/cwd')).toEqual({
      kind: 'ticket-start',
      ...base,
      workspace: '/r',
      key: 'ORD-7',
      switchTo: true
    })
    expect(parseCli(['pr', 'open', 'ORD-7-x', '--title', 'T'], '/cwd')).toMatchObject({
      kind: 'pr-open',
      branch: 'ORD-7-x',
      title: 'T',
      description: null
    })
    expect(parseCli(['pr', 'list'], '/cwd')).toEqual({ kind: 'pr-list', ...base, state: 'open' })
    expect(parseCli(['pr', 'approve', 'ORD-7-x', '-m', 'ok'], '/cwd')).toEqual({
      kind: 'pr-review',
      ...base,
      branch: 'ORD-7-x',
      verdict: 'approve',
      comment: 'ok'
    })
    expect(parseCli(['pr', 'merge', 'ORD-7-x', '--delete-branch'], '/cwd')).toEqual({
      kind: 'pr-merge',
      ...base,
      branch: 'ORD-7-x',
      deleteBranch: true,
      trust: false
    })
    expect(parseCli(['pr', 'merge', 'ORD-7-x', '--trust'], '/cwd')).toMatchObject({
      kind: 'pr-merge',
      deleteBranch: false,
      trust: true
    })
    expect(parseCli(['sync', '--json'], '/cwd')).toEqual({ kind: 'sync', ...base, json: true })
    expect(parseCli(['pr', '--help'], '/cwd')).toEqual({ kind: 'help' })
    expect(parseCli(['ticket', 'new', '--help'], '/cwd')).toEqual({ kind: 'help' })
  })

  it('names the culprit in one line', () => {
    expect(usage(['ticket', 'new'])).toBe(
      'ticket new needs a title (try: slipway ticket new Fix the login page)'
    )
    expect(usage(['ticket', 'new', 'x', '--type', 'epic'])).toBe(
      '--type must be one of task, bug, feature, chore, not "epic"'
    )
    expect(usage(['ticket', 'frobnicate'])).toBe(
      'unknown command "ticket frobnicate" (try: slipway --help)'
    )
    expect(usage(['pr', 'show', 'a', 'b'])).toBe('unexpected argument b (try: slipway --help)')
    expect(usage(['pr', 'merge', 'a', '--comment', 'x'])).toBe(
      '--comment is not an option of pr merge'
    )
    expect(usage(['pr', 'request-changes', 'a'])).toBe(
      'pr request-changes needs --comment saying what to change'
    )
    expect(usage(['pr', 'list', '--state', 'draft'])).toBe(
      '--state must be one of open, merged, closed, all, not "draft"'
    )
    expect(usage(['sync', 'now'])).toBe('unexpected argument now (try: slipway --help)')
  })
})
