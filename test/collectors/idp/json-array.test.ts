import { describe, expect, it } from 'vitest';
import { splitJsonArray } from '../../../src/collectors/idp/json-array.ts';

/** The element texts the bounds point at. */
function elements(text: string): string[] | undefined {
  const b = Buffer.from(text, 'utf8');
  const bounds = splitJsonArray(b);
  if (!bounds) return undefined;
  const out: string[] = [];
  for (let i = 0; i < bounds.length; i += 2) out.push(b.toString('utf8', bounds[i], bounds[i + 1]));
  return out;
}

describe('splitJsonArray', () => {
  it('finds each element of a top-level array, nested brackets and commas included', () => {
    expect(elements('[\n{"a":[1,2],"b":{"c":3}},\n{"d":"x"}\n]\n')).toEqual(['{"a":[1,2],"b":{"c":3}}', '{"d":"x"}\n']);
    expect(elements('[]')).toEqual([]);
    expect(elements('  [ 1 , "two" ,null]')).toEqual(['1 ', '"two" ', 'null']);
  });

  it('skips brackets, commas and escaped quotes inside strings', () => {
    expect(elements('[{"n":"a \\"],[{\\" b"},{"m":"\\\\"}]')).toEqual(['{"n":"a \\"],[{\\" b"}', '{"m":"\\\\"}']);
    expect(elements('[{"名前":"山田, 太郎"}]')).toEqual(['{"名前":"山田, 太郎"}']);
  });

  it('declines what is not a plain array: envelopes, BOM, stray commas, open strings, trailing text, other encodings', () => {
    expect(elements('{"value":[1]}')).toBeUndefined();
    expect(elements('\uFEFF[1]')).toBeUndefined();
    expect(elements('[1,]')).toBeUndefined();
    expect(elements('[,1]')).toBeUndefined();
    expect(elements('[1,,2]')).toBeUndefined();
    expect(elements('["open]')).toBeUndefined();
    expect(elements('[1] x')).toBeUndefined();
    expect(elements('[1')).toBeUndefined();
    expect(splitJsonArray(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]))).toBeUndefined();
  });
});
