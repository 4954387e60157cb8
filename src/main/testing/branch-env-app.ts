// Test support: a tiny real HTTP app for branch environments, and `ps` to find what it left.
import { execFileSync } from 'node:child_process'
import { listProcesses } from './proc-table'

/**
 * The app's files: `app.cjs` listens on PORT and answers /health with its VERSION file, whether
 * it sees an SSH agent and its HOME; `child.cjs` just stays alive (started in the background by
 * the run command, so stopping must end the whole process group, not only the shell).
 */
export function branchEnvAppFiles(version: string): Record<string, string> {
  return {
    VERSION: `${version}\n`,
    'app.cjs': `const http = require('http')
const fs = require('fs')
const version = fs.readFileSync(__dirname + '/VERSION', 'utf8').trim()
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ version, agent: Boolean(process.env.SSH_AUTH_SOCK), home: process.env.HOME, secret: process.env.SLIPWAY_TEST_SECRET || null }))
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('app ' + version + ' listening on ' + process.env.PORT))
`,
    'child.cjs': 'setInterval(() => {}, 1000)\n'
  }
}

/** The run command: the background child and the app, both carrying `marker` on their command line. */
export function branchEnvRunCommand(marker: string): string {
  return `node child.cjs ${marker} & exec node app.cjs ${marker}`
}

/** Lines of `ps -eo pid,pgid,args` naming `marker` (the processes a test's app left). */
export function psLines(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,pgid,args'], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes(' ps -eo'))
    .map((line) => line.trim())
}

/** GET `url` and its JSON body, or null when nothing answers. */
export async function getJson(url: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(url)
    return (await res.json()) as Record<string, unknown>
  } catch {
    return null
  }
}

/** Processes whose working folder is inside `dir` (e.g. a data folder's worktrees), as `pid command`. */
export function processesUnder(dir: string): string[] {
  return listProcesses()
    .filter((p) => p.cwd === dir || p.cwd.startsWith(`${dir}/`))
    .map((p) => `${p.pid} ${p.command}`)
}
