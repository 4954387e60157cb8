/** What `bench:state` counts as a fold: every entity read and folded, as the board would. */
import type { TeamStateStore } from '../src/main/services/team-state'

/** Reads and folds the whole team state; answers a one-line summary. */
export async function foldForBench(store: TeamStateStore): Promise<string> {
  const snap = await store.snapshot()
  let ops = 0
  for (const e of snap.entities.values()) ops += e.ops.length
  return `${snap.entities.size} entities, ${ops} operations, ${snap.problems.length} problems`
}
