import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runGit } from '../git'
import { loadWorkspace } from './workspace'

let dir: string

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'slipway-ws-')))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function commit(repo: string): Promise<void> {
  await writeFile(join(repo, 'a.txt'), 'a\n')
  await runGit(repo, ['add', 'a.txt'])
  await runGit(repo, [
    '-c',
    'user.name=Test',
    '-c',
    'user.email=test@example.com',
    'commit',
    '-q',
    '-m',
    'first'
  ])
}

describe('loadWorkspace', () => {
  it('opens a repository from a subfolder with defaults', async () => {
    const repo = join(dir, 'shop')
    await mkdir(join(repo, 'src'), { recursive: true })
    await runGit(repo, ['init', '-q', '-b', 'master'])
    await commit(repo)
    const ws = await loadWorkspace(join(repo, 'src'))
    expect(ws).toMatchObject({
      path: repo,
      name: 'shop',
      isDemo: false,
      mainBranch: 'master',
      configSource: 'defaults',
      configProblems: []
    })
  })

  it('uses the project and main branch from slipway.yml', async () => {
    await runGit(dir, ['init', '-q', '-b', 'main'])
    await writeFile(join(dir, 'slipway.yml'), 'project: orders\nmainBranch: trunk\n')
    const ws = await loadWorkspace(dir, { isDemo: true })
    expect(ws).toMatchObject({ name: 'orders', mainBranch: 'trunk', isDemo: true })
    expect(ws.configSource).toBe('file')
  })

  it('keeps opening with the defaults when slipway.yml has problems', async () => {
    await runGit(dir, ['init', '-q', '-b', 'main'])
    await writeFile(join(dir, 'slipway.yml'), 'project: orders\nmainBranch: 7\n')
    const ws = await loadWorkspace(dir)
    expect(ws.configSource).toBe('defaults')
    expect(ws.name).toBe(dir.split('/').pop())
    expect(ws.configProblems).toEqual([
      {
        file: 'slipway.yml',
        line: 2,
        column: 1,
        message: 'mainBranch: expected a string, got a number (7)'
      }
    ])
  })

  it('refuses a folder that is not a repository', async () => {
    await expect(loadWorkspace(dir)).rejects.toMatchObject({ code: 'not-a-repository' })
    await expect(loadWorkspace(join(dir, 'missing'))).rejects.toMatchObject({
      code: 'not-a-repository'
    })
  })
})
