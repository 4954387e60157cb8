import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { runBuildCommand } from './build-command'

describe('runBuildCommand', () => {
  it('streams whole lines from stdout and stderr, the last one without a newline too', async () => {
    const lines: string[] = []
    await runBuildCommand({
      command: `printf 'one\\r\\ntw'; sleep 0.05; printf 'o\\n'; echo 'ünï €' >&2; printf "$GREETING"`,
      cwd: tmpdir(),
      env: { GREETING: 'last' },
      onLine: (l) => lines.push(l)
    })
    expect(lines.sort()).toEqual(['last', 'one', 'two', 'ünï €'].sort())
  })

  it('reports a build killed by a signal', async () => {
    await expect(
      runBuildCommand({ command: 'echo going; kill -9 $$', cwd: tmpdir(), env: {} })
    ).rejects.toMatchObject({
      code: 'build-failed',
      message: 'build failed (signal SIGKILL): going'
    })
  })

  it('does not wait for a process that left the group and holds the output open', async () => {
    const lines: string[] = []
    // It holds the output far longer than the test's timeout: waiting for it would fail.
    await runBuildCommand({
      command: 'setsid sleep 600 & echo "daemon $!"',
      cwd: tmpdir(),
      env: {},
      onLine: (l) => lines.push(l)
    })
    const pid = Number(lines.find((l) => l.startsWith('daemon '))?.slice(7))
    expect(pid).toBeGreaterThan(0)
    process.kill(pid, 'SIGKILL')
  })
})
