/** Desktop notifications, behind a seam so stores can be tested without a browser. */
export interface Notifier {
  /** Asks for permission once (on the first deployment), if the platform needs it. */
  requestPermission(): void
  notify(title: string, body: string): void
}

/**
 * The Notification API: the browser's under `serve`, Electron's renderer offers the same one.
 * Does nothing where notifications are missing or refused.
 */
export function browserNotifier(): Notifier {
  const api = typeof Notification === 'undefined' ? null : Notification
  let asked = false
  return {
    requestPermission() {
      if (!api || asked || api.permission !== 'default') return
      asked = true
      void Promise.resolve(api.requestPermission()).catch(() => undefined)
    },
    notify(title, body) {
      if (!api || api.permission !== 'granted') return
      try {
        new api(title, { body })
      } catch {
        // Some platforms only allow notifications from a service worker; the board shows it anyway.
      }
    }
  }
}
