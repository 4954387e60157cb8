// No imports: args.ts reads this while it is being evaluated (HELP_TEXT).

/** The deploy commands' part of `--help`. */
export const DEPLOY_HELP = `  release create [--workspace PATH] [--commit SHA] [--json]
        Build a release from main's tip (or a commit of main) once, in its own
        worktree: a tarball, its sha256 and the tickets since the previous release.
  release list [--workspace PATH] [--json]
        The releases built so far, newest first.
  deploy <RELEASE|latest> <ENV> [--workspace PATH] [--reason TEXT] [--override-freeze REASON]
        Deploy a release to an environment's hosts: upload everywhere, then activate
        in batches behind the health check; any failure rolls back. Progress on
        stderr; exit code 0 only when it succeeded. Ctrl-C cancels (and rolls back).
        Inside a freeze window it is refused unless --override-freeze says why.
  status <ENV> [--workspace PATH] [--json]
        Read every host of an environment: current release, health, lock.
  rollback <ENV> [--to RELEASE] [--workspace PATH]
        Make the previous release (or --to) current again on every host (never frozen).
  hosts trust <ENV> [--fingerprint [HOST=]SHA256:… | --yes] [--workspace PATH]
        Show the SSH host keys of an environment's hosts and trust the unknown ones:
        asks y/N on a terminal; in scripts --fingerprint (repeatable) trusts exactly
        the keys you compared, --yes exactly the keys the previous run showed. A key
        that differs from the one compared is refused.
`
