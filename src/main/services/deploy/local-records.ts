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

/** Adds `release` to the environment's bad list (write to a temp file, then rename). */
export async function recordLocalBadRelease(
  dataDir: string,
  environment: string,
  release: string
): Promise<void> {
  const dir = recordsDir(dataDir)
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR })
  const file = join(dir, 'bad-releases.json')
  let all: Record<string, string[]> = {}
  try {
    all = JSON.parse(await readFile(file, 'utf8')) as Record<string, string[]>
  } catch {
    all = {}
  }
  const list = new Set(all[environment] ?? [])
  list.add(release)
  all[environment] = [...list].sort()
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(all, null, 2) + '\n', { mode: PRIVATE_FILE })
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
