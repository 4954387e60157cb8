import { ApiCallError, needsUser } from '../../../shared/errors'

/** A question only the user can answer before a deployment may connect. */
export type DeployPrompt =
  | {
      readonly kind: 'host-key'
      /** True when the key differs from a known one: shown as a warning, never accepted. */
      readonly changed: boolean
      readonly host: string
      readonly port: number
      readonly keyType: string
      readonly key: string
      readonly fingerprint: string
      readonly message: string
    }
  | { readonly kind: 'passphrase'; readonly keyFile: string; readonly message: string }

/** The prompt an error asks for, or null when it is an ordinary failure. */
export function promptFor(error: unknown): DeployPrompt | null {
  if (!(error instanceof ApiCallError)) return null
  const asked = needsUser(error.error)
  if (!asked) return null
  if (asked.kind === 'passphrase') {
    return { kind: 'passphrase', keyFile: asked.details.keyFile, message: asked.message }
  }
  const { host, port, keyType, key, fingerprint } = asked.details
  return {
    kind: 'host-key',
    changed: asked.changed,
    host,
    port,
    keyType,
    key,
    fingerprint,
    message: asked.message
  }
}
