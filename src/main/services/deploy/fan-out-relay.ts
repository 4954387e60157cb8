import { FAN_OUT_PATH } from '../../../shared/config-schema'
import { ExpectedError } from '../errors'
import { shellQuote, type EphemeralAgent, type SshPeer, type Transport } from '../transport'
import { assertReleaseId, execChecked } from './remote'

/** The name a peer's ssh knows its relay's host key under (pinned, see {@link peerSsh}). */
const RELAY_ALIAS = 'slipway-relay'

/** Where a relay keeps the verified tarball or delta it serves (pruning removes `upload-*`). */
export function relayFile(transport: Transport, id: string): string {
  assertReleaseId(id)
  return `${transport.basePath.replace(/\/+$/, '')}/.slipway/upload-${id}.relay`
}

/** The comment that marks one deployment's fan-out key (its agent's) in authorized_keys. */
export function fanOutKeyComment(deploymentId: string): string {
  if (!/^[A-Za-z0-9-]+$/.test(deploymentId)) throw new Error(`bad deployment id ${deploymentId}`)
  return `slipway-fanout-${deploymentId}`
}

/** Throws ExpectedError('bad-config') unless the host's deploy path fits an authorized_keys command. */
export function assertFanOutPath(transport: Transport): void {
  if (!FAN_OUT_PATH.test(transport.basePath)) {
    throw new ExpectedError(
      'bad-config',
      `${transport.label}: fan-out needs a deploy path of letters, digits, "/", ".", "_" and "-"`,
      { host: transport.label }
    )
  }
}

/**
 * Lets the deployment's fan-out key (the agent's, never written anywhere) fetch exactly one
 * file from the relay: one line in the relay's `~/.ssh/authorized_keys` with `restrict` (no
 * forwarding, no pty, no ~/.ssh/rc) and a forced command that answers `probe` and `fetch`
 * (that file, read only) and nothing else. Removed by {@link revokeRelay}.
 */
export async function authorizeRelay(
  relay: Transport,
  agent: EphemeralAgent,
  deploymentId: string,
  served: string
): Promise<void> {
  assertFanOutPath(relay)
  const tag = fanOutKeyComment(deploymentId)
  if (!FAN_OUT_PATH.test(served)) throw new Error(`bad relay file ${served}`)
  // Safe inside command="…": FAN_OUT_PATH allows no quote, backslash, space or `$`.
  const forced =
    'case $SSH_ORIGINAL_COMMAND in probe) echo slipway-fanout-ok;; ' +
    `fetch) exec cat -- ${served};; *) echo fan-out allows probe and fetch only >&2; exit 1;; esac`
  if (!agent.publicLine.endsWith(` ${tag}`)) throw new Error('the agent is not this deployment’s')
  const line = `restrict,command="${forced}" ${agent.publicLine}`
  // Lines a Slipway that was killed mid-deployment left are dropped first: nobody holds their
  // keys any more (each lived in that process's memory only).
  await execChecked(
    relay,
    'authorize fan-out key',
    `umask 077; mkdir -p -- "$HOME/.ssh" || exit 2; ${dropLines(' slipway-fanout-')} ` +
      `printf '%s\\n' ${shellQuote(line)} >> "$HOME/.ssh/authorized_keys"`
  )
}

/**
 * Shell: removes the lines holding `text` from ~/.ssh/authorized_keys, keeping every other line
 * and the file itself (owner, mode); nothing when there is no such line.
 */
function dropLines(text: string): string {
  const t = shellQuote(text)
  return (
    `f="$HOME/.ssh/authorized_keys"; if [ -f "$f" ] && grep -qF -- ${t} "$f"; then ` +
    `t=$(mktemp "$HOME/.ssh/.slipway-XXXXXX") || exit 2; ` +
    `grep -vF -- ${t} "$f" > "$t"; cat -- "$t" > "$f"; rm -f -- "$t"; fi;`
  )
}

/**
 * Removes the deployment's fan-out key from the relay's authorized_keys (other lines kept, the
 * file's owner and mode too) and the file it served. Never throws: the agent that could use the
 * key is closed by then anyway.
 */
export async function revokeRelay(
  relay: Transport,
  deploymentId: string,
  served: string
): Promise<void> {
  await relay
    .exec(`rm -f -- ${shellQuote(served)}; ${dropLines(` ${fanOutKeyComment(deploymentId)}`)}`, {
      timeoutMs: 20_000
    })
    .catch(() => undefined)
}

/**
 * The ssh command line a peer runs to reach its relay: no config file, no identity but the
 * forwarded agent's, the relay's host key pinned to the one this machine verified (in a 0600
 * known_hosts file written just before), never asking anything.
 */
function peerSsh(relay: SshPeer, knownHosts: string, connectSeconds: number): string {
  const options = [
    '-F /dev/null',
    '-o BatchMode=yes',
    '-o StrictHostKeyChecking=yes',
    `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
    '-o GlobalKnownHostsFile=/dev/null',
    `-o HostKeyAlias=${RELAY_ALIAS}`,
    '-o CheckHostIP=no',
    '-o IdentityFile=none',
    '-o ForwardAgent=no',
    '-o ClearAllForwardings=yes',
    '-o ServerAliveInterval=10',
    '-o ServerAliveCountMax=3',
    `-o ConnectTimeout=${Math.max(1, Math.round(connectSeconds))}`
  ].join(' ')
  return `ssh ${options} -p ${relay.port} -l ${shellQuote(relay.user)} -- ${shellQuote(relay.hostName)}`
}

/** Writes the pinned known_hosts file on the peer, then runs `ssh … <verb>` to the relay. */
function viaRelay(
  peer: Transport,
  relay: SshPeer,
  verb: 'probe' | 'fetch',
  connectSeconds: number
): { knownHosts: string; command: string } {
  if (!relay.hostKey) throw new Error('the relay host key is unknown')
  const knownHosts = `${peer.basePath.replace(/\/+$/, '')}/.slipway/upload-fanout-${verb}.known_hosts`
  const kh = shellQuote(knownHosts)
  const write = `umask 077; mkdir -p -- "$(dirname -- ${kh})" && printf '%s\\n' ${shellQuote(`${RELAY_ALIAS} ${relay.hostKey}`)} > ${kh} || exit 2; `
  return {
    knownHosts,
    command: `${write}command -v ssh >/dev/null 2>&1 || { echo 'no ssh client on this host' >&2; exit 7; }; ${peerSsh(relay, knownHosts, connectSeconds)} ${verb}`
  }
}

/**
 * Proves, before anything is uploaded, that `peer` can reach `relay` over SSH with the
 * forwarded fan-out agent, the relay's host key verified: fails with ExpectedError saying why
 * (the last line ssh printed: host key, refused key, no route).
 */
export async function probeRelay(
  peer: Transport,
  relay: Transport,
  agent: EphemeralAgent,
  connectSeconds: number,
  signal?: AbortSignal
): Promise<void> {
  if (!relay.sshPeer) throw new Error(`${relay.label} is not an SSH host`)
  const { knownHosts, command } = viaRelay(peer, relay.sshPeer, 'probe', connectSeconds)
  const out = await execChecked(
    peer,
    `ssh to relay ${relay.label}`,
    `${command}; code=$?; rm -f -- ${shellQuote(knownHosts)}; exit $code`,
    { forwardAgent: agent, signal, timeoutMs: (connectSeconds + 20) * 1000 }
  )
  if (out.trim() !== 'slipway-fanout-ok') {
    throw new ExpectedError(
      'deploy-failed',
      `${peer.label}: ssh to relay ${relay.label} did not answer as expected`,
      { host: peer.label, relay: relay.label, stdout: out.slice(-500) }
    )
  }
}

/**
 * Fetches the relay's served file onto `peer` at `dest` over SSH (the peer is the client; the
 * agent forwarded on a connection of its own) and answers the bytes received. A short or
 * failed fetch removes `dest` and throws; the caller verifies the file as it would an upload.
 */
export async function fetchFromRelay(
  peer: Transport,
  relay: Transport,
  agent: EphemeralAgent,
  dest: string,
  options: { connectSeconds: number; timeoutMs: number; signal?: AbortSignal }
): Promise<number> {
  if (!relay.sshPeer) throw new Error(`${relay.label} is not an SSH host`)
  const { knownHosts, command } = viaRelay(peer, relay.sshPeer, 'fetch', options.connectSeconds)
  const d = shellQuote(dest)
  const out = await execChecked(
    peer,
    `fetch from relay ${relay.label}`,
    `${command} > ${d}; code=$?; rm -f -- ${shellQuote(knownHosts)}; ` +
      `if [ $code -ne 0 ]; then rm -f -- ${d}; exit $code; fi; wc -c < ${d}`,
    { forwardAgent: agent, signal: options.signal, timeoutMs: options.timeoutMs }
  )
  return Number(out.trim()) || 0
}
