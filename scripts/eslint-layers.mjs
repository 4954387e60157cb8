// The layer matrix (in the style of VS Code's layer rules): which folders of src/ may import
// which. eslint.config.js turns it on as `slipway/layers`; scripts/eslint-layers.test.ts makes
// one violation of each rule fail lint.
import { dirname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Folder (or file) → layer; the first match wins. */
const LAYERS = [
  ['src/shared/', 'shared'],
  ['src/renderer/', 'renderer'],
  ['src/preload/', 'preload'],
  ['src/main/testing/', 'testing'],
  ['src/main/services/', 'services'],
  ['src/main/api/', 'api'],
  ['src/main/cli/', 'cli'],
  ['src/main/serve/', 'serve'],
  ['src/main/electron/', 'electron'],
  ['src/main/index.ts', 'electron']
]

/** What each layer may import (besides packages); tests may also import `testing`. */
export const LAYER_MATRIX = {
  shared: { may: ['shared'], why: 'shared imports nothing of ours' },
  services: {
    may: ['shared', 'services'],
    why: 'services import shared and other services (testing only from tests)'
  },
  api: { may: ['shared', 'services', 'api'], why: 'api imports services and shared' },
  // `slipway serve` is the cli running the serve host; the Electron window reuses serve's
  // content-security policy and MIME types. Hosts reach services only through api.
  cli: { may: ['shared', 'api', 'cli', 'serve'], why: 'the hosts import api (and shared)' },
  serve: { may: ['shared', 'api', 'serve'], why: 'the hosts import api (and shared)' },
  electron: {
    may: ['shared', 'api', 'electron', 'serve'],
    why: 'the hosts import api (and shared)'
  },
  preload: { may: ['shared', 'preload'], why: 'the preload imports shared only' },
  renderer: { may: ['shared', 'renderer'], why: 'the renderer imports shared only' },
  testing: {
    may: ['shared', 'services', 'api', 'testing'],
    why: 'test support builds on services and api'
  }
}

function layerOf(file) {
  const rel = relative(ROOT, file).split(sep).join('/')
  // A folder itself ('../api' names src/main/api/index.ts) is in its layer too.
  for (const [prefix, layer] of LAYERS)
    if (`${rel}/`.startsWith(prefix) || rel === prefix) return layer
  return null
}

const isTest = (file) => /\.test\.[cm]?tsx?$/.test(file)

/** @type {import('eslint').Rule.RuleModule} */
const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforces which folders of src/ may import which (the layer matrix)' },
    schema: []
  },
  create(context) {
    const file = context.filename
    const from = layerOf(file)
    if (!from) return {}
    const allowed = new Set(LAYER_MATRIX[from].may)
    if (isTest(file)) allowed.add('testing')
    const check = (node, source) => {
      if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return
      const to = layerOf(resolve(dirname(file), source.value))
      if (!to || allowed.has(to)) return
      context.report({
        node,
        message: `${from} may not import ${to} ("${source.value}"): ${LAYER_MATRIX[from].why}`
      })
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source : null)
    }
  }
}

export default { rules: { layers } }
