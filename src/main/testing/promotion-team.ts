/**
 * Test support for promotions: two people (Ana and Ben), each with a clone of one bare origin
 * and their own router, a pipeline of staging and a production promoted from it on local folder
 * hosts both clones share, and SSH keys for signed approvals.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ApiResult } from '../../shared/errors'
import { createRouter, type Router } from '../api'
import { memorySettingsStore } from '../services/workspace'
import { git, TeamRepos } from './team-repos'
import { removeDir, tempDir } from './temp-dir'
import { trustOpenWorkspace } from './trust'

/** The value of a result, or an error naming the refusal. */
export function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

/** The refusal of a result, or an error when it succeeded. */
export function refusal(result: ApiResult<unknown>): { code: string; message: string } {
  if (result.ok) throw new Error('expected a refusal, got a value')
  return result.error
}

/**
 * Opens `path` in a new router with its own data folder, trusting the pipeline's commands as
 * the person would in the dialog; `cleanup` gets what disposes of it.
 */
export async function openAs(
  path: string,
  cleanup: (step: () => Promise<unknown>) => void
): Promise<Router> {
  const dataDir = await tempDir('slipway-promote-')
  const router = createRouter({
    host: 'serve',
    version: '9.9.9',
    dataDir,
    settings: memorySettingsStore()
  })
  cleanup(async () => {
    await router.dispose()
    await removeDir(dataDir)
  })
  value(await router.openWorkspace(path))
  await trustOpenWorkspace(router)
  return router
}

/** The pipeline: staging and a production promoted from it (`production` adds its settings). */
export function pipeline(hosts: string, production: string): string {
  return `project: orders
tickets: { projects: [ORD] }
build:
  command: mkdir -p dist && printf '%s\\n' "$SLIPWAY_RELEASE" > dist/RELEASE && cp app.txt dist/
  artifact: dist
environments:
  - name: staging
    hosts: [{ local: ${hosts}/staging-1, name: staging-1 }]
    healthCheck: { command: cat RELEASE }
  - name: production
    promoteFrom: staging
${production}    hosts:
      - { local: ${hosts}/production-1, name: production-1 }
      - { local: ${hosts}/production-2, name: production-2 }
    healthCheck: { command: cat RELEASE }
`
}

/** The release a local host serves (its `current/RELEASE`), or null. */
export async function currentOf(hostDir: string): Promise<string | null> {
  return (
    (await readFile(join(hostDir, 'current', 'RELEASE'), 'utf8').catch(() => null))?.trim() ?? null
  )
}

/** Deploys `release` to staging and waits for the hosts to serve it. */
export async function onStaging(router: Router, release: string): Promise<void> {
  value(await router.call('deployments.start', { release, environment: 'staging' }))
  for (let i = 0; i < 600; i++) {
    const s = value(await router.call('environments.status', { environment: 'staging' }))
    if (s.hosts.every((h) => h.release === release && h.healthy)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${release} never became healthy on staging`)
}

/** Makes an ed25519 key pair `<dir>/<name>` (no passphrase); answers the private key's path. */
export function keygen(dir: string, name: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)])
  return join(dir, name)
}

/** A public key file's `type base64` part (an allowed_signers line's key). */
export async function publicKeyOf(privateKey: string): Promise<string> {
  return (await readFile(`${privateKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ')
}

/** Two people's clones of one origin, the shared hosts folder, and SSH keys by name. */
export interface PromotionTeam {
  readonly repos: TeamRepos
  readonly hosts: string
  readonly anaPath: string
  readonly benPath: string
  /** The private key file of each name in `keys`. */
  readonly key: (name: string) => string
}

/**
 * Ana commits `slipway.yml` (the {@link pipeline} with `production` settings) and `app.txt`;
 * with `signing`, a key pair per name in `keys` is made and `.slipway/allowed_signers` names
 * `<name>@example.com` with their key for each name in `allowed`. Ana pushes, Ben pulls.
 */
export async function promotionTeam(
  production: string,
  signing: { readonly keys: readonly string[]; readonly allowed: readonly string[] } | null = null
): Promise<PromotionTeam> {
  const repos = TeamRepos.create()
  const hosts = join(repos.root, 'hosts')
  const keys = join(repos.root, 'keys')
  await mkdir(hosts)
  await mkdir(keys)
  const anaPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
  const benPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
  await writeFile(join(anaPath, 'slipway.yml'), pipeline(hosts, production))
  await writeFile(join(anaPath, 'app.txt'), 'orders v1\n')
  if (signing) {
    for (const name of signing.keys) keygen(keys, name)
    const lines = await Promise.all(
      signing.allowed.map(async (n) => `${n}@example.com ${await publicKeyOf(join(keys, n))}\n`)
    )
    await mkdir(join(anaPath, '.slipway'))
    await writeFile(join(anaPath, '.slipway', 'allowed_signers'), lines.join(''))
  }
  git(anaPath, ['add', '.'])
  git(anaPath, ['commit', '-q', '-m', 'ORD-1 Orders app'])
  git(anaPath, ['push', '-q', 'origin', 'main'])
  git(benPath, ['pull', '-q', 'origin', 'main'])
  return { repos, hosts, anaPath, benPath, key: (name) => join(keys, name) }
}
