export { shellQuote } from './shell-quote'
export type { ExecOptions, ExecResult, Transport, TransportContext, UploadOptions } from './types'
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
