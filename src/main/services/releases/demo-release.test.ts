import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ensureDemoWorkspace, loadConfig, workspaceDataDir } from '../workspace'
import { createRelease } from '.'

const temps: string[] = []
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

describe('a release of the demo workspace', () => {
  it('builds with its own build.command and carries server.js and RELEASE', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'slipway-demo-release-'))
    temps.push(dataDir)
    const workspace = await ensureDemoWorkspace(dataDir)
    const { config, problems } = await loadConfig(workspace)
    expect(problems).toEqual([])
    const dir = join(await workspaceDataDir(dataDir, workspace), 'releases')
    const started = performance.now()
    const release = await createRelease({
      workspacePath: workspace,
      dir,
      config,
      mainBranch: config.mainBranch ?? 'main',
      ticketPattern: config.tickets.pattern,
      createdBy: 'demo@test',
      // Node and npm are on PATH wherever Slipway runs.
      buildTimeoutMs: 60_000
    })
    const ms = performance.now() - started
    console.log(`demo release ${release.id}: ${Math.round(ms)} ms, ${release.sizeBytes} bytes`)

    const into = mkdtempSync(join(tmpdir(), 'slipway-demo-unpacked-'))
    temps.push(into)
    execFileSync('tar', ['-xzf', release.tarballPath, '-C', into])
    expect(readdirSync(into)).toEqual(
      expect.arrayContaining(['RELEASE', 'lib', 'package.json', 'server.js'])
    )
    expect(readFileSync(join(into, 'RELEASE'), 'utf8')).toBe(`${release.id}\n`)
    expect(release.previousId).toBeNull()
    // The whole history of main, with the demo's ORD tickets.
    expect(release.commits.length).toBeGreaterThan(5)
    expect(release.tickets.length).toBeGreaterThan(3)
    expect(release.tickets.every((t) => /^ORD-\d+$/.test(t))).toBe(true)
    expect(
      execFileSync('git', ['status', '--porcelain'], { cwd: workspace, encoding: 'utf8' })
    ).toBe('')
  })
})
