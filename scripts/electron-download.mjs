// Gets the Electron binary the way the `electron` package (45+) expects: by running its own
// installer, node_modules/electron/install.js, which honours ELECTRON_MIRROR,
// ELECTRON_CUSTOM_DIR, ELECTRON_CUSTOM_FILENAME, the download cache and its checksums. We add
// what `require('electron')` lacks: progress, a stall timeout, and a one-line reason on failure.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { electronBinary, electronPackageDir, electronVersion } from './electron-binary.mjs'

/** Where @electron/get downloads from when no mirror is set. */
export const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/'

// The same lookup order as @electron/get's mirror settings: .npmrc, package.json config, env.
function mirrorSetting(name, fallback) {
  const snake = name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
  const env = process.env
  return (
    env[`npm_config_electron_${name.toLowerCase()}`] ||
    env[`NPM_CONFIG_ELECTRON_${snake.toUpperCase()}`] ||
    env[`npm_config_electron_${snake}`] ||
    env[`npm_package_config_electron_${name}`] ||
    env[`npm_package_config_electron_${snake}`] ||
    env[`ELECTRON_${snake.toUpperCase()}`] ||
    fallback
  )
}

/** The URL install.js will download the Electron zip from, for this machine. */
export function electronDownloadUrl(version = electronVersion()) {
  const platform =
    process.env.ELECTRON_INSTALL_PLATFORM || process.env.npm_config_platform || process.platform
  const arch = process.env.ELECTRON_INSTALL_ARCH || process.env.npm_config_arch || process.arch
  const base = mirrorSetting('mirror', DEFAULT_MIRROR)
  const dir = mirrorSetting('customDir', `v${version}`).replace('{{ version }}', version)
  const file = mirrorSetting('customFilename', `electron-v${version}-${platform}-${arch}.zip`)
  return `${base}${dir}/${file}`
}

function bytesUnder(dir) {
  let total = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const e of entries) {
    const p = join(dir, e.name)
    try {
      total += e.isDirectory() ? bytesUnder(p) : statSync(p).size
    } catch {
      // removed while we looked
    }
  }
  return total
}

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`

function hostOf(url) {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

const OFFLINE_CODES = ['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN']

// install.js prints only `err.stack`, which drops fetch's cause (the socket error). Ask the
// server ourselves to name it.
async function probe(url) {
  const host = hostOf(url)
  const isDefault = url.startsWith(DEFAULT_MIRROR)
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5_000) })
    return `the download from ${host} broke off (it answers now: try again)`
  } catch (err) {
    const code = err?.cause?.code ?? (err?.name === 'TimeoutError' ? 'ETIMEDOUT' : undefined)
    const detail = code ?? err?.cause?.message ?? err?.message ?? String(err)
    if (isDefault && OFFLINE_CODES.includes(code)) return `offline (${host}: ${detail})`
    if (code === 'ECONNREFUSED') return `the mirror ${host} is unreachable (connection refused)`
    if (code === 'ETIMEDOUT') return `the mirror ${host} is unreachable (no answer)`
    if (OFFLINE_CODES.includes(code)) return `the mirror ${host} is unreachable (${detail})`
    return `${host} is unreachable (${detail})`
  }
}

/** The one-line reason an install.js run failed, from what it printed. */
export async function failureReason(output, url) {
  const http = /Response code (\d+) \(([^)]*)\) for (\S+)/.exec(output)
  if (http) return `${hostOf(http[3])} answered ${http[1]} ${http[2]} for ${http[3]}`
  if (/checksum/i.test(output)) {
    return `the archive from ${hostOf(url)} failed its SHA-256 check (for a mirror of custom builds, set electron_use_remote_checksums=1)`
  }
  if (/fetch failed|ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket|network/i.test(output)) {
    return probe(url)
  }
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '))
  return (lines[0] ?? 'the installer failed without a message').slice(0, 200)
}

/**
 * Runs Electron's installer with progress on `out` (a writable stream) and gives up when no
 * byte arrives for `stallSeconds`. Resolves to `{ ok: true, binary }` or `{ ok: false, reason }`.
 */
export function downloadElectron({ stallSeconds, out = process.stderr }) {
  const version = electronVersion()
  if (!version) {
    return Promise.resolve({ ok: false, reason: 'the electron package is not installed' })
  }
  const url = electronDownloadUrl(version)
  const host = hostOf(url)
  // @electron/get downloads into os.tmpdir(): give it a folder of its own to measure.
  const tmp = mkdtempSync(join(tmpdir(), 'slipway-electron-'))
  const dist = join(electronPackageDir, 'dist')
  const tty = Boolean(out.isTTY)
  out.write(`slipway: downloading Electron ${version} from ${host}…${tty ? '' : '\n'}`)

  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(electronPackageDir, 'install.js')], {
      cwd: electronPackageDir,
      env: { ...process.env, TMPDIR: tmp, TEMP: tmp, TMP: tmp, ELECTRON_GET_NO_PROGRESS: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    const keep = (b) => (output = (output + b.toString()).slice(-16_384))
    child.stdout.on('data', keep)
    child.stderr.on('data', keep)

    // The stall clock starts when the installer begins its download (@electron/get makes its
    // temp folder just before it connects), not while Node loads it.
    const spawned = Date.now()
    let seen = -1
    let lastChange = 0
    let lastPrinted = 0
    let stalled = false
    const timer = setInterval(() => {
      const now = Date.now()
      if (!lastChange) {
        if (readdirSync(tmp).length === 0 && bytesUnder(dist) === 0) {
          if (now - spawned > Math.max(60, stallSeconds) * 1000) {
            stalled = true
            child.kill('SIGKILL')
          }
          return
        }
        lastChange = now
      }
      const received = bytesUnder(tmp)
      const total = received + bytesUnder(dist)
      if (total !== seen) {
        seen = total
        lastChange = now
        const text = received > 0 ? `received ${mb(received)}` : 'unpacking'
        if (tty) out.write(`\rslipway: downloading Electron ${version} from ${host}… ${text}   `)
        else if (now - lastPrinted >= 5_000 && total > 0) {
          out.write(`slipway: Electron download: ${text}\n`)
          lastPrinted = now
        }
      } else if (now - lastChange > stallSeconds * 1000) {
        stalled = true
        child.kill('SIGKILL')
      }
    }, 250)

    let finished = false
    const finish = async (code, spawnError) => {
      if (finished) return
      finished = true
      clearInterval(timer)
      rmSync(tmp, { recursive: true, force: true })
      if (tty) out.write('\n')
      const binary = electronBinary()
      if (code === 0 && binary) {
        out.write(`slipway: Electron ${version} is installed\n`)
        resolve({ ok: true, binary })
      } else if (stalled) {
        const reason = lastChange
          ? `no data from ${host} for ${stallSeconds} s`
          : 'the installer did not start its download within a minute'
        resolve({ ok: false, reason })
      } else if (spawnError) {
        resolve({ ok: false, reason: `the installer did not start (${spawnError.message})` })
      } else if (code === 0) {
        resolve({ ok: false, reason: 'the installer finished but left no Electron executable' })
      } else {
        resolve({ ok: false, reason: await failureReason(output, url) })
      }
    }
    child.on('error', (err) => void finish(null, err))
    child.on('close', (code) => void finish(code, null))
  })
}
