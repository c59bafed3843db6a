import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('Dockerfile', () => {
  it('builds in stages on Node 24 with production dependencies only', () => {
    expect(dockerfile.match(/^FROM node:24\S* AS \w+$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('runs as a non-root user, exposes 3000 and checks /healthz', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('starts the same entry as npm start', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]';
    expect((JSON.parse(cmd) as string[]).join(' ')).toBe(pkg.scripts.start);
  });

  it('copies every source folder the entry needs', () => {
    for (const folder of ['src', 'connectors'])
      expect(dockerfile).toContain(`COPY --chown=node:node ${folder} ./${folder}`);
  });
});
