// XML 1.0 allows no control character but tab, LF and CR, neither raw nor as a character
// reference (https://www.w3.org/TR/xml/#charsets). fast-xml-parser silently drops a reference
// such as `&#0;`, which let `00D…&#0;` pass as the org id: such documents are refused whole,
// whichever field holds the character.
const CHARACTER_REFERENCE = /&#(x[0-9a-f]+|[0-9]+);/gi;

const isXmlChar = (code: number) =>
  code === 0x9 ||
  code === 0xa ||
  code === 0xd ||
  (code >= 0x20 && code <= 0xd7ff) ||
  (code >= 0xe000 && code <= 0xfffd) ||
  (code >= 0x10000 && code <= 0x10ffff);

/** The first character XML forbids, raw or referenced, described; undefined when none. */
export function forbiddenCharacter(xml: string): string | undefined {
  for (let i = 0; i < xml.length; i++) {
    const code = xml.charCodeAt(i);
    // Surrogates are whole here: the body was decoded from valid UTF-8.
    if (!isXmlChar(code) && (code < 0xd800 || code > 0xdfff)) {
      return `U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
    }
  }
  for (const [reference, number = ''] of xml.matchAll(CHARACTER_REFERENCE)) {
    const hex = number[0] === 'x' || number[0] === 'X';
    if (!isXmlChar(Number.parseInt(hex ? number.slice(1) : number, hex ? 16 : 10)))
      return reference.slice(0, 20);
  }
  return undefined;
}

/**
 * Names of elements and attributes longer than this are refused before the XML is validated:
 * Salesforce's are API names of at most 80 characters plus a prefix, and the validator's cost
 * grows steeply with a name's length (a 1 MiB tag name took it 120–200 ms).
 */
export const MAX_XML_NAME = 256;

const isNameEnd = (code: number) =>
  code === 0x20 || code === 0x9 || code === 0xa || code === 0xd || code === 0x3e || code === 0x2f;

/** Whether any element name (after `<` or `</`) is longer than `max`: one linear pass. */
export function longXmlName(xml: string, max = MAX_XML_NAME): boolean {
  let run = -1;
  for (let i = 0; i < xml.length; i++) {
    const code = xml.charCodeAt(i);
    if (code === 0x3c) {
      const next = xml.charCodeAt(i + 1);
      // Comments, CDATA and processing instructions (`<!`, `<?`) hold text, not a name.
      run = next === 0x21 || next === 0x3f ? -1 : 0;
      if (next === 0x2f) i++;
    } else if (run >= 0) {
      if (isNameEnd(code) || code === 0x3d) run = -1;
      else if (++run > max) return true;
    }
  }
  return false;
}
