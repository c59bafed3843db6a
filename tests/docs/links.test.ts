import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anchorsOf, DOC_FILES, ROOT, readDoc, relativeLinks, slug } from '../support/markdown.ts';

/** Why a relative link of the document at `path` does not resolve, or undefined when it does. */
function brokenBecause(link: string, path: string): string | undefined {
  const [file = '', anchor] = link.split('#');
  const target = new URL(file, new URL(path, ROOT));
  if (!existsSync(target)) return 'no such file';
  if (anchor === undefined) return undefined;
  if (!target.pathname.endsWith('.md')) return 'an anchor into a file that is not Markdown';
  return anchorsOf(readFileSync(target, 'utf8')).has(anchor) ? undefined : 'no such heading';
}

describe('documentation links', () => {
  it('computes anchors as GitHub does', () => {
    expect(slug("Replicas share the CRM's rate limit")).toBe('replicas-share-the-crms-rate-limit');
    expect(slug('CSV, the page, and `how` large')).toBe('csv-the-page-and-how-large');
    expect([...anchorsOf('# A\n```sh\n# not a heading\n```\n## A\n')]).toEqual(['a', 'a-1']);
  });

  it('finds a missing file and a missing heading', () => {
    expect(brokenBecause('nowhere.md', 'README.md')).toBe('no such file');
    expect(brokenBecause('docs/endpoints.md#nowhere', 'README.md')).toBe('no such heading');
    expect(brokenBecause('../README.md#lead-followup', 'docs/endpoints.md')).toBeUndefined();
  });

  it.each(DOC_FILES)('%s: every relative link resolves, files and #anchors', (path) => {
    const broken = relativeLinks(readDoc(path)).flatMap((link) => {
      const why = brokenBecause(link, path);
      return why === undefined ? [] : [`${link}: ${why}`];
    });
    expect(broken).toEqual([]);
  });
});
