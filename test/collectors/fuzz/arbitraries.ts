/**
 * fast-check building blocks for the parsers' property tests: hostile strings and bytes, and
 * mutations (replace, insert, delete) of valid input. Shared by the fuzz tests beside this file.
 */
import fc from 'fast-check';
import { expect } from 'vitest';

/** Characters that break parsers: quotes, brackets, separators, escapes, NUL, CR, BOM, U+FFFD, astral. */
export const NASTY = ['"', "'", '[', ']', '{', '}', '(', ')', '<', '>', ' ', '\t', '\r', '\\', '-', ',', ';', ':', '=', '?', '%', '@', '\0', '\u00ff', '\ufeff', '\ufffd', '\u2028', '😀', '\ud800', '0', '9', 'From ', '--', '=?utf-8?B?', '?=', "*=utf-8''"];

/** A string mixing ordinary text with NASTY pieces, any code point included. */
export const hostileString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength }).map((a) => a.join(''));

/** Any bytes, biased towards the bytes parsers look at. */
export const hostileBytes = (maxLength = 200): fc.Arbitrary<Buffer> =>
  fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x80, 0xc3, 0xe3, 0xfe, 0xff)), { maxLength }).map((a) => Buffer.from(a));

/** An edit of a byte string: at a position (taken modulo its length), replace, insert or delete. */
export interface Edit {
  at: number;
  kind: 'replace' | 'insert' | 'delete';
  bytes: Buffer;
}

export const edits = (max = 4): fc.Arbitrary<Edit[]> =>
  fc.array(
    fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const),
      bytes: fc.oneof(hostileBytes(4), hostileString(3).map((s) => Buffer.from(s, 'utf8'))),
    }),
    { minLength: 1, maxLength: max },
  );

/** Apply edits to bytes; `noNewline` turns LF into a space (an edit of one line stays one line). */
export function mutate(input: Buffer, es: readonly Edit[], noNewline = false): Buffer {
  let b = input;
  for (const e of es) {
    const at = b.length === 0 ? 0 : e.at % (b.length + 1);
    const ins = noNewline ? Buffer.from(e.bytes.map((x) => (x === 0x0a ? 0x20 : x))) : e.bytes;
    if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
    else if (e.kind === 'replace') b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at + Math.max(1, ins.length))]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + (e.bytes.length % 8))]);
  }
  return b;
}

/**
 * No input may hang a parser: each case must end well within this (a guard against runaway
 * backtracking or a loop that never advances, not a performance measurement; inputs are a few KB).
 */
export const HANG_MS = 5000;

export async function withinHangGuard<T>(f: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now();
  const out = await f();
  expect(performance.now() - t0).toBeLessThan(HANG_MS);
  return out;
}

/** Runs per property: enough to meet the odd cases, few enough for a shared 2-core machine. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

/**
 * fast-check parameters. The seed is fixed so that a test run is reproducible (CI fails only on a
 * change, never on the luck of the draw); `FUZZ_SEED=random FUZZ_RUNS=5000` explores further,
 * and a failure prints the seed and path that replay it.
 */
const SEED = process.env.FUZZ_SEED ?? '20261201';
export const FC = { numRuns: RUNS, ...(SEED === 'random' ? {} : { seed: Number(SEED) }) };
