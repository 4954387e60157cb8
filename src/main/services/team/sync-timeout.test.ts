// A git remote that hangs: a local TCP server that accepts the connection and never answers,
// used as origin over http://. Git's own transport has no timeout for it; Slipway's does.
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import { listProcesses } from '../../testing/proc-table'
import { git, TeamRepos } from '../../testing/team-repos'
import { Team } from './team'

describe('git fetch of an origin that never answers', () => {
  let repos: TeamRepos
  let server: Server
  let port = 0
  const sockets: Socket[] = []

  beforeAll(async () => {
    repos = TeamRepos.create()
    server = createServer((s) => {
      sockets.push(s)
      s.resume()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as { port: number }).port
  })
  afterAll(() => {
    for (const s of sockets) s.destroy()
    server?.close()
    repos?.remove()
  })

  it('gives up after timeouts.fetchSeconds, says so, and leaves no git process behind', async () => {
    const repo = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    git(repo, ['remote', 'set-url', 'origin', `http://127.0.0.1:${port}/team.git`])
    const config = SlipwayConfigSchema.parse({ timeouts: { fetchSeconds: 1 } })
    const team = await Team.open({ repo, config, mainBranch: 'main' })
    const started = Date.now()
    const outcome = await team.sync.sync()
    const elapsed = Date.now() - started
    expect(outcome).toMatchObject({
      kind: 'offline',
      message: 'git fetch did not finish within 1 s (timeouts.fetchSeconds)'
    })
    // git really reached the silent origin (the timeout, not a refused connection, ended it).
    expect(sockets.length).toBeGreaterThan(0)
    expect(elapsed).toBeLessThan(8000)
    // Neither git nor its http helper is still talking to the silent origin.
    const left = listProcesses().filter((p) => p.command.includes(`127.0.0.1:${port}`))
    expect(left).toEqual([])
  })
})
