export { runGit, GitError, type GitOutput, type GitRunOptions } from './runner'
export { resolveRepoRoot, detectMainBranch, refExists } from './repository'
