import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { TrustedCommandSchema, type TrustedCommand } from '../../../shared/trust-models'
import { ensurePrivateDir, PRIVATE_FILE } from '../private-files'

const RecordSchema = z.object({
  fingerprint: z.string(),
  commands: z.array(TrustedCommandSchema),
  trustedAt: z.string()
})
const FileSchema = z.object({ v: z.literal(1), repositories: z.record(z.string(), RecordSchema) })

/** What the user trusted for one repository: exactly these commands. */
export type TrustRecord = z.output<typeof RecordSchema>

/**
 * The repositories whose commands the user trusted, per repository path, in `trust.json`
 * (0600) of the per-user data folder. An unreadable file trusts nothing.
 */
export class TrustStore {
  private readonly path: string
  private writing: Promise<void> = Promise.resolve()

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'trust.json')
  }

  /** What was trusted for `repo`, or null. */
  async get(repo: string): Promise<TrustRecord | null> {
    return (await this.read()).repositories[repo] ?? null
  }

  /** Remembers that the user trusts exactly `commands` in `repo`. */
  set(repo: string, fingerprint: string, commands: readonly TrustedCommand[]): Promise<void> {
    const next = this.writing.then(async () => {
      const file = await this.read()
      file.repositories[repo] = {
        fingerprint,
        commands: [...commands],
        trustedAt: new Date().toISOString()
      }
      await ensurePrivateDir(this.dataDir)
      const tmp = `${this.path}.${process.pid}.tmp`
      await writeFile(tmp, JSON.stringify(file, null, 2) + '\n', { mode: PRIVATE_FILE })
      await rename(tmp, this.path)
    })
    this.writing = next.catch(() => undefined)
    return next
  }

  private async read(): Promise<z.output<typeof FileSchema>> {
    const text = await readFile(this.path, 'utf8').catch(() => null)
    if (text === null) return { v: 1, repositories: {} }
    try {
      return FileSchema.parse(JSON.parse(text))
    } catch {
      return { v: 1, repositories: {} }
    }
  }
}
