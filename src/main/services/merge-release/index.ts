/**
 * Merge and release: a merge to main builds a release from the new commit and deploys it to
 * every environment with `deployOn: merge`. `MergeReleaseService` is created per open workspace
 * by the API's handlers (handlers-merge-release.ts) over the deploy domain.
 */
export {
  MergeReleaseService,
  type MergeReleaseOptions,
  type ReleasePipeline
} from './merge-release-service'
export { describeMove, readMainTip, releaseCommitPrefix, type MainMove } from './main-moves'
export { readMergeReleases, KEPT_MERGE_RELEASES } from './merge-release-store'
