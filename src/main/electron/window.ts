import type { BrowserWindowConstructorOptions } from 'electron'

/**
 * The main window's options: sandboxed renderer with context isolation, no Node, web security
 * on, the one preload; devtools only when not packaged for production.
 */
export function windowOptions(
  preloadPath: string,
  options: { readonly production: boolean }
): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 520,
    show: false,
    title: 'Slipway',
    backgroundColor: '#111418',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !options.production
    }
  }
}
