// Electron entry: wires the router to one window. Everything here is glue; the decisions
// live in src/main/electron (policy, window options) and the behaviour in the router.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron'
import { createRouter, stopLocalProcesses, type Router } from './api'
import {
  APP_PAGE_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appProtocolHandler
} from './electron/app-protocol'
import { electronCsp } from './electron/csp'
import { folderPicker } from './electron/folder-dialog'
import { connectIpc } from './electron/ipc'
import { applySessionPolicy, hardenWebContents } from './electron/harden'
import { createElectronSettingsStore } from './electron/settings-store'
import { createMainWindow } from './electron/window'
import { viewerStarter } from './serve'

const here = fileURLToPath(new URL('.', import.meta.url))
const preloadPath = join(here, '../preload/index.cjs')
// Development only when `npm run dev` asks for it (electron-vite dev passes --slipway-dev) on
// an unpackaged app: `npm start` and packaged builds ignore ELECTRON_RENDERER_URL and have no
// DevTools, whatever the environment says.
const development = !app.isPackaged && process.argv.includes('--slipway-dev')
const devServerUrl = development ? process.env.ELECTRON_RENDERER_URL : undefined
const rendererDir = join(here, '../renderer')
const appUrl = devServerUrl ?? APP_PAGE_URL
const csp = electronCsp(devServerUrl)

let router: Router | null = null

async function openInitialWorkspace(r: Router, lastWorkspace: string | null): Promise<void> {
  if (lastWorkspace) {
    const opened = await r.openWorkspace(lastWorkspace)
    if (opened.ok) return
    console.warn(`[slipway] could not reopen ${lastWorkspace}: ${opened.error.message}`)
  }
  const demo = await r.openDemo()
  if (!demo.ok) console.error(`[slipway] could not open the demo: ${demo.error.message}`)
}

async function start(): Promise<void> {
  await app.whenReady()
  const userData = app.getPath('userData')
  const settings = createElectronSettingsStore(userData)
  const r = createRouter({
    host: 'electron',
    version: app.getVersion(),
    dataDir: userData,
    settings,
    // "Share read-only…" serves the same built renderer over HTTP to the room's browsers.
    shareViewer: viewerStarter(rendererDir),
    // The picker's Browse… opens the system's own folder dialog, modal to the window.
    pickFolder: folderPicker(dialog, () => BrowserWindow.getAllWindows()[0] ?? null)
  })
  router = r

  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir, csp))
  applySessionPolicy(session.defaultSession, appUrl, csp)

  const win = createMainWindow(BrowserWindow, preloadPath, { production: !development })
  const disconnect = connectIpc(ipcMain, r, win.webContents, appUrl)
  win.on('closed', disconnect)
  win.once('ready-to-show', () => win.show())

  await openInitialWorkspace(r, settings.get('lastWorkspace'))
  await win.loadURL(appUrl)
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows()
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  hardenWebContents(app, appUrl, (url) => void shell.openExternal(url))
  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => {
    router?.dispose()
    router = null
    // What deploy hooks started on local hosts (the demo's apps) lives as long as the app does.
    void stopLocalProcesses()
  })
  start().catch((err: unknown) => {
    console.error('[slipway] start-up failed', err)
    app.exit(1)
  })
}
