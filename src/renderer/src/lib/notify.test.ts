import { afterEach, describe, expect, it, vi } from 'vitest'
import { browserNotifier } from './notify'

/** A stand-in for the browser's Notification API that records what it is asked. */
function stubNotification(permission: NotificationPermission, answer = permission) {
  const shown: { title: string; body: string | undefined }[] = []
  const asked: number[] = []
  class FakeNotification {
    static permission: NotificationPermission = permission
    static requestPermission(): Promise<NotificationPermission> {
      asked.push(1)
      FakeNotification.permission = answer
      return Promise.resolve(answer)
    }
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body })
    }
  }
  vi.stubGlobal('Notification', FakeNotification)
  return { shown, asked }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('browserNotifier', () => {
  it('asks for permission once, then shows notifications with their title and body', async () => {
    const { shown, asked } = stubNotification('default', 'granted')
    const notifier = browserNotifier()
    notifier.notify('not yet', 'no permission asked for')
    expect(shown).toEqual([])
    notifier.requestPermission()
    notifier.requestPermission()
    await Promise.resolve()
    expect(asked).toHaveLength(1)
    notifier.notify('Deployed to staging', '20261126.1100-bbbbbbb')
    expect(shown).toEqual([{ title: 'Deployed to staging', body: '20261126.1100-bbbbbbb' }])
  })

  it('shows nothing and asks nothing again once notifications are refused', () => {
    const { shown, asked } = stubNotification('denied')
    const notifier = browserNotifier()
    notifier.requestPermission()
    notifier.notify('Deployed', 'r1')
    expect(asked).toEqual([])
    expect(shown).toEqual([])
  })

  it('does nothing where the platform has no Notification API', () => {
    vi.stubGlobal('Notification', undefined)
    const notifier = browserNotifier()
    expect(() => {
      notifier.requestPermission()
      notifier.notify('Deployed', 'r1')
    }).not.toThrow()
  })

  it('keeps going when the platform refuses to construct one (service-worker-only platforms)', () => {
    class Throwing {
      static permission: NotificationPermission = 'granted'
      static requestPermission = (): Promise<NotificationPermission> => Promise.resolve('granted')
      constructor() {
        throw new TypeError('Illegal constructor')
      }
    }
    vi.stubGlobal('Notification', Throwing)
    expect(() => browserNotifier().notify('Deployed', 'r1')).not.toThrow()
  })
})
