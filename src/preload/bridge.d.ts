import type { ApiBridge } from '../shared/contract'

declare global {
  interface Window {
    /** The Electron preload bridge; absent in a browser (the `serve` host). */
    slipway?: ApiBridge
  }
}

export {}
