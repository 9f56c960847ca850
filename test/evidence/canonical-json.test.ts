/**
 * Canonical JSON (versioning.ts): keys sorted at every level, undefined members dropped, so equal
 * records give equal strings whatever order a collector built them in. Checked against a
 * reference written from that definition, on generated flat records (the fast path) and nested
 * values, with the keys an engine treats specially: integer-like keys, "__proto__", quotes,
 * backslashes and line separators.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/evidence/versioning.ts';

/** The definition, by hand: sorted keys, undefined members dropped, JSON.stringify for scalars. */
function reference(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : reference(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const parts = Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${reference(o[k])}`);
  return `{${parts.join(',')}}`;
}

const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', '0', '1', '10', '01', '-1', 'a"b', 'a\\b', 'x\u2028y', 'constructor', 'toString'));
const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constant(undefined));
const flat = fc.dictionary(key, fc.oneof(scalar, fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)))), { maxKeys: 12 });

/** The same members, inserted in reverse order (a record built in another order). */
function reversed(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).reverse()) Object.defineProperty(out, k, { value: o[k], enumerable: true, writable: true, configurable: true });
  return out;
}

describe('canonicalJson', () => {
  it('flat records: the definition, and the same string whatever the insertion order', () => {
    fc.assert(
      fc.property(flat, (o) => {
        expect(canonicalJson(o)).toBe(reference(o));
        expect(canonicalJson(reversed(o))).toBe(reference(o));
      }),
      { numRuns: 2000 },
    );
  });

  it('nested values: the definition', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 500 },
    );
  });

  it('by hand: integer-like keys and __proto__ sort as strings; undefined is dropped', () => {
    const o: Record<string, unknown> = { b: 1, 10: 'x', 2: 'y', a: undefined };
    Object.defineProperty(o, '__proto__', { value: 'p', enumerable: true });
    // Sorted as strings: "10" < "2" < "__proto__" < "b"; "a" dropped.
    expect(canonicalJson(o)).toBe('{"10":"x","2":"y","__proto__":"p","b":1}');
    expect(canonicalJson({ z: [1, 'a'], y: null })).toBe('{"y":null,"z":[1,"a"]}');
    // Key lists that a joined signature would confuse.
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ '': null })).toBe('{"":null}');
    expect(canonicalJson({ 'a\u0000b': 1 })).toBe('{"a\\u0000b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe('{"a":1,"b":2}');
  });
});
