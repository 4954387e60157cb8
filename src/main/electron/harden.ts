// The Electron hooks that keep the window on the app: navigation, redirects, new windows and
// webviews for every web contents, and the session's CSP header and permission answers. The
// decisions are in ./policy; this file attaches them (Electron types only, so it is tested
// with stand-ins for App, WebContents and Session).
import type { App, Session, WebContents } from 'electron'
import { isAllowedPermission, navigationPolicy } from './policy'

/** On every web contents the app creates: stay on `appUrl`, send allow-listed links out. */
export function hardenWebContents(
  app: Pick<App, 'on'>,
  appUrl: string,
  openExternal: (url: string) => void
): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      const decision = navigationPolicy(url, appUrl)
      if (decision.kind === 'allow') return
      event.preventDefault()
      if (decision.kind === 'open-external') openExternal(decision.url)
    })
    contents.on('will-redirect', (event, url) => {
      if (navigationPolicy(url, appUrl).kind !== 'allow') event.preventDefault()
    })
    contents.setWindowOpenHandler(({ url }) => {
      const decision = navigationPolicy(url, appUrl, true)
      if (decision.kind === 'open-external') openExternal(decision.url)
      return { action: 'deny' }
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

/**
 * Every response gets `csp` as its Content-Security-Policy (a policy a response brings
 * itself still applies too, so it can only narrow); the app page may use notifications, nothing else is granted to anyone.
 */
export function applySessionPolicy(
  session: Pick<
    Session,
    'webRequest' | 'setPermissionRequestHandler' | 'setPermissionCheckHandler'
  >,
  appUrl: string,
  csp: string
): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] }
    })
  })
  session.setPermissionRequestHandler((contents, permission, callback) =>
    callback(isAllowedPermission(permission, contents.getURL(), appUrl))
  )
  // The check handler gets an origin (no path): judge the page's URL when there is a page.
  session.setPermissionCheckHandler((contents, permission, origin) =>
    isAllowedPermission(permission, contents?.getURL() ?? origin, appUrl)
  )
}
