import { describe, expect, it } from 'vitest'
import { decodeXmlText, parseJUnitFailures } from './junit'

describe('parseJUnitFailures', () => {
  it('reads failures and errors with suite, name and decoded message', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <!-- <testcase name="commented"><failure message="no"/></testcase> -->
  <testsuite name="cart" tests="4">
    <testcase classname="cart.total" name="adds &quot;tax&quot;" time="0.1">
      <failure message="expected 3 &lt; 2 &amp; more" type="AssertionError">stack</failure>
    </testcase>
    <testcase name="passes" time="0.1"/>
    <testcase name="passes too"></testcase>
    <testcase name="throws"><error>TypeError: x is &#x27;undefined&#39;</error></testcase>
  </testsuite>
  <testsuite name="orders">
    <testcase name="cdata"><failure><![CDATA[a < b & c]]></failure></testcase>
    <testcase name="bare"><failure/></testcase>
  </testsuite>
</testsuites>`
    expect(parseJUnitFailures(xml)).toEqual([
      { suite: 'cart.total', name: 'adds "tax"', message: 'expected 3 < 2 & more' },
      { suite: 'cart', name: 'throws', message: "TypeError: x is 'undefined'" },
      { suite: 'orders', name: 'cdata', message: 'a < b & c' },
      { suite: 'orders', name: 'bare', message: 'failure' }
    ])
  })

  it('answers nothing for a passing report or garbage', () => {
    expect(parseJUnitFailures('<testsuite name="s"><testcase name="ok"/></testsuite>')).toEqual([])
    expect(parseJUnitFailures('not xml at all')).toEqual([])
  })

  it('leaves unknown entities alone', () => {
    expect(decodeXmlText('&nbsp; &#xZZ; &#1114112; &lt;')).toBe('&nbsp; &#xZZ; &#1114112; <')
  })
})
