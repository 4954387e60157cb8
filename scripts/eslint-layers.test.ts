import { join, resolve } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

// One violation of each rule of the layer matrix, linted with the project's own eslint.config.js
// (what `npm run lint` runs) as if the file were at that path.
const ROOT = resolve(import.meta.dirname, '..')

let eslint: ESLint
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT })
})

async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'slipway/layers').map((m) => m.message)
}

describe('the layer matrix fails lint', () => {
  it.each([
    ['shared imports nothing of ours', 'src/shared/x.ts', "import '../main/services/log'"],
    [
      'services do not import api',
      'src/main/services/deploy/x.ts',
      "import { createRouter } from '../../api'"
    ],
    [
      'services import testing only from tests',
      'src/main/services/git/x.ts',
      "import { tempDir } from '../../testing/temp-dir'"
    ],
    [
      'api does not import the hosts',
      'src/main/api/x.ts',
      "export { createFileLog } from '../cli/file-log'"
    ],
    [
      'the hosts reach services only through api (cli)',
      'src/main/cli/x.ts',
      "import { defaultDataDir } from '../services/workspace'"
    ],
    [
      'the hosts reach services only through api (serve)',
      'src/main/serve/x.ts',
      "import type { ErrorLog } from '../services/log'"
    ],
    [
      'the hosts reach services only through api (electron)',
      'src/main/electron/x.ts',
      "const m = import('../services/workspace')"
    ],
    [
      'the renderer imports shared only',
      'src/renderer/src/x.ts',
      "import { createRouter } from '../../main/api'"
    ],
    ['the preload imports shared only', 'src/preload/x.ts', "import '../main/api'"]
  ])('%s', async (_rule, file, code) => {
    const problems = await layerProblems(file, `${code}\nexport {}\n`)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/ may not import /)
  })

  it('allows what the matrix allows', async () => {
    const allowed: Array<[string, string]> = [
      ['src/shared/x.ts', "import { plural } from './plural'"],
      ['src/main/services/deploy/x.ts', "import { plural } from '../../../shared/plural'"],
      ['src/main/services/deploy/x.ts', "import { runGit } from '../git'"],
      ['src/main/services/git/x.test.ts', "import { tempDir } from '../../testing/temp-dir'"],
      ['src/main/api/x.ts', "import { DeployService } from '../services/deploy'"],
      ['src/main/cli/x.ts', "import { createRouter } from '../api'"],
      ['src/main/cli/x.ts', "import { startServer } from '../serve'"],
      ['src/renderer/src/x.ts', "import type { Method } from '../../shared/contract'"]
    ]
    for (const [file, code] of allowed) {
      expect(await layerProblems(file, `${code}\nexport {}\n`), `${file}: ${code}`).toEqual([])
    }
  })
})
