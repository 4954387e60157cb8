/**
 * Approval signatures with `ssh-keygen -Y`, the scheme git uses for SSH commit signing: the
 * approver signs with their own key (`user.signingkey`: a key file, a public key whose private
 * half is in the agent, or `key::<public key>`); a signature is verified against the
 * repository's allowed-signers file (git's format) as committed on main. ssh-keygen is always
 * spawned with an argv array; the signed text goes through stdin.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ExpectedError } from '../errors'
import { runGit } from '../git'

/** The namespace every approval signature is made in (`-n`): a commit signature never counts. */
export const APPROVAL_NAMESPACE = 'slipway-promotion'

const TIMEOUT_MS = 30_000

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function sshKeygen(args: readonly string[], stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh-keygen', [...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS)
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(
        new ExpectedError(
          'bad-config',
          `could not run ssh-keygen (is OpenSSH installed?): ${err.message}`
        )
      )
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(stdin)
  })
}

async function withTemp<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-sig-'))
  try {
    return await run(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? ''
}

/**
 * Signs `payload` with the repository's `user.signingkey` and answers the armored signature.
 * Without a signing key it says how to set one.
 */
export async function signPayload(repo: string, payload: string): Promise<string> {
  const out = await runGit(repo, ['config', '--get', 'user.signingkey'], { okExitCodes: [0, 1] })
  const key = out.stdout.trim()
  if (out.exitCode !== 0 || key === '') {
    throw new ExpectedError(
      'bad-config',
      'approvals here must be signed, and git has no signing key: set git config user.signingkey ~/.ssh/id_ed25519 (your SSH key, listed in the allowed-signers file)'
    )
  }
  return withTemp(async (dir) => {
    let keyFile = key.startsWith('~/') ? join(homedir(), key.slice(2)) : key
    // A literal public key (git accepts `key::ssh-ed25519 AAAA…`): its private half is in the agent.
    const literal = key.startsWith('key::')
      ? key.slice(5)
      : /^(ssh|ecdsa|sk)-/.test(key)
        ? key
        : null
    if (literal !== null) {
      keyFile = join(dir, 'key.pub')
      await writeFile(keyFile, `${literal}\n`, { mode: 0o600 })
    }
    const run = await sshKeygen(
      ['-Y', 'sign', '-q', '-f', keyFile, '-n', APPROVAL_NAMESPACE],
      payload
    )
    if (run.code !== 0 || !run.stdout.includes('BEGIN SSH SIGNATURE')) {
      throw new ExpectedError(
        'bad-config',
        `could not sign the approval with ${key}: ${firstLine(run.stderr) || `ssh-keygen exited with ${run.code}`}`
      )
    }
    return run.stdout
  })
}

/** What verifying one signature answered. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly why: string }

/**
 * Verifies that `signature` is `principal`'s signature of `payload` according to
 * `allowedSigners` (the file's text); `source` names the file in the answer.
 */
export async function verifyPayload(options: {
  readonly allowedSigners: string | null
  readonly source: string
  readonly principal: string
  readonly payload: string
  readonly signature: string
}): Promise<Verdict> {
  const { allowedSigners, source, principal } = options
  if (allowedSigners === null) {
    return { ok: false, why: `no allowed-signers file: ${source} is not committed on main` }
  }
  if (!/^[^\s]+$/.test(principal)) {
    return { ok: false, why: `${JSON.stringify(principal)} cannot be a signer's identity` }
  }
  return withTemp(async (dir) => {
    const signers = join(dir, 'allowed_signers')
    const sig = join(dir, 'approval.sig')
    await writeFile(signers, allowedSigners, { mode: 0o600 })
    await writeFile(sig, options.signature, { mode: 0o600 })
    const args = [
      '-Y',
      'verify',
      '-f',
      signers,
      '-I',
      principal,
      '-n',
      APPROVAL_NAMESPACE,
      '-s',
      sig
    ]
    const run = await sshKeygen(args, options.payload)
    if (run.code === 0) return { ok: true }
    const said = firstLine(run.stderr) || firstLine(run.stdout) || `exit code ${run.code}`
    return {
      ok: false,
      why: `the signature does not verify as ${principal}'s in ${source} (ssh-keygen: ${said})`
    }
  })
}
