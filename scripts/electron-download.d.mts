import type { Writable } from 'node:stream'
/** Where @electron/get downloads from when no mirror is set. */
export declare const DEFAULT_MIRROR: string
/** The URL Electron's install.js downloads the zip from, for this machine and mirror settings. */
export declare function electronDownloadUrl(version?: string | null): string
/** The one-line reason an install.js run failed, from its output. */
export declare function failureReason(output: string, url: string): Promise<string>
/** Runs Electron's install.js with progress and a stall timeout. */
export declare function downloadElectron(options: {
  stallSeconds: number
  out?: Writable & { isTTY?: boolean }
}): Promise<{ ok: true; binary: string } | { ok: false; reason: string }>
