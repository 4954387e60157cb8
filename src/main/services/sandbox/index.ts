export { branchEnv, createRunHome, INHERITED_NAMES, type RunHome } from './branch-env'
export { bwrapArgs, bwrapAvailable, defaultHidden, type SandboxKind } from './bwrap'
