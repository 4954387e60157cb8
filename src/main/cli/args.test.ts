import { describe, expect, it } from 'vitest'
import { UsageError, parseCli } from './args'

const usage = (argv: string[]): string => {
  try {
    parseCli(argv, '/cwd')
  } catch (err) {
    if (err instanceof UsageError) return err.message
    throw err
  }
  throw new Error('expected a usage error')
}

describe('parseCli', () => {
  it('parses the commands with their defaults', () => {
    expect(parseCli([], '/cwd')).toEqual({ kind: 'help' })
    expect(parseCli(['-v'], '/cwd')).toEqual({ kind: 'version' })
    expect(parseCli(['branches'], '/cwd')).toEqual({
      kind: 'branches',
      workspace: '/cwd',
      json: false,
      dataDir: null
    })
    expect(
      parseCli(['serve', '-w', '/r', '--port=8080', '--open', '--data-dir', '/d'], '/c')
    ).toEqual({
      kind: 'serve',
      workspace: '/r',
      port: 8080,
      open: true,
      trust: false,
      dataDir: '/d',
      viewer: false,
      host: null
    })
    expect(parseCli(['serve'], '/c')).toMatchObject({ workspace: null, port: 0, open: false })
    expect(parseCli(['serve', '--viewer', '--host', '0.0.0.0'], '/c')).toMatchObject({
      viewer: true,
      host: '0.0.0.0'
    })
    expect(parseCli(['serve', '--viewer', '--host=[::]'], '/c')).toMatchObject({ host: '::' })
    expect(usage(['serve', '--host', '0.0.0.0'])).toBe(
      '--host works with --viewer only (the full app stays on 127.0.0.1)'
    )
    expect(usage(['serve', '--viewer', '--host', 'a b'])).toBe(
      '--host needs an address or a host name, not "a b"'
    )
    expect(parseCli(['branches', '--help'], '/c')).toEqual({ kind: 'help' })
  })

  it('names the culprit in one line', () => {
    expect(usage(['branches', '--workspace', '--json'])).toBe('option --workspace needs a value')
    expect(usage(['branches', '--json=yes'])).toBe('option --json does not take a value')
    expect(usage(['branches', 'extra'])).toBe('unexpected argument extra (try: slipway --help)')
    expect(usage(['branches', '--port', '1'])).toBe('unknown option --port (try: slipway --help)')
    expect(usage(['serve', '--port', '70000'])).toBe(
      '--port must be a number from 0 to 65535, not "70000"'
    )
    expect(usage(['serve', '--port', '-1'])).toBe('option --port needs a value')
    expect(usage(['branches', '--workspace', ''])).toBe('option --workspace needs a value')
    expect(usage(['--bogus'])).toBe('unknown option --bogus (try: slipway --help)')
  })
})
