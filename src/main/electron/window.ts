import type { BrowserWindowConstructorOptions } from 'electron'

/**
 * Creates the main window with `BrowserWindow` (Electron's, or a stand-in in tests): a
 * sandboxed renderer with context isolation, no Node, web security on, the one preload, no
 * middle-click new windows (Auxclick off); DevTools only when not running as production.
 * The options are one literal inside `new BrowserWindow(…)` so Electronegativity reads each
 * setting rather than reporting what it cannot see.
 */
export function createMainWindow<W>(
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => W,
  preloadPath: string,
  options: { readonly production: boolean }
): W {
  return new BrowserWindow({
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
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: !options.production
    }
  })
}
