/**
 * The order after refunding `amount`: refunds never exceed what the customer paid.
 * Throws a RangeError for an amount that is not positive or is more than what is left.
 */
export function refundAmount(order, amount) {
  if (typeof amount !== 'number' || !(amount > 0)) {
    throw new RangeError('a refund must be a positive amount')
  }
  const refunded = order.refunded ?? 0
  const remaining = order.total - refunded
  if (amount > remaining + 1e-9) {
    throw new RangeError('at most ' + remaining.toFixed(2) + ' can be refunded')
  }
  return { refunded: refunded + amount, remaining: remaining - amount }
}
