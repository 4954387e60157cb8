export { shellQuote } from './shell-quote'
export type {
  ExecOptions,
  ExecResult,
  SshPeer,
  Transport,
  TransportContext,
  UploadOptions
} from './types'
export { EphemeralAgent } from './ephemeral-agent'
export { createLocalTransport, type LocalTransportOptions } from './local-transport'
export { hostLabel, parseSshTarget, type SshTarget } from './host-label'
export { HostTrustStore, type HostKeyDetails, type HostTrustStoreOptions } from './host-trust-store'
export {
  CredentialStore,
  type CredentialStoreOptions,
  type Identities,
  type Identity
} from './credentials'
export { fingerprintOf, keyTypeOf } from './known-hosts'
export { connectTransport } from './connect'
export { connectSshTransport, type SshTransportOptions } from './ssh-open'
export { MAX_CHANNELS } from './ssh-transport'
export { openSshClient, type SshConnectContext, type SshEndpoint } from './ssh-connect'
export {
  loadSshConfig,
  parseProxyJump,
  parseSshConfig,
  type JumpHop,
  type SshConfig,
  type SshHostSettings
} from './ssh-config'
export {
  checkHostKey,
  hashHostName,
  knownHostsName,
  parseKnownHosts,
  type HostKeyVerdict,
  type KnownHostEntry
} from './known-hosts'
