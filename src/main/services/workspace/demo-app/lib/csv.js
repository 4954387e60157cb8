/** One CSV cell: quoted when it holds a comma, quote or newline. */
function cell(value) {
  const text = String(value ?? "")
  return /[",\n]/.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text
}

/** Orders as CSV, one line per order, for the finance spreadsheet. */
export function ordersToCsv(orders) {
  const rows = [['id', 'customer', 'items', 'total']]
  for (const order of orders) {
    rows.push([order.id, order.customer, order.items.length, order.total.toFixed(2)])
  }
  return rows.map((row) => row.map(cell).join(',')).join('\n') + '\n'
}
