export {
  TeamStateStore,
  type AppendInput,
  type EntityLog,
  type RefProblem,
  type RefsSnapshot,
  type TeamSnapshot
} from './store'
export { compareOps, type Operation } from './commit-cache'
export type { OpAuthor } from './op-codec'
export { syncTeamState, type SyncOptions, type SyncOutcome } from './sync'
export { originUrl } from './git-remote'
export {
  KeySequence,
  assignBlocks,
  isSequencePath,
  sequencePath,
  type DrawnNumber,
  type KeyBlock,
  type KeySequenceOptions
} from './key-blocks'
export {
  LOCAL_PREFIX,
  REMOTE_PREFIX,
  FETCH_REFSPEC,
  isEntityPath,
  kindOf,
  localRef,
  remoteRef
} from './ref-names'
