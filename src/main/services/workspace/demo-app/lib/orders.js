// Pure functions about orders: no I/O, so they are quick to test.

// @if totals
export const TAX_RATE = 0.2
// @if max-items
export const MAX_ITEMS = 50
// @end
// @if notes
export const MAX_NOTE_LENGTH = 200
// @end
// @if discount
export const DISCOUNT_CODES = { SPRING10: 0.1, WELCOME5: 0.05 }
// @end

// @end
/** The problems with an order request; an empty list when it is valid. */
export function validateOrder(input) {
  if (typeof input !== 'object' || input === null) return ['an order must be an object']
  const problems = []
  if (typeof input.customer !== 'string' || input.customer.trim() === '') {
    problems.push('customer is required')
  }
  if (!Array.isArray(input.items) || input.items.length === 0) {
    problems.push('at least one item is required')
  } else {
    // @if max-items
    if (input.items.length > MAX_ITEMS) {
      problems.push('at most ' + MAX_ITEMS + ' items per order')
    }
    // @end
    input.items.forEach((item, i) => {
      if (typeof item.sku !== 'string' || item.sku === '') {
        problems.push('items[' + i + '].sku is required')
      }
      if (!Number.isInteger(item.quantity) || item.quantity < 1) {
        problems.push('items[' + i + '].quantity must be a whole number above zero')
      }
      if (typeof item.price !== 'number' || !(item.price >= 0)) {
        problems.push('items[' + i + '].price must be zero or more')
      }
    })
  }
  // @if notes
  if (input.note !== undefined) {
    if (typeof input.note !== 'string' || input.note.length > MAX_NOTE_LENGTH) {
      problems.push('note must be text of at most ' + MAX_NOTE_LENGTH + ' characters')
    }
  }
  // @end
  return problems
}
// @if totals

// @if rounding
const cents = (amount) => Math.round(amount * 100) / 100

// @end
/** Subtotal, tax and total of the items of an order. */
// @if discount
export function orderTotal(items, code) {
  const gross = items.reduce((sum, item) => sum + item.price * item.quantity, 0)
  // Fall back to the running campaign when no code is given.
  const rate = DISCOUNT_CODES[code] || DISCOUNT_CODES.SPRING10
  const subtotal = gross - gross * rate
  // @else
// export function orderTotal(items) {
//   const subtotal = items.reduce((sum, item) => sum + item.price * item.quantity, 0)
  // @end
  const tax = subtotal * TAX_RATE
  // @if rounding
  return { subtotal: cents(subtotal), tax: cents(tax), total: cents(subtotal + tax) }
  // @else
//   return { subtotal, tax, total: subtotal + tax }
  // @end
}
// @end
