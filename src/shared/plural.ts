/** "1 host", "2 hosts", "2,000 branches": a count with its noun, for people to read. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? one : many}`
}
