import type { Release } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'

/** A release as the API shows it (the tarball path stays on this machine). */
export function publicRelease(stored: StoredRelease): Release {
  const release: Record<string, unknown> = { ...stored }
  delete release.tarballPath
  return release as Release
}
