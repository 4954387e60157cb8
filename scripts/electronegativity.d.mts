/** One Electronegativity finding. */
export interface Finding {
  check: string
  file: string
  line: number
  message: string
}
/** One allow-list entry: a check in a file, with the reason it is a false positive. */
export interface AllowEntry {
  check: string
  file: string
  reason?: string
}
export declare const ALLOW_LIST: string
export declare function findingsFromSarif(sarif: unknown): Finding[]
export declare function judge(
  findings: Finding[],
  allowList: AllowEntry[]
): { unexplained: Finding[]; stale: AllowEntry[]; unreasoned: AllowEntry[] }
export declare function scan(): { ok: boolean; lines: string[] }
