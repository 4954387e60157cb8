/**
 * Hands a text file to the browser to save, as a download (in the desktop app Electron asks
 * where to save it). The object URL is revoked once the download had time to start.
 */
export function saveTextFile(file: {
  readonly name: string
  readonly type: string
  readonly text: string
}): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: `${file.type};charset=utf-8` }))
  const link = document.createElement('a')
  link.href = url
  link.download = file.name
  link.hidden = true
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}
