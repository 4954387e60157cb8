// `npm run package`: installable desktop apps for the host platform (scripts/package.mjs
// runs electron-builder with this file and the Electron binary npm start downloaded).
import { ELECTRON_FUSES } from './build/fuses.mjs'

/** @type {import('electron-builder').Configuration} */
export default {
  appId: 'dev.slipway.desktop',
  productName: 'Slipway',
  executableName: 'slipway',
  copyright: 'Slipway contributors',
  directories: { output: 'dist', buildResources: 'build' },
  // The asar holds the built output and package.json; electron-builder adds the production
  // dependencies (never devDependencies). No sources, tests, scripts or maps.
  files: ['out/**/*', '!out/**/*.map', 'package.json'],
  asar: true,
  electronFuses: ELECTRON_FUSES,
  icon: 'build/icon.png',
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    maintainer: 'Slipway contributors <slipway@users.noreply.github.com>',
    synopsis: 'Release management from the desktop'
  },
  deb: { packageName: 'slipway' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false }
}
