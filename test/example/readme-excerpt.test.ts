/**
 * The README's config excerpt is an excerpt of config/example.yaml: everything it shows (ids,
 * names, values) is what the shipped example says, so a newcomer can find it there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = join(import.meta.dirname, '..', '..');

type Tree = Record<string, unknown>;

/** The paths in `part` whose values differ from (or are missing in) `whole`; list items matched by `id`. */
function notIn(part: unknown, whole: unknown, path = ''): string[] {
  if (Array.isArray(part)) {
    if (!Array.isArray(whole)) return [path];
    if (part.every((x) => typeof x === 'object' && x !== null && 'id' in x)) {
      return part.flatMap((x: Tree) => {
        const match = (whole as Tree[]).find((w) => w && w.id === x.id);
        return match ? notIn(x, match, `${path}[id=${String(x.id)}]`) : [`${path}[id=${String(x.id)}]`];
      });
    }
    return JSON.stringify(part) === JSON.stringify(whole) ? [] : [path];
  }
  if (typeof part === 'object' && part !== null) {
    if (typeof whole !== 'object' || whole === null) return [path];
    return Object.entries(part).flatMap(([k, v]) => notIn(v, (whole as Tree)[k], path ? `${path}.${k}` : k));
  }
  return part === whole ? [] : [path];
}

describe('README configuration excerpt', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  const example = parse(readFileSync(join(REPO, 'config', 'example.yaml'), 'utf8')) as Tree;

  it('is an excerpt of config/example.yaml, value for value', () => {
    expect(block).toBeDefined();
    const excerpt = parse(block!) as Tree;
    expect(Object.keys(excerpt)).toEqual(['organisation', 'identity', 'sources', 'objectives']);
    expect(notIn(excerpt, example)).toEqual([]);
  });

  it('the comparison itself catches an id or value the example does not have', () => {
    expect(notIn({ objectives: [{ id: 'leaver-accounts' }] }, example)).toEqual(['objectives[id=leaver-accounts]']);
    expect(notIn({ organisation: { name: '例示株式会社' } }, example)).toEqual(['organisation.name']);
  });
});
