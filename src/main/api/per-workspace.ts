import type { Workspace } from '../../shared/models'
import { ExpectedError } from '../services/errors'
import type { OpenedWorkspace, Session } from './session'

/**
 * Keeps one service per open workspace, the way every domain's handlers get theirs: `create`
 * runs when a workspace opens ({@link Session.onOpen}), `stop` when it closes (another opens,
 * or the session ends; `Session.dispose` waits for what it returns). Returns a getter for the open workspace's service, which throws
 * `ExpectedError('no-workspace')` when none is open.
 */
export function perWorkspace<S>(
  session: Session,
  create: (workspace: Workspace, opened: OpenedWorkspace) => S,
  stop?: (service: S) => void | Promise<void>
): () => S {
  let current: { readonly workspace: Workspace; readonly service: S } | null = null
  session.onOpen((workspace, opened) => {
    const entry = { workspace, service: create(workspace, opened) }
    current = entry
    return () => {
      if (current === entry) current = null
      return stop?.(entry.service)
    }
  })
  return () => {
    const { workspace } = session.require()
    if (!current || current.workspace !== workspace) {
      throw new ExpectedError('no-workspace', 'No workspace is open; open one first.')
    }
    return current.service
  }
}
