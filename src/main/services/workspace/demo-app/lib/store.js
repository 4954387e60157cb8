import { orderTotal } from './orders.js'

/** Orders kept in memory; ids are sequential so responses are predictable. */
export function createOrderStore() {
  const orders = new Map()
  let next = 1
  return {
    add(input) {
      const id = String(next++)
      const order = { id, customer: input.customer, items: input.items, status: 'open' }
      // @if notes
      order.note = input.note ?? null
      // @end
      Object.assign(order, orderTotal(input.items))
      orders.set(id, order)
      return order
    },
    get(id) {
      return orders.get(id) ?? null
    },
    list() {
      return [...orders.values()]
    }
  }
}
