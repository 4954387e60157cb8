import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import type { Plugin } from 'vite'

// index.html's CSP allows no inline styles; Vite's dev server injects CSS as <style> tags, so
// under `npm run dev` only, the page's policy also allows them.
function devInlineStyles(): Plugin {
  return {
    name: 'slipway-dev-inline-styles',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';")
  }
}

// Three builds. main also emits the electron-free entries (cli, serve) so `bin/slipway` runs
// them with plain Node; the preload must be CommonJS because sandboxed preloads cannot be ESM.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/main/cli/index.ts')
        }
      }
    }
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    },
    plugins: [react(), devInlineStyles()]
  }
})
