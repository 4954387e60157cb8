import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import slipwayLayers from './scripts/eslint-layers.mjs'

const noElectron = {
  group: ['electron', 'electron/*'],
  message: 'electron is imported only in src/main/electron and src/preload'
}
const noMain = {
  group: ['**/main/**', '../main', '../../main'],
  message: 'the renderer never imports main-process code; use the API client'
}
const nodeBuiltins = {
  group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'crypto', 'url'],
  message: 'src/shared is runtime-neutral: no Node modules'
}
const noDomOrUi = {
  group: ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'],
  message: 'services and shared code never import React or the DOM'
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { slipway: slipwayLayers },
    rules: {
      'slipway/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [noElectron] }]
    }
  },
  {
    files: ['src/main/electron/**', 'src/main/index.ts', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' }
  },
  {
    files: ['src/main/services/**', 'src/main/api/**', 'src/main/serve/**', 'src/main/cli/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noDomOrUi] }] }
  },
  {
    files: ['src/shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, nodeBuiltins, noDomOrUi] }]
    }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [noElectron, noMain] }]
    }
  }
)
