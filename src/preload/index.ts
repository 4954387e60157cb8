// Preload entry (sandboxed, CommonJS): exposes the bridge built in ./expose.
import { contextBridge, ipcRenderer } from 'electron'
import { exposeBridge } from './expose'

exposeBridge(contextBridge, ipcRenderer)
