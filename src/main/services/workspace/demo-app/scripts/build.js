// Copies the app into dist/ and stamps it with the release id, so the artifact says what
// it is wherever it is unpacked. The release id comes from $SLIPWAY_RELEASE.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const release = (process.env.SLIPWAY_RELEASE || '').trim() || 'dev'

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist)
for (const path of ['package.json', 'server.js', 'lib']) {
  cpSync(join(root, path), join(dist, path), { recursive: true })
}
cpSync(join(root, 'scripts', 'restart.sh'), join(dist, 'restart.sh'))
writeFileSync(join(dist, 'RELEASE'), release + '\n')
console.log('built release ' + release + ' into dist/')
