import { searchLines } from '../../../shared/log-match'
import type { LogTools } from '../components/LogViewer'
import type { LogWindow } from '../stores/log-window'
import { byteLength } from './log-lines'

/** A log held whole in memory (a deployment's) as the window a log viewer shows. */
export function memoryLogWindow(id: string, lines: readonly string[]): LogWindow {
  const bytes = lines.reduce((sum, line) => sum + byteLength(line) + 1, 0) - 1
  return {
    runId: id,
    // The viewer counts the last line as open (the next output continues it).
    lines: [...lines, ''],
    startByte: 0,
    endByte: Math.max(0, bytes + 1),
    totalBytes: Math.max(0, bytes + 1),
    loading: false,
    error: null,
    firstLine: 0,
    detached: false
  }
}

/** Tools over a log held whole in memory: nothing to read, the search runs here. */
export function memoryLogTools(lines: readonly string[], fileName: string): LogTools {
  return {
    onLoadEarlier: () => undefined,
    onLoadLater: () => undefined,
    jumpTo: () => undefined,
    followEnd: () => undefined,
    search: async (query) => searchLines(lines, query),
    readAll: async () => lines.join('\n'),
    fileName
  }
}
