import { afterEach, describe, expect, it } from 'vitest'
import { promotionTeam } from '../testing/promotion-team'
import { removeDir, tempDir } from '../testing/temp-dir'
import { runCli, type CliIo } from './run'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * The CLI's own entry (`runCli`, what bin/slipway calls) in this process, with `cwd`'s data
 * folder; `answer` is what the user types at a question (no terminal when absent).
 */
async function slipway(
  cwd: string,
  dataDir: string,
  args: readonly string[],
  answer?: string
): Promise<Ran> {
  let stdout = ''
  let stderr = ''
  const io: CliIo = {
    cwd,
    env: { ...process.env, SLIPWAY_DATA_DIR: dataDir },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    version: '9.9.9',
    rendererDir: cwd,
    untilStopped: () => new Promise(() => undefined),
    logFor: () => (message, err) => {
      stderr += `[log] ${message} ${err instanceof Error ? err.stack : ''}\n`
    },
    ...(answer === undefined ? {} : { ask: () => Promise.resolve(answer) })
  }
  const code = await runCli([...args, '--data-dir', dataDir], io)
  return { code, stdout, stderr }
}

describe('slipway promote: trust and withdrawal (two clones)', { timeout: 300_000 }, () => {
  it('asks for trust like deploy, withdraws only as the requester, records the withdrawal', async () => {
    const team = await promotionTeam('    approvals: { required: 1, authorCannotApprove: true }\n')
    cleanup.push(async () => team.repos.remove())
    const anaData = await tempDir('slipway-promote-cli-ana-')
    const benData = await tempDir('slipway-promote-cli-ben-')
    const fresh = await tempDir('slipway-promote-cli-fresh-')
    cleanup.push(() => Promise.all([anaData, benData, fresh].map((d) => removeDir(d))))
    const ana = (args: readonly string[], answer?: string): Promise<Ran> =>
      slipway(team.anaPath, anaData, args, answer)
    const ben = (args: readonly string[]): Promise<Ran> => slipway(team.benPath, benData, args)

    // Ana trusts the pipeline on her terminal, builds a release and deploys it to staging.
    const created = await ana(['release', 'create'], 'y')
    expect(created.code, created.stderr).toBe(0)
    const release = created.stdout.trim()
    const staged = await ana(['deploy', release, 'staging'])
    expect(staged.code, staged.stderr).toBe(0)

    // Where nobody has trusted the commands: refused in words, or asked (and refused) on a terminal.
    const untrusted = await slipway(team.anaPath, fresh, ['promote', release, 'production'])
    expect(untrusted.code).toBe(1)
    expect(untrusted.stderr).toContain(
      'slipway: orders: its slipway.yml commands are not trusted yet; run this on a terminal to review them, or pass --trust'
    )
    const said = await slipway(team.anaPath, fresh, ['promote', release, 'production'], 'n')
    expect(said.code).toBe(1)
    expect(said.stderr).toContain('healthCheck')
    expect(said.stderr).toContain('slipway: orders: not trusted; nothing was run')
    // --trust (scripts) trusts them and the promotion goes on to its own checks.
    const trusted = await slipway(team.anaPath, fresh, [
      'promote',
      release,
      'production',
      '--trust'
    ])
    expect(trusted.stderr).toContain('slipway: trusted (--trust)')
    expect(trusted.stderr).toContain(
      `slipway: release ${release} is not in this machine's release store`
    )

    // Ana (trusted) requests: pending, naming the missing approval; the change ticket is named.
    const requested = await ana(['promote', release, 'production', '--reason', 'weekly'])
    expect(requested.code).toBe(1)
    expect(requested.stderr).toContain(
      'slipway: the promotion is pending: approvals: 1 more approval needed (0 of 1)'
    )
    expect(requested.stdout).toMatch(/ {2}change ticket: ORD-\d+\n/)

    // Ben may not withdraw Ana's request; his refusal is in words and in the ledger.
    const notHis = await ben(['promote', '--cancel', release, 'production'])
    expect(notHis.code).toBe(1)
    expect(notHis.stderr).toBe(
      'slipway: only ana@example.com, who requested this promotion, can withdraw it (you are ben@example.com)\n'
    )
    expect((await ben(['sync'])).code).toBe(0)

    const withdrawn = await ana([
      'promote',
      '--cancel',
      release,
      'production',
      '--reason',
      'wrong day'
    ])
    expect(withdrawn.code, withdrawn.stderr).toBe(0)
    expect(withdrawn.stdout).toContain('state: cancelled: withdrawn by ana@example.com: wrong day')
    const listed = JSON.parse((await ana(['promotions', '--json'])).stdout) as {
      state: string
      outcome: { status: string } | null
      changeTicket: string
    }[]
    expect(listed[0]).toMatchObject({ state: 'ended', outcome: { status: 'cancelled' } })
    // Nothing open is left to withdraw.
    const again = await ana(['promote', '--cancel', release, 'production'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(
      `slipway: no open promotion of ${release} to production to withdraw`
    )

    // The change ticket is closed with the withdrawal; the ledger holds both people's acts.
    const tickets = JSON.parse((await ana(['ticket', 'list', '--json'])).stdout) as {
      key: string
      status: string
      change?: { outcome: { status: string; summary: string } | null }
    }[]
    const change = tickets.find((t) => t.key === listed[0]?.changeTicket)
    expect(change).toMatchObject({
      status: 'closed',
      change: {
        outcome: { status: 'cancelled', summary: 'withdrawn by ana@example.com: wrong day' }
      }
    })
    const ledger = JSON.parse((await ana(['ledger', 'list', '--json'])).stdout) as {
      entry: { kind: string; state?: string; by: string; reason: string | null }
    }[]
    const trail = ledger
      .map((r) => r.entry)
      .filter((e) => e.kind === 'promotion')
      .map((e) => `${e.state} by ${e.by}`)
      .reverse()
    expect(trail).toEqual([
      'requested by ana@example.com',
      'cancel refused by ben@example.com',
      'cancelled by ana@example.com'
    ])

    // A withdrawn promotion can be requested again: a new one.
    const anew = await ana(['promote', release, 'production'])
    expect(anew.code).toBe(1)
    expect(anew.stderr).toContain('the promotion is pending')
    const both = JSON.parse((await ana(['promotions', '--json'])).stdout) as { state: string }[]
    expect(both.map((p) => p.state)).toEqual(['pending', 'ended'])
  })
})
