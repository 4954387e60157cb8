// Test support: the repositories the router, serve, CLI and e2e tests start from, all made by
// the one TestRepo builder.
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { SlipwayConfigSchema, type SlipwayConfig } from '../../shared/config-schema'
import { commitFile, TestRepo } from './test-repo'

/** The demo repository (what `serve` without --workspace opens), built in `dir`. */
export { buildDemoRepository } from '../services/workspace'

/**
 * A repository with `main` (2 commits) and `feature/ORD-1-login` (2 commits ahead, 1 behind
 * after a third main commit), plus `fix/no-ticket` at main. Answers its path.
 */
export function makeSampleRepo(): string {
  const repo = TestRepo.create({ prefix: 'slipway-repo-' })
  const at = repo.path
  commitFile(at, 'README.md', '# sample\n', 'Initial commit')
  commitFile(at, 'a.txt', 'a\n', 'Add a')
  repo.git(['checkout', '-q', '-b', 'feature/ORD-1-login'])
  commitFile(at, 'login.txt', 'login\n', 'ORD-1 login form')
  commitFile(at, 'login2.txt', 'more\n', 'ORD-2 remember me')
  repo.git(['checkout', '-q', 'main'])
  commitFile(at, 'b.txt', 'b\n', 'Add b')
  repo.git(['branch', 'fix/no-ticket'])
  return at
}

/** Branches of {@link makeTestedRepo}: the passing and the failing one. */
export const PASSING_BRANCH = 'feature/ORD-1-ok'
export const FAILING_BRANCH = 'feature/ORD-2-broken'

/**
 * A repository with a slipway.yml whose `test.command` (`sh check.sh`) prints a coloured line
 * and passes when the file `verdict` says `pass`: `main` and {@link PASSING_BRANCH} pass,
 * {@link FAILING_BRANCH} fails. `concurrency` defaults to 2. Answers its path.
 */
export function makeTestedRepo(concurrency = 2): string {
  const repo = TestRepo.create({ prefix: 'slipway-tested-' })
  repo.commitFiles('Initial commit', {
    'slipway.yml': `project: tested\nmainBranch: main\ntest: { command: sh check.sh, timeoutSeconds: 60, concurrency: ${concurrency} }\n`,
    'check.sh': [
      'printf "\\033[32mchecking\\033[0m %s on %s\\n" "$SLIPWAY_COMMIT" "$SLIPWAY_BRANCH"',
      'v=$(cat verdict)',
      'if [ "$v" = pass ]; then echo "all good"; exit 0; fi',
      'echo "verdict is $v" >&2',
      'exit 3',
      ''
    ].join('\n'),
    verdict: 'pass\n'
  })
  repo.git(['checkout', '-q', '-b', PASSING_BRANCH])
  commitFile(repo.path, 'ok.txt', 'ok\n', 'ORD-1 something that works')
  repo.git(['checkout', '-q', '-b', FAILING_BRANCH, 'main'])
  commitFile(repo.path, 'verdict', 'fail\n', 'ORD-2 break it')
  repo.git(['checkout', '-q', 'main'])
  return repo.path
}

/**
 * A repository for the board e2e test: main with 5 commits, `feature/PAY-7-retry` 2 ahead and 3
 * behind, and a branch whose name would be dangerous in a shell, `x;$(id)`, 1 ahead.
 */
export function makeBoardRepo(): string {
  const repo = TestRepo.create({ prefix: 'slipway-e2e-repo-' })
  // Each commit appends its subject to the file, so every commit changes something.
  const commit = (file: string, subject: string): void => {
    appendFileSync(join(repo.path, file), `${subject}\n`)
    repo.git(['add', '--', file])
    repo.git(['commit', '-q', '-m', subject])
  }
  commit('a.txt', 'PAY-1 first')
  commit('a.txt', 'PAY-2 second')
  repo.git(['switch', '-q', '-c', 'feature/PAY-7-retry'])
  commit('b.txt', 'PAY-7 retry payments')
  commit('b.txt', 'PAY-7 backoff')
  repo.git(['switch', '-q', 'main'])
  commit('a.txt', 'PAY-3 third')
  commit('a.txt', 'PAY-4 fourth')
  commit('a.txt', 'PAY-5 fifth')
  repo.git(['switch', '-q', '-c', 'x;$(id)'])
  commit('c.txt', 'PAY-9 odd name')
  repo.git(['switch', '-q', 'main'])
  return repo.path
}

/** A parsed config with just a build section. */
export function buildConfig(command: string, artifact = 'dist'): SlipwayConfig {
  return SlipwayConfigSchema.parse({ build: { command, artifact } })
}
