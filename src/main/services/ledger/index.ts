export {
  Ledger,
  matches,
  type LedgerAppended,
  type LedgerOptions,
  type VerifyOptions
} from './ledger'
export { describeEntry, entryDigest, LEDGER_PATH, readChain, type ChainRead } from './ledger-chain'
export { checkHosts, type ReadHostHistory } from './host-check'
export { ledgerCsv, ledgerJson } from './ledger-export'
export { LedgerDeployRecorder, type RecorderOptions } from './deploy-recorder'
