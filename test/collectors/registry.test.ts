import { describe, expect, it } from 'vitest';
import { getCollector } from '../../src/collectors/registry.ts';
import type { SourceKind } from '../../src/config/schema.ts';
import { UsageError } from '../../src/errors.ts';

describe('collector registry', () => {
  it.each([
    ['hr-roster', 'person'],
    ['idp', 'account'],
    ['lms', 'completion'],
    ['phishing', 'phishing'],
    ['incidents', 'incident'],
  ] as const)('%s → a collector of %s records', (kind, recordKind) => {
    const c = getCollector(kind);
    expect(c.sourceKind).toBe(kind);
    expect(c.recordKind).toBe(recordKind);
  });

  it('a kind without a collector is a clear error', () => {
    expect(() => getCollector('fax-log' as SourceKind)).toThrow(UsageError);
    expect(() => getCollector('fax-log' as SourceKind)).toThrow(/no collector for source kind "fax-log"/);
  });
});
