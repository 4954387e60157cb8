import { afterEach, describe, expect, it } from 'vitest'
import type { EnvironmentStatus, HostStatus, Release } from '../../../shared/deploy-models'
import { TestRepo } from '../../testing/test-repo'
import { environmentCommit } from './release-commit'

const repos: TestRepo[] = []
afterEach(() => {
  for (const r of repos.splice(0)) r.remove()
})

function host(name: string, release: string | null, reachable = true): HostStatus {
  return {
    host: name,
    reachable,
    error: reachable ? null : 'connection refused',
    release,
    previous: null,
    releases: release ? [release] : [],
    health: { kind: 'unknown' },
    healthy: false,
    lock: null
  } as HostStatus
}

function status(hosts: HostStatus[]): EnvironmentStatus {
  return { environment: 'staging', hosts, drift: false, badReleases: [], readAt: '' }
}

describe('environmentCommit ("Run what staging runs")', () => {
  it('takes the release most reachable hosts serve, and its commit from the store or its id', async () => {
    const repo = TestRepo.create({ files: { a: '1' } })
    repos.push(repo)
    const one = repo.sha('HEAD')
    const two = repo.commitFiles('two', { a: '2' })
    const stored = { id: '20261202.1000-aaaaaaa', commit: one } as Release
    const fromStore = await environmentCommit(
      repo.path,
      status([
        host('s1', stored.id),
        host('s2', stored.id),
        host('s3', `20261202.1100-${two.slice(0, 7)}`)
      ]),
      [stored]
    )
    expect(fromStore).toEqual({ release: stored.id, sha: one })
    // Not in this machine's store (deployed from another machine): the id's short commit.
    const fromId = await environmentCommit(
      repo.path,
      status([host('s1', `20261202.1100-${two.slice(0, 7)}`), host('s2', null, false)]),
      []
    )
    expect(fromId).toEqual({ release: `20261202.1100-${two.slice(0, 7)}`, sha: two })
  })

  it('says why when no host serves a release or its commit is unknown here', async () => {
    const repo = TestRepo.create({ files: { a: '1' } })
    repos.push(repo)
    await expect(environmentCommit(repo.path, status([host('s1', null)]), [])).rejects.toThrow(
      'staging runs no release yet'
    )
    await expect(
      environmentCommit(repo.path, status([host('s1', null, false)]), [])
    ).rejects.toThrow('no host of staging could say what it runs (s1: connection refused)')
    await expect(
      environmentCommit(repo.path, status([host('s1', '20261202.1100-1234567')]), [])
    ).rejects.toThrow(/whose commit is not in this repository/)
  })
})
