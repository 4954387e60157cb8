/** The fuses electron-builder flips in the packaged Electron binary. */
export declare const ELECTRON_FUSES: {
  readonly runAsNode: boolean
  readonly enableNodeOptionsEnvironmentVariable: boolean
  readonly enableNodeCliInspectArguments: boolean
  readonly enableCookieEncryption: boolean
  readonly enableEmbeddedAsarIntegrityValidation: boolean
  readonly onlyLoadAppFromAsar: boolean
  readonly grantFileProtocolExtraPrivileges: boolean
}
