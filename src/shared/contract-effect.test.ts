import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { contract, METHODS } from './contract'
import { defineMethods, EmptyRequest, type MethodEffect, type MethodSpec } from './contract-method'

/*
 * Type-level tests: `npm run typecheck` compiles this file, and each `@ts-expect-error` fails
 * the typecheck when the line under it stops being an error, i.e. when a method could again be
 * declared without saying whether it reads or changes.
 */

describe('effect is a required part of every method', () => {
  it('refuses a method without an effect, or with another word', () => {
    const declared = defineMethods({
      // @ts-expect-error a method must say whether it reads or changes
      'example.noEffect': { request: EmptyRequest, response: z.null() }
    })
    defineMethods({
      // @ts-expect-error the effect is 'read' or 'change', nothing else
      'example.otherEffect': { request: EmptyRequest, response: z.null(), effect: 'write' }
    })
    // @ts-expect-error a MethodSpec without an effect is not a MethodSpec
    const spec: MethodSpec = { request: EmptyRequest, response: z.null() }
    expect(Object.keys(declared)).toEqual(['example.noEffect'])
    expect(spec.effect).toBeUndefined()
  })

  it('types each method of the one contract with its own effect', () => {
    const read: 'read' = contract['branches.list'].effect
    const change: 'change' = contract['deployments.start'].effect
    const any: MethodEffect = contract[METHODS[0]!].effect
    expect([read, change]).toEqual(['read', 'change'])
    expect(['read', 'change']).toContain(any)
  })
})
