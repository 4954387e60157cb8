export { createRelease, type CreateReleaseOptions, type ReleaseProgress } from './create-release'
export {
  getRelease,
  listReleases,
  pruneReleases,
  readReleases,
  MANIFEST_FILE,
  TARBALL_FILE,
  type ReleaseProblem,
  type ReleaseStoreOptions,
  type StoredRelease
} from './release-store'
export { isReleaseId } from './release-id'
export { packArtifact, type PackOptions, type PackResult } from './pack-artifact'
export { padding, tarEnd, tarHeader, type TarEntry } from './tar-header'
