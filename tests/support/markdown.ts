import { readdirSync, readFileSync } from 'node:fs';

/** The project's documentation: README.md and every file in docs/, as paths from the root. */
export const ROOT = new URL('../../', import.meta.url);
export const DOC_FILES: readonly string[] = [
  'README.md',
  ...readdirSync(new URL('docs/', ROOT))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
export const readDoc = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** Lines outside fenced code blocks: a `# comment` in a shell block is not a heading. */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Anchors of a document's headings, with GitHub's `-1`, `-2` suffixes for repeats. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Targets of inline links `[text](target)` outside code, external ones left out. */
export function relativeLinks(text: string): string[] {
  const links: string[] = [];
  for (const line of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] ?? '';
      if (!/^[a-z][a-z+.-]*:/i.test(target)) links.push(target);
    }
  }
  return links;
}

/** The first fenced code block after the heading `heading`. */
export function codeBlockAfter(text: string, heading: string): string {
  const from = text.indexOf(`${heading}\n`);
  const block = /```\w*\n([\s\S]*?)```/.exec(text.slice(from));
  if (from < 0 || !block) throw new Error(`no code block after "${heading}"`);
  return block[1] ?? '';
}
