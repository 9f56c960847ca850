import { describe, expect, it } from 'vitest';
import { SOURCE_KINDS } from '../../src/collectors/all.ts';
import { loadCollector, sourceKind } from '../../src/collectors/registry.ts';
import type { SourceKind } from '../../src/config/source-kinds.ts';
import { UsageError } from '../../src/errors.ts';

describe('source kinds', () => {
  it.each([
    ['hr-roster', 'person', 'snapshot'],
    ['idp', 'account', 'snapshot'],
    ['lms', 'completion', 'snapshot'],
    ['phishing', 'phishing', 'snapshot'],
    ['incidents', 'incident', 'snapshot'],
    ['access-log', 'access-day', 'accumulating'],
    ['access-log-elasticsearch', 'access-day', 'accumulating'],
    ['mail-journal', 'mail', 'accumulating'],
  ] as const)('%s → a collector of %s records (%s)', async (kind, recordKind, semantics) => {
    const d = sourceKind(kind);
    expect(d.records).toBe(recordKind);
    expect(d.semantics).toBe(semantics);
    const c = await loadCollector(kind);
    expect(c.sourceKind).toBe(kind);
    expect(c.recordKind).toBe(recordKind);
  });

  it('every descriptor is registered once, and its config schema names its kind', () => {
    const kinds = SOURCE_KINDS.map((d) => d.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const d of SOURCE_KINDS) {
      const r = d.config.safeParse({ kind: d.kind });
      // Missing required fields are reported, but never the kind itself.
      if (!r.success) expect(r.error.issues.some((i) => i.path[0] === 'kind')).toBe(false);
    }
  });

  it('an unknown kind is a clear error with a suggestion', () => {
    expect(() => sourceKind('fax-log' as SourceKind)).toThrow(UsageError);
    expect(() => sourceKind('idb')).toThrow(/unknown source kind "idb" \(did you mean "idp"\?\)/);
  });
});
