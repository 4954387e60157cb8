export * from './errors'
export * from './config-schema'
export * from './models'
export * from './contract'
