import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SetupCache, setupKey } from './setup-cache'

const dir = mkdtempSync(join(tmpdir(), 'slipway-setup-cache-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function worktree(name: string, lock: string | null): string {
  const path = join(dir, name)
  mkdirSync(path, { recursive: true })
  if (lock !== null) writeFileSync(join(path, 'package-lock.json'), lock)
  return path
}

function fakeInstall(path: string, content: string): void {
  mkdirSync(join(path, 'node_modules', 'pkg'), { recursive: true })
  writeFileSync(join(path, 'node_modules', 'pkg', 'index.js'), content)
}

describe('SetupCache', () => {
  it('keys on the setup command and the lockfiles present; none without a lockfile', async () => {
    const a = worktree('key-a', '{"a":1}')
    const b = worktree('key-b', '{"a":1}')
    const c = worktree('key-c', '{"a":2}')
    expect(await setupKey(a, 'npm ci')).toBe(await setupKey(b, 'npm ci'))
    expect(await setupKey(a, 'npm ci')).not.toBe(await setupKey(c, 'npm ci'))
    expect(await setupKey(a, 'npm ci')).not.toBe(await setupKey(a, 'npm install'))
    writeFileSync(join(b, 'yarn.lock'), 'x')
    expect(await setupKey(b, 'npm ci')).not.toBe(await setupKey(a, 'npm ci'))
    expect(await setupKey(worktree('key-none', null), 'npm ci')).toBeNull()
  })

  it('misses, saves, restores by links into another worktree, and knows when it is in place', async () => {
    const cache = new SetupCache(join(dir, 'cache-1'))
    const first = worktree('wt-1', '{}')
    expect(await cache.restore(first, 'k1')).toBe('miss')
    fakeInstall(first, 'v1')
    await cache.save(first, 'k1')
    expect(await cache.restore(first, 'k1')).toBe('already-there')
    const second = worktree('wt-2', '{}')
    fakeInstall(second, 'stale')
    expect(await cache.restore(second, 'k1')).toBe('restored')
    expect(readFileSync(join(second, 'node_modules', 'pkg', 'index.js'), 'utf8')).toBe('v1')
    await cache.clear(second)
    expect(readdirSync(second)).toEqual(['package-lock.json'])
    await cache.settle()
    expect(readdirSync(join(dir, 'cache-1', '.trash'))).toEqual([])
  })

  it('keeps only the most recently used entries', async () => {
    const root = join(dir, 'cache-2')
    const cache = new SetupCache(root, 2)
    const wt = worktree('wt-evict', '{}')
    for (const [i, key] of ['old', 'used', 'new'].entries()) {
      fakeInstall(wt, key)
      await cache.save(wt, key)
      await cache.clear(wt)
      const t = new Date(Date.now() - (10 - i) * 60_000)
      utimesSync(join(root, key), t, t)
    }
    // 'old' went when 'new' arrived; 'used' is restored now, so it outlives 'new' when 'next' comes.
    expect(await cache.restore(wt, 'used')).toBe('restored')
    await cache.clear(wt)
    fakeInstall(wt, 'next')
    await cache.save(wt, 'next')
    await cache.settle()
    expect(
      readdirSync(root)
        .filter((n) => !n.startsWith('.'))
        .sort()
    ).toEqual(['next', 'used'])
  })
})
