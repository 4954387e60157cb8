import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Deployment } from '../../../shared/deploy-models'
import { PRIVATE_DIR, PRIVATE_FILE } from '../private-files'

/** `<workspace data dir>/deploy`, where this machine keeps its own deploy records. */
function recordsDir(dataDir: string): string {
  return join(dataDir, 'deploy')
}

/** Releases this machine recorded as bad, per environment. */
export async function readLocalBadReleases(
  dataDir: string,
  environment: string
): Promise<string[]> {
  try {
    const all = JSON.parse(
      await readFile(join(recordsDir(dataDir), 'bad-releases.json'), 'utf8')
    ) as Record<string, unknown>
    const list = all[environment]
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return []
  }
}

/** Why releases were marked bad on this machine, per environment: release id → reason. */
export async function readLocalBadReasons(
  dataDir: string,
  environment: string
): Promise<Record<string, string>> {
  const all = await readJson(join(recordsDir(dataDir), 'bad-reasons.json'))
  const reasons = all[environment]
  const out: Record<string, string> = {}
  if (reasons && typeof reasons === 'object' && !Array.isArray(reasons)) {
    for (const [id, reason] of Object.entries(reasons as Record<string, unknown>)) {
      if (typeof reason === 'string') out[id] = reason
    }
  }
  return out
}

/**
 * Adds `release` to the environment's bad list, with the reason when one is given (the first
 * reason stays: it is what made the release bad). Files are written to a temp name, then renamed.
 */
export async function recordLocalBadRelease(
  dataDir: string,
  environment: string,
  release: string,
  reason?: string
): Promise<void> {
  const dir = recordsDir(dataDir)
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR })
  const file = join(dir, 'bad-releases.json')
  const all = (await readJson(file)) as Record<string, string[]>
  const list = new Set(Array.isArray(all[environment]) ? all[environment] : [])
  list.add(release)
  all[environment] = [...list].sort()
  await writeJson(file, all)
  if (reason === undefined) return
  const reasonsFile = join(dir, 'bad-reasons.json')
  const reasons = (await readJson(reasonsFile)) as Record<string, Record<string, string>>
  const forEnv = { ...(reasons[environment] ?? {}) }
  forEnv[release] ??= reason
  reasons[environment] = forEnv
  await writeJson(reasonsFile, reasons)
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: PRIVATE_FILE })
  await rename(tmp, file)
}

/**
 * Appends a finished deployment to `<data dir>/deploy/deployments.jsonl`: this machine's own
 * history, which a ticket reads to say which environments its releases reached.
 */
export async function recordLocalDeployment(
  dataDir: string,
  deployment: Deployment
): Promise<void> {
  const dir = recordsDir(dataDir)
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR })
  await appendFile(join(dir, 'deployments.jsonl'), JSON.stringify(deployment) + '\n', {
    mode: PRIVATE_FILE
  })
}

/** This machine's deployment history, newest first (a torn last line is skipped). */
export async function readLocalDeployments(dataDir: string): Promise<Deployment[]> {
  let text = ''
  try {
    text = await readFile(join(recordsDir(dataDir), 'deployments.jsonl'), 'utf8')
  } catch {
    return []
  }
  const out: Deployment[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      out.push(JSON.parse(line) as Deployment)
    } catch {
      // torn write after a crash
    }
  }
  return out.reverse()
}

/**
 * A workspace's deployments, newest first: `live` ones (this process), then those this machine
 * recorded before (a restart keeps them, with their logs). Never another workspace's.
 */
export async function workspaceDeployments(
  workspace: string,
  live: readonly Deployment[],
  dataDir: Promise<string>,
  limit: number
): Promise<Deployment[]> {
  const seen = new Set(live.map((d) => d.id))
  let recorded: Deployment[] = []
  try {
    recorded = await readLocalDeployments(await dataDir)
  } catch {
    // No data folder yet: nothing recorded.
  }
  const earlier = recorded
    // Records written before deployments carried their workspace are this workspace's: the
    // data folder is per workspace.
    .map((d) => (d.workspace ? d : { ...d, workspace }))
    .filter((d) => d.workspace === workspace && !seen.has(d.id))
  return [...live, ...earlier]
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, limit)
}
