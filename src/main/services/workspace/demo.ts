import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  writeFile
} from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { runGit } from '../git'
import { demoFiles, type DemoFeature } from './demo-app'
import { ensureDemoTeam } from './demo-team'
import { DEMO_COMMITS, DEMO_EPOCH_SECONDS, type DemoCommit } from './demo-history'
import { recordDemoTickets } from './demo-tickets'
import { PRIVATE_DIR } from '../private-files'

/** The demo repository's folder name under `<dataDir>/demo/`. */
export const DEMO_REPOSITORY_NAME = 'orders'

/**
 * The demo's version, kept in `.git/slipway-demo-version`. Bump it whenever the demo's files or
 * history change, so a demo built by an older Slipway is rebuilt rather than used as it is.
 */
export const DEMO_VERSION = 7

const VERSION_FILE = 'slipway-demo-version'

/** The call of {@link ensureDemoWorkspace} last started per demo folder, while it runs. */
const running = new Map<string, Promise<unknown>>()

/**
 * The path of the demo repository `<dataDir>/demo/orders`, creating it when it is missing or
 * not a valid repository, with its team (a local bare origin and the reviewer's clone, see
 * demo-team.ts). An existing valid one is left exactly as it is (one `git` call).
 * It is built in a temporary folder and renamed into place, so a crash never leaves half a demo.
 * Calls for one data folder run one after another: two at once (a window and the API both
 * opening the demo on a first start) removed each other's fresh demo or half-made origin
 * ("could not lock config file", "'origin' does not appear to be a git repository").
 */
export function ensureDemoWorkspace(dataDir: string): Promise<string> {
  const demoRoot = join(resolve(dataDir), 'demo')
  const before = running.get(demoRoot) ?? Promise.resolve()
  const call = before.then(() => ensureDemoIn(demoRoot))
  const settled = call.catch(() => undefined)
  running.set(demoRoot, settled)
  void settled.then(() => {
    if (running.get(demoRoot) === settled) running.delete(demoRoot)
  })
  return call
}

async function ensureDemoIn(demoRoot: string): Promise<string> {
  const target = join(demoRoot, DEMO_REPOSITORY_NAME)
  if (await isDemoRepository(target)) {
    // A deleted origin or reviewer clone is made again from the checkout as it is.
    await ensureDemoTeam(target)
    return target
  }
  await mkdir(demoRoot, { recursive: true, mode: PRIVATE_DIR })
  const staging = await mkdtemp(join(demoRoot, `.${DEMO_REPOSITORY_NAME}-`))
  try {
    await buildDemoRepository(staging)
    // Another caller may have finished first; theirs is as good as ours.
    if (await isDemoRepository(target)) return target
    await rm(target, { recursive: true, force: true })
    try {
      await rename(staging, target)
    } catch (err) {
      if (await isDemoRepository(target)) return target
      throw err
    }
    try {
      await ensureDemoTeam(target)
    } catch (err) {
      // Without its origin the demo is not whole: the next start builds it again.
      await rm(join(target, '.git', VERSION_FILE), { force: true })
      throw err
    }
    return target
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

/**
 * True when `path` is the top of a git work tree with a `main` branch, built by this version of
 * the demo ({@link DEMO_VERSION}).
 */
export async function isDemoRepository(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null)
  if (!info?.isDirectory()) return false
  const version = await readFile(join(path, '.git', VERSION_FILE), 'utf8').catch(() => '')
  if (version.trim() !== String(DEMO_VERSION)) return false
  const out = await runGit(path, ['rev-parse', '--show-toplevel', 'refs/heads/main^{commit}'], {
    okExitCodes: [0, 128]
  }).catch(() => null)
  if (!out || out.exitCode !== 0) return false
  const top = out.stdout.split('\n')[0]?.trim() ?? ''
  return top !== '' && top === (await realpath(path))
}

/**
 * Writes the demo history into a new repository at `dir` (which must be empty) and checks out
 * main. One `git fast-import` stream carries every commit with fixed authors and dates, so the
 * history and its shas are the same on every machine; the tickets it names are then tracked.
 */
export async function buildDemoRepository(dir: string): Promise<void> {
  await runGit(dir, ['init', '--quiet', '-b', 'main'])
  await runGit(dir, ['fast-import', '--quiet', '--done'], { input: demoFastImportStream() })
  await runGit(dir, ['reset', '--quiet', '--hard', 'refs/heads/main'])
  await recordDemoTickets(dir)
  await writeFile(join(dir, '.git', VERSION_FILE), `${DEMO_VERSION}\n`)
  // mkdtemp makes the folder private (0700); the demo is an ordinary checkout.
  await chmod(dir, 0o755)
}

/** The `git fast-import` stream of {@link DEMO_COMMITS}. */
export function demoFastImportStream(): string {
  const marks = new Map<string, number>()
  const features = new Map<string, ReadonlySet<DemoFeature>>()
  const tips = new Map<string, string>()
  const out: string[] = ['feature done']
  const data = (text: string): string => `data ${Buffer.byteLength(text, 'utf8')}\n${text}`
  DEMO_COMMITS.forEach((commit, i) => {
    const parent = commit.parent ?? tips.get(commit.branch)
    const present = new Set<DemoFeature>([
      ...featuresOf(features, parent),
      ...featuresOf(features, commit.merge),
      ...commit.adds
    ])
    features.set(commit.id, present)
    marks.set(commit.id, i + 1)
    tips.set(commit.branch, commit.id)
    out.push(`commit refs/heads/${commit.branch}`, `mark :${i + 1}`)
    const who = person(commit)
    out.push(`author ${who}`, `committer ${who}`, data(`${commit.message}\n`))
    if (parent !== undefined) out.push(`from :${markOf(marks, parent)}`)
    if (commit.merge !== undefined) out.push(`merge :${markOf(marks, commit.merge)}`)
    // Each commit is a whole snapshot; git works out the differences itself.
    out.push('deleteall')
    const files = demoFiles(present)
    for (const path of Object.keys(files).sort()) {
      out.push(`M 100644 inline ${path}`, data(files[path] ?? ''))
    }
    out.push('')
  })
  out.push('done', '')
  return out.join('\n')
}

function person(commit: DemoCommit): string {
  const seconds = DEMO_EPOCH_SECONDS + commit.hour * 3600
  return `${commit.author.name} <${commit.author.email}> ${seconds} +0100`
}

function featuresOf(
  features: ReadonlyMap<string, ReadonlySet<DemoFeature>>,
  id: string | undefined
): ReadonlySet<DemoFeature> {
  if (id === undefined) return new Set()
  const found = features.get(id)
  if (!found) throw new Error(`demo history: ${id} is used before it is defined`)
  return found
}

function markOf(marks: ReadonlyMap<string, number>, id: string): number {
  const mark = marks.get(id)
  if (mark === undefined) throw new Error(`demo history: ${id} is used before it is defined`)
  return mark
}
