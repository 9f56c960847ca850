import { describe, expect, it } from 'vitest';
import { eachRow } from '../../../src/collectors/csv/source.ts';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* asyncOf<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

describe('eachRow', () => {
  it.each([
    ['a plain iterable', () => [1, 2, 3, 4]],
    ['an async iterable', () => asyncOf([1, 2, 3, 4])],
  ])('maps %s in order, skips undefined, and calls done once after the last row', async (_, rows) => {
    const events: string[] = [];
    const out = await all(
      eachRow(
        rows(),
        (n: number) => {
          events.push(`row ${n}`);
          return n % 2 === 0 ? n * 10 : undefined;
        },
        () => events.push('done'),
      ),
    );
    expect(out).toEqual([20, 40]);
    expect(events).toEqual(['row 1', 'row 2', 'row 3', 'row 4', 'done']);
  });
});
