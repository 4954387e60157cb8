export { watchRefs, resolveGitDirs, REF_WATCH_DEBOUNCE_MS } from './ref-watcher'
