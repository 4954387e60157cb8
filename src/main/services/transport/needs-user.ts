import type { HostKeyDetails, PassphraseDetails } from '../../../shared/errors'
import { ExpectedError } from '../errors'

// The one place the errors that need the user are made, so their details always have the
// shape shared/errors.ts declares and the UI and the CLI read them with types.

/** The host offered a key no known-hosts file knows: the user may check and accept it. */
export function hostKeyUnknown(where: string, key: HostKeyDetails): ExpectedError {
  return new ExpectedError(
    'host-key-unknown',
    `the host key of ${where} is not known (${key.keyType} ${key.fingerprint}); accept it to connect`,
    key
  )
}

/** The host offered a key other than the known one (or a revoked one): refused. */
export function hostKeyChanged(
  where: string,
  key: HostKeyDetails,
  known: { readonly source: string; readonly knownFingerprints: readonly string[] },
  revoked: boolean
): ExpectedError {
  const message = revoked
    ? `WARNING: the host key of ${where} (${key.fingerprint}) is revoked in ${known.source}; refusing to connect`
    : `WARNING: the host key of ${where} has changed (now ${key.fingerprint}, known ${known.knownFingerprints.join(', ')} in ${known.source}); refusing to connect`
  return new ExpectedError('host-key-changed', message, { ...key, ...known, revoked })
}

/** A key file that could log in is encrypted and its passphrase is not known (or was wrong). */
export function passphraseRequired(
  message: string,
  details: Omit<PassphraseDetails, 'wrong'> & { readonly wrong?: boolean }
): ExpectedError {
  return new ExpectedError('passphrase-required', message, {
    ...details,
    wrong: details.wrong ?? false
  })
}
