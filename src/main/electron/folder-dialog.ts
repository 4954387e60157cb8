import type { BaseWindow, Dialog, OpenDialogOptions } from 'electron'

/**
 * The desktop app's `folders.pick`: Electron's own folder dialog (`dialog.showOpenDialog`,
 * folders only), modal to the app's window when there is one. Resolves to the chosen folder, or
 * null when the user cancelled. `dialog` is Electron's (a stand-in in tests).
 */
export function folderPicker(
  dialog: Pick<Dialog, 'showOpenDialog'>,
  window: () => BaseWindow | null
): (defaultPath?: string) => Promise<string | null> {
  return async (defaultPath) => {
    const options: OpenDialogOptions = {
      title: 'Open a workspace',
      buttonLabel: 'Open',
      message: 'Choose the root folder of a git repository',
      properties: ['openDirectory', 'createDirectory'],
      ...(defaultPath ? { defaultPath } : {})
    }
    const win = window()
    const result = win
      ? await dialog.showOpenDialog(win, options)
      : await dialog.showOpenDialog(options)
    if (result.canceled) return null
    return result.filePaths[0] ?? null
  }
}
