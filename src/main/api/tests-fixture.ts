// Test support: a real repository whose test command passes or fails per branch. Used by the
// tests handlers' router test and the `slipway test` / `runs` CLI tests.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { commitFile, git, tempDir } from './temp-repo'

/** Branches of {@link makeTestedRepo}: the passing and the failing one. */
export const PASSING_BRANCH = 'feature/ORD-1-ok'
export const FAILING_BRANCH = 'feature/ORD-2-broken'

/**
 * A repository with a slipway.yml whose `test.command` (`sh check.sh`) prints a coloured line
 * and passes when the file `verdict` says `pass`: `main` and {@link PASSING_BRANCH} pass,
 * {@link FAILING_BRANCH} fails. `concurrency` defaults to 2.
 */
export async function makeTestedRepo(concurrency = 2): Promise<string> {
  const repo = await tempDir('slipway-tested-')
  git(repo, 'init', '-q', '-b', 'main')
  await writeFile(
    join(repo, 'slipway.yml'),
    `project: tested\nmainBranch: main\ntest: { command: sh check.sh, timeoutSeconds: 60, concurrency: ${concurrency} }\n`
  )
  await writeFile(
    join(repo, 'check.sh'),
    [
      'printf "\\033[32mchecking\\033[0m %s on %s\\n" "$SLIPWAY_COMMIT" "$SLIPWAY_BRANCH"',
      'v=$(cat verdict)',
      'if [ "$v" = pass ]; then echo "all good"; exit 0; fi',
      'echo "verdict is $v" >&2',
      'exit 3',
      ''
    ].join('\n')
  )
  git(repo, 'add', 'slipway.yml', 'check.sh')
  await commitFile(repo, 'verdict', 'pass\n', 'Initial commit')
  git(repo, 'checkout', '-q', '-b', PASSING_BRANCH)
  await commitFile(repo, 'ok.txt', 'ok\n', 'ORD-1 something that works')
  git(repo, 'checkout', '-q', '-b', FAILING_BRANCH, 'main')
  await commitFile(repo, 'verdict', 'fail\n', 'ORD-2 break it')
  git(repo, 'checkout', '-q', 'main')
  return repo
}
