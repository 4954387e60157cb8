// Entry of `slipway` (built to out/main/cli.js, run by bin/slipway with plain Node). It must
// import nothing from electron.
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { fileURLToPath } from 'node:url'
import { readAppVersion } from './app-version'
import { createFileLog } from './file-log'
import { runCli } from './run'

const here = dirname(fileURLToPath(import.meta.url))
const stdout = (text: string): void => void process.stdout.write(text)
const stderr = (text: string): void => void process.stderr.write(text)

// Questions only on a terminal; a script gets none and passes --trust.
const ask = process.stdin.isTTY
  ? async (question: string): Promise<string | null> => {
      const rl = createInterface({ input: process.stdin, output: process.stderr })
      try {
        return await rl.question(question)
      } catch {
        return null
      } finally {
        rl.close()
      }
    }
  : undefined

const untilStopped = (): Promise<void> =>
  new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout,
  stderr,
  version: readAppVersion(here),
  // out/main/cli.js → out/renderer
  rendererDir: join(here, '..', 'renderer'),
  untilStopped,
  ask,
  logFor: (dataDir) =>
    createFileLog(join(dataDir, 'slipway.log'), stderr, Boolean(process.env.SLIPWAY_DEBUG))
}).then(
  (code) => {
    process.exitCode = code
  },
  (err: unknown) => {
    stderr(`slipway: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  }
)
