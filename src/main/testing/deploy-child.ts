// Run as a separate process by the "deploying process killed" test: deploys one release and
// prints every Deployment event as a JSON line on stdout, so the parent can kill it mid-way.
import { readFileSync } from 'node:fs'
import type { EnvironmentConfig } from '../../shared/config-schema'
import type { StoredRelease } from '../services/releases'
import { CredentialStore, HostTrustStore } from '../services/transport'
import { deployRelease } from '../services/deploy'

interface ChildInput {
  readonly release: StoredRelease
  readonly env: EnvironmentConfig
  readonly workspacePath: string
  readonly dataDir: string
  readonly knownHostsFile: string
  readonly trustedFile: string
  readonly keyFile: string
  readonly lockStaleAfterMs: number
}

const input = JSON.parse(readFileSync(process.argv[2], 'utf8')) as ChildInput
void deployRelease(input.release, input.env, {
  workspacePath: input.workspacePath,
  dataDir: input.dataDir,
  transport: {
    workspacePath: input.workspacePath,
    trust: new HostTrustStore({
      knownHostsFiles: [input.knownHostsFile],
      trustedFile: input.trustedFile
    }),
    credentials: new CredentialStore({ agentSocket: null, keyFiles: [input.keyFile] }),
    sshConfigPath: null
  },
  actor: 'child@ci',
  lockStaleAfterMs: input.lockStaleAfterMs,
  onEvent: (e) => process.stdout.write(JSON.stringify(e.deployment) + '\n')
}).then((d) => process.stdout.write(JSON.stringify(d) + '\n'))
