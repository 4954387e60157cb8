// Electron fuses flipped in the packaged binary (electron-builder hands these to
// @electron/fuses after packing, before signing). Each line is a decision; see
// https://www.electronjs.org/docs/latest/tutorial/fuses
export const ELECTRON_FUSES = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general Node interpreter.
  runAsNode: false,
  // NODE_OPTIONS (--require, --inspect…) would let the environment inject code.
  enableNodeOptionsEnvironmentVariable: false,
  // --inspect / --inspect-brk would open a debugger port on the main process.
  enableNodeCliInspectArguments: false,
  // Cookies on disk encrypted with the OS keychain, as Chrome does.
  enableCookieEncryption: true,
  // app.asar checked against the hash embedded at package time (macOS and Windows).
  enableEmbeddedAsarIntegrityValidation: true,
  // Only resources/app.asar is loaded: no app/ folder or default_app beside it.
  onlyLoadAppFromAsar: true,
  // The file: protocol gets no privileges beyond a web page's: the renderer is served from app://.
  grantFileProtocolExtraPrivileges: false
}
