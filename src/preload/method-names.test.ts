import { describe, expect, it } from 'vitest'
import { METHODS } from '../shared/contract'
import { METHOD_NAMES, isMethodName } from './method-names'

describe('preload allow-list', () => {
  it('lists exactly the contract methods', () => {
    expect([...METHOD_NAMES].sort()).toEqual([...METHODS].sort())
  })
  it('refuses anything else, including prototype keys', () => {
    expect(isMethodName('branches.list')).toBe(true)
    for (const name of ['constructor', '__proto__', 'toString', 'branches.delete', '', 42, null]) {
      expect(isMethodName(name)).toBe(false)
    }
  })
})
