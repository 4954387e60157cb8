import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ExpectedError } from '../errors'
import { readArtifactTree } from './artifact-tree'
import { packArtifact } from './pack-artifact'

const temps: string[] = []
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temps.push(dir)
  return dir
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

const LONG_DIR = `deeply/${'nested-folder-name-'.repeat(6)}x/${'again-'.repeat(12)}y`
const LONG_FILE = `${'a-very-long-file-name-'.repeat(6)}.js`
const UNICODE = 'données-ünïcødé-文件.txt'

/** An artifact folder with nested folders, long names, an executable, links and odd modes. */
function makeArtifact(root: string, stamp: number): void {
  mkdirSync(join(root, 'lib'), { recursive: true })
  mkdirSync(join(root, LONG_DIR), { recursive: true })
  writeFileSync(join(root, 'server.js'), 'console.log("hi")\n')
  writeFileSync(join(root, 'lib', 'a.js'), 'export const a = 1\n')
  writeFileSync(join(root, 'lib', 'empty.txt'), '')
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho run\n')
  chmodSync(join(root, 'run.sh'), 0o750)
  chmodSync(join(root, 'lib', 'a.js'), 0o600)
  writeFileSync(join(root, LONG_DIR, LONG_FILE), 'x'.repeat(1000))
  writeFileSync(join(root, UNICODE), 'ü\n')
  writeFileSync(join(root, 'block.bin'), Buffer.alloc(512, 7))
  symlinkSync('lib/a.js', join(root, 'a-link.js'))
  symlinkSync(`../${LONG_DIR}/${LONG_FILE}`, join(root, 'lib', 'long-link'))
  // Whatever the build left as times, the archive uses the commit's.
  for (const p of ['server.js', 'lib/a.js', 'run.sh']) utimesSync(join(root, p), stamp, stamp)
}

describe('packArtifact', () => {
  const mtime = 1_767_000_000

  it('writes a tar.gz that GNU tar lists and extracts exactly, deterministically', async () => {
    const a = temp('slipway-art-a-')
    const b = temp('slipway-art-b-')
    makeArtifact(a, 1_000_000)
    makeArtifact(b, 2_000_000)
    const out = temp('slipway-pack-')
    const first = await packArtifact({
      root: a,
      output: join(out, 'a.tar.gz'),
      mtimeSeconds: mtime
    })
    const second = await packArtifact({
      root: b,
      output: join(out, 'b.tar.gz'),
      mtimeSeconds: mtime
    })
    const bytes = readFileSync(join(out, 'a.tar.gz'))
    expect(readFileSync(join(out, 'b.tar.gz')).equals(bytes)).toBe(true)
    expect(first.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(first.sizeBytes).toBe(bytes.length)
    expect(second.sha256).toBe(first.sha256)

    const listing = execFileSync('tar', ['-tzvf', join(out, 'a.tar.gz')], { encoding: 'utf8' })
    const names = execFileSync('tar', ['-tzf', join(out, 'a.tar.gz')], { encoding: 'utf8' })
      .trim()
      .split('\n')
    // No wrapping folder, parents before children, sorted by name.
    expect(names.slice(0, 5)).toEqual([
      'a-link.js',
      'block.bin',
      'deeply/',
      expect.stringMatching(/^deeply\/nested/),
      expect.stringMatching(/^deeply\/nested.*\/again-/)
    ])
    expect(names).toContain(`${LONG_DIR}/${LONG_FILE}`)
    expect(names).toContain(UNICODE)
    expect(listing).toMatch(/^-rwxr-xr-x 0\/0 .* run\.sh$/m)
    expect(listing).toMatch(/^-rw-r--r-- 0\/0 .* lib\/a\.js$/m)
    expect(listing).toMatch(/^lrwxrwxrwx 0\/0 .* a-link\.js -> lib\/a\.js$/m)

    const x = temp('slipway-extract-')
    execFileSync('tar', ['-xzf', join(out, 'a.tar.gz'), '-C', x])
    for (const p of [
      'server.js',
      'lib/a.js',
      'lib/empty.txt',
      'run.sh',
      'block.bin',
      UNICODE,
      `${LONG_DIR}/${LONG_FILE}`
    ]) {
      expect(readFileSync(join(x, p)).equals(readFileSync(join(a, p))), p).toBe(true)
      expect(statSync(join(x, p)).mtimeMs, p).toBe(mtime * 1000)
    }
    expect(statSync(join(x, 'run.sh')).mode & 0o777).toBe(0o755)
    expect(statSync(join(x, 'lib/a.js')).mode & 0o777).toBe(0o644)
    expect(lstatSync(join(x, 'a-link.js')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(join(x, 'a-link.js'))).toBe('lib/a.js')
    expect(readFileSync(join(x, 'lib', 'long-link'), 'utf8')).toBe('x'.repeat(1000))
  })

  it('streams big incompressible files across chunks, with the same bytes every time', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 123)
    const roots = [temp('slipway-big-a-'), temp('slipway-big-b-')]
    for (const root of roots) {
      writeFileSync(join(root, 'blob.bin'), data)
      writeFileSync(join(root, 'small.txt'), 'small')
    }
    const out = temp('slipway-pack-big-')
    const packs = []
    for (const [i, root] of roots.entries()) {
      packs.push(await packArtifact({ root, output: join(out, `${i}.tgz`), mtimeSeconds: mtime }))
    }
    expect(packs[1]!.sha256).toBe(packs[0]!.sha256)
    expect(packs[0]!.sizeBytes).toBeGreaterThan(data.length)
    const x = temp('slipway-extract-big-')
    execFileSync('tar', ['-xzf', join(out, '0.tgz'), '-C', x])
    expect(readFileSync(join(x, 'blob.bin')).equals(data)).toBe(true)
  })

  it('gives other bytes when the commit time differs', async () => {
    const a = temp('slipway-art-t-')
    makeArtifact(a, 1)
    const out = temp('slipway-pack-t-')
    const one = await packArtifact({ root: a, output: join(out, '1.tgz'), mtimeSeconds: mtime })
    const two = await packArtifact({ root: a, output: join(out, '2.tgz'), mtimeSeconds: mtime + 1 })
    expect(two.sha256).not.toBe(one.sha256)
  })

  it('refuses links that leave the artifact, also through other links', async () => {
    const cases: [string, (root: string) => void][] = [
      ['absolute', (r) => symlinkSync('/etc/passwd', join(r, 'l'))],
      ['parent', (r) => symlinkSync('../outside', join(r, 'l'))],
      [
        'nested parent',
        (r) => {
          mkdirSync(join(r, 'a'))
          symlinkSync('../../x', join(r, 'a', 'l'))
        }
      ],
      [
        'through a link',
        (r) => {
          mkdirSync(join(r, 'x'))
          symlinkSync('..', join(r, 'x', 'b'))
          symlinkSync('b/../..', join(r, 'x', 'c'))
        }
      ]
    ]
    for (const [name, make] of cases) {
      const root = temp('slipway-escape-')
      writeFileSync(join(root, 'ok.txt'), 'ok')
      make(root)
      const err = await readArtifactTree(root).catch((e: unknown) => e)
      expect(err, name).toBeInstanceOf(ExpectedError)
      expect((err as ExpectedError).code, name).toBe('build-failed')
      expect((err as ExpectedError).message, name).toMatch(/symlink .*(outside|absolute)/)
    }
    // Links that stay inside are fine, even dangling ones and ones through other links.
    const root = temp('slipway-inside-')
    mkdirSync(join(root, 'x'))
    symlinkSync('..', join(root, 'x', 'b'))
    symlinkSync('b/ok.txt', join(root, 'x', 'c'))
    symlinkSync('missing/file', join(root, 'dangling'))
    writeFileSync(join(root, 'ok.txt'), 'ok')
    const tree = await readArtifactTree(root)
    expect(tree.map((e) => e.path)).toEqual(['dangling', 'ok.txt', 'x', 'x/b', 'x/c'])
  })

  it('refuses a fifo and a missing artifact folder', async () => {
    const root = temp('slipway-fifo-')
    execFileSync('mkfifo', [join(root, 'pipe')])
    await expect(readArtifactTree(root)).rejects.toThrow(/pipe, which is not a file/)
    const out = temp('slipway-pack-m-')
    await expect(
      packArtifact({ root: join(root, 'nope'), output: join(out, 'x.tgz'), mtimeSeconds: 0 })
    ).rejects.toMatchObject({ code: 'build-failed' })
  })
})
