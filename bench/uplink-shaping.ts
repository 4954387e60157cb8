/**
 * A laptop's uplink for `bench:uplink`: the bench re-runs itself in a private network namespace
 * (its own loopback, so nothing else on the machine is slowed and nothing leaves it) where the
 * kernel's htb qdisc caps what is sent from LAPTOP_ADDRESS at UPLINK_MBIT. Slipway connects
 * from that address through `BindAddress` in an ssh config written for the bench, so only
 * its own traffic to the hosts is capped. What the hosts send back, and what they send each
 * other (a relay's fetches), goes from their own addresses and is not.
 */
import { spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** The address the bench's ssh connections leave from; never the kernel's default source. */
export const LAPTOP_ADDRESS = '127.0.0.250'
const MARK = 'SLIPWAY_BENCH_UPLINK_NETNS'

/** The cap in Mbit/s from UPLINK_MBIT (default 100); 0 means bare loopback. */
export function uplinkMbit(): number {
  const text = process.env.UPLINK_MBIT ?? '100'
  const n = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) {
    throw new Error(`UPLINK_MBIT must be a number of Mbit/s (0: no cap), not "${text}"`)
  }
  return n
}

/**
 * Outside the namespace: runs this same script inside a new one with the cap set up, and
 * answers its exit code. Inside (or with no cap): null, and the caller goes on.
 */
export function runShapedIfNeeded(mbit: number): number | null {
  if (mbit === 0 || process.env[MARK] === String(mbit)) return null
  const rate = `${mbit}mbit`
  const setup = [
    'ip link set lo up',
    'tc qdisc add dev lo root handle 1: htb default 10',
    // Everything else on this loopback: far above what the 2 cores can push.
    'tc class add dev lo parent 1: classid 1:10 htb rate 100gbit quantum 200000',
    `tc class add dev lo parent 1: classid 1:20 htb rate ${rate} ceil ${rate} quantum 60000`,
    `tc filter add dev lo parent 1: protocol ip u32 match ip src ${LAPTOP_ADDRESS}/32 flowid 1:20`
  ].join(' && ')
  const child = spawnSync(
    'unshare',
    [
      '--net',
      '--',
      'sh',
      '-c',
      `${setup} && exec "$0" "$@"`,
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1)
    ],
    { stdio: 'inherit', env: { ...process.env, [MARK]: String(mbit) } }
  )
  if (child.error) {
    console.error(
      `cannot cap the uplink here (${child.error.message}); UPLINK_MBIT=0 measures on bare loopback`
    )
    return 1
  }
  if (child.status !== 0 && child.status !== null) {
    console.error(
      `(exit ${child.status}; if the cap could not be set up, unshare --net and tc's htb need root; UPLINK_MBIT=0 measures on bare loopback)`
    )
  }
  return child.status ?? 1
}

/** An ssh config making every connection to the bench's hosts leave from LAPTOP_ADDRESS. */
export async function laptopSshConfig(scratch: string): Promise<string> {
  const file = join(scratch, 'ssh_config')
  await writeFile(file, `Host 127.0.0.*\n  BindAddress ${LAPTOP_ADDRESS}\n`)
  return file
}
