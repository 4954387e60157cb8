import type { FailedTest } from '../../../shared/test-models'

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'"
}

/** Decodes XML entities (named and numeric) and unwraps CDATA sections. */
export function decodeXmlText(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, body: string) => body)
    .replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (match, name: string) => {
      if (name.startsWith('#x')) return safeCodePoint(parseInt(name.slice(2), 16), match)
      if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10), match)
      return ENTITIES[name] ?? match
    })
}

function safeCodePoint(code: number, fallback: string): string {
  try {
    return String.fromCodePoint(code)
  } catch {
    return fallback
  }
}

/** The attributes of one start tag's text (`name="v" other='w'`), entity-decoded. */
function readAttributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>()
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    attrs.set(m[1] as string, decodeXmlText(m[3] ?? m[4] ?? ''))
  }
  return attrs
}

const MAX_MESSAGE = 2000

/**
 * The failing test cases of a JUnit XML report: every `<testcase>` holding a `<failure>` or an
 * `<error>`, with its suite (the `classname`, else the enclosing `<testsuite name>`), name and
 * message (the `message` attribute, else the element's text, first 2,000 characters). A
 * small hand-written reader: JUnit files are flat and tools agree on these few elements.
 */
export function parseJUnitFailures(xml: string): FailedTest[] {
  const failed: FailedTest[] = []
  const text = xml.replace(/<!--[\s\S]*?-->/g, '')
  let suite = ''
  const token = /<testsuite\b([^>]*?)\/?>|<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g
  for (const m of text.matchAll(token)) {
    if (m[1] !== undefined) {
      suite = readAttributes(m[1]).get('name') ?? ''
      continue
    }
    const attrs = readAttributes(m[2] ?? '')
    const body = m[4] ?? ''
    const problem = /<(failure|error)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/.exec(body)
    if (!problem) continue
    const problemAttrs = readAttributes(problem[2] ?? '')
    const message = problemAttrs.get('message') ?? decodeXmlText(problem[4] ?? '').trim()
    failed.push({
      suite: attrs.get('classname') ?? suite,
      name: attrs.get('name') ?? '(unnamed test)',
      message: (message || (problem[1] as string)).slice(0, MAX_MESSAGE)
    })
  }
  return failed
}
