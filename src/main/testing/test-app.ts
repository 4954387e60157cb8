import { createHash } from 'node:crypto'
import { execFile } from 'node:child_process'
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { StoredRelease } from '../services/releases'

const run = promisify(execFile)

/**
 * A tiny real HTTP app: listens on SLIPWAY_HOST_ADDRESS and APP_PORT (else SLIPWAY_PORT) and
 * answers /health with `{"status":"ok","release":"<id>"}` read from its RELEASE file; when
 * `<base>/shared/broken` names its release it reports "broken" (a host that fails its check).
 */
const SERVER_CJS = `const http = require('http')
const fs = require('fs')
const path = require('path')
const base = process.env.SLIPWAY_BASE || path.join(__dirname, '..', '..')
const release = fs.readFileSync(path.join(__dirname, 'RELEASE'), 'utf8').trim()
let broken = false
try {
  broken = fs.readFileSync(path.join(base, 'shared', 'broken'), 'utf8').trim() === release
} catch {}
const host = process.env.SLIPWAY_HOST_ADDRESS || '127.0.0.1'
const port = Number(process.env.APP_PORT || process.env.SLIPWAY_PORT)
const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: 'ok', release: broken ? 'broken' : release }))
  } else {
    res.writeHead(404)
    res.end()
  }
})
let tries = 0
server.on('error', (e) => {
  if (e.code === 'EADDRINUSE' && tries++ < 100) setTimeout(() => server.listen(port, host), 20)
  else throw e
})
server.listen(port, host)
`

/** Restarts the app: stops the one in shared/app.pid (waiting until it is gone), starts this one detached. */
const RESTART_SH = `#!/bin/sh
pidfile="$SLIPWAY_BASE/shared/app.pid"
# Only the app: after a host restart the file may name a pid some other process now has.
if [ -f "$pidfile" ] && grep -qs server.cjs "/proc/$(cat "$pidfile")/cmdline"; then
  old=$(cat "$pidfile")
  kill "$old" 2>/dev/null
  n=0
  # A zombie (no init reaping it in a container) counts as gone.
  while kill -0 "$old" 2>/dev/null && ! grep -qs '^State:.*Z' "/proc/$old/status" && [ $n -lt 100 ]; do
    sleep 0.02; n=$((n+1))
  done
fi
if [ -f "$SLIPWAY_BASE/shared/slow-hook" ]; then sleep "$(cat "$SLIPWAY_BASE/shared/slow-hook")"; fi
nohup node server.cjs > "$SLIPWAY_BASE/shared/app.log" 2>&1 < /dev/null &
echo $! > "$pidfile"
`

/** The hook that restarts the test app. */
export const TEST_APP_HOOK = 'sh bin/restart'

/** Writes the test app for release `id` into `dir` (plus optional extra files). */
export async function writeTestApp(
  dir: string,
  id: string,
  extra: Readonly<Record<string, string | Buffer>> = {}
): Promise<void> {
  await mkdir(join(dir, 'bin'), { recursive: true })
  await writeFile(join(dir, 'server.cjs'), SERVER_CJS)
  await writeFile(join(dir, 'bin', 'restart'), RESTART_SH)
  await chmod(join(dir, 'bin', 'restart'), 0o755)
  await writeFile(join(dir, 'RELEASE'), `${id}\n`)
  for (const [name, content] of Object.entries(extra)) {
    await mkdir(join(dir, name, '..'), { recursive: true })
    await writeFile(join(dir, name), content)
  }
}

/**
 * Builds a release of the test app in `workDir` as the release store would hold it: a tar.gz
 * whose top level is the app's content (made with GNU tar), its sha256 and size.
 */
export async function makeTestRelease(
  workDir: string,
  id: string,
  extra: Readonly<Record<string, string | Buffer>> = {}
): Promise<StoredRelease> {
  const artifact = join(workDir, `artifact-${id}`)
  await rm(artifact, { recursive: true, force: true })
  await writeTestApp(artifact, id, extra)
  const tarballPath = join(workDir, `${id}.tar.gz`)
  await run('tar', ['-czf', tarballPath, '-C', artifact, '.'])
  await rm(artifact, { recursive: true, force: true })
  const bytes = await readFile(tarballPath)
  return {
    id,
    commit: id.split('-')[1].padEnd(40, '0'),
    subject: `release ${id}`,
    createdAt: new Date().toISOString(),
    createdBy: 'test@slipway',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    tickets: [],
    commits: [],
    previousId: null,
    tarballPath
  }
}

/** A release id for tests: fixed date, the sequence in the time part. */
export function testReleaseId(n: number): string {
  return `20261126.${String(1000 + n).padStart(4, '0')}-${(0xabc0000 + n).toString(16)}`
}

/**
 * Stops the test app of a host folder (its pid is in shared/app.pid); quiet when none runs.
 * `localPid` maps a pid written inside an sshd test host (its own pid namespace) to this
 * machine's; a local host shares this machine's pids.
 */
export async function stopTestApp(
  hostDir: string,
  localPid: (pidInHost: number) => number | null = (pid) => pid
): Promise<void> {
  try {
    const pid = localPid(
      Number((await readFile(join(hostDir, 'shared', 'app.pid'), 'utf8')).trim())
    )
    if (pid !== null && pid > 0) process.kill(pid, 'SIGTERM')
  } catch {
    // not running
  }
}
