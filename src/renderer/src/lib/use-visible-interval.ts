import { useEffect, useRef } from 'react'

/**
 * Calls `task` now, then every `intervalMs` while the page is visible, and once more when the
 * page becomes visible again after a pause (a hidden tab reads nothing).
 */
export function useVisibleInterval(task: () => void, intervalMs: number): void {
  const latest = useRef(task)
  useEffect(() => {
    latest.current = task
  }, [task])
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null
    const start = (): void => {
      if (timer) return
      latest.current()
      timer = setInterval(() => latest.current(), intervalMs)
    }
    const stop = (): void => {
      if (timer) clearInterval(timer)
      timer = null
    }
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible') start()
      else stop()
    }
    onVisibility()
    document.addEventListener('visibilitychange', onVisibility)
    return () => {
      document.removeEventListener('visibilitychange', onVisibility)
      stop()
    }
  }, [intervalMs])
}
