import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { readRelease } from '../lib/release.js'

test('prefers the RELEASE file, then SLIPWAY_RELEASE, then dev', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orders-release-'))
  try {
    assert.equal(readRelease(dir, {}), 'dev')
    assert.equal(readRelease(dir, { SLIPWAY_RELEASE: 'r-7' }), 'r-7')
    writeFileSync(join(dir, 'RELEASE'), 'r-8\n')
    assert.equal(readRelease(dir, { SLIPWAY_RELEASE: 'r-7' }), 'r-8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
