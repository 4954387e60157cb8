import { createInterface } from 'node:readline/promises'

/** True when the user can be asked: stdin is a terminal. */
export function canAsk(): boolean {
  return process.stdin.isTTY === true
}

/** Asks y/N on the terminal (the question on stderr); null when stdin is not a terminal. */
export async function askYesNo(question: string): Promise<boolean | null> {
  if (!canAsk()) return null
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim())
  } finally {
    rl.close()
  }
}
