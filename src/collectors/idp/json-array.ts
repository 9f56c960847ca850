/**
 * The elements of a UTF-8 JSON array, one at a time. JSON.parse of a whole 100,000-user export
 * (70 MB) builds every user at once, and keeping them all alive costs more in garbage
 * collection than the parsing itself; parsed one by one, each user is dropped once read.
 */
import { isUtf8 } from 'node:buffer';

const SPACE = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Where each element of a top-level JSON array lies in the bytes, as [start, end) pairs; undefined
 * when the bytes are not plain UTF-8 holding `[`…`]` with elements between commas (a BOM, another
 * encoding, an enveloping object, a stray comma or bracket, an open string). Only the array's own
 * commas and brackets are checked here; JSON.parse checks each element, so an array that splits
 * and whose every element parses is valid JSON as a whole.
 */
export function splitJsonArray(b: Buffer): number[] | undefined {
  const n = b.length;
  let i = 0;
  while (i < n && SPACE(b[i])) i++;
  if (b[i] !== 0x5b || !isUtf8(b)) return undefined;
  const bounds: number[] = [];
  let depth = 0;
  let start = -1;
  let afterComma = false;
  for (i++; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22) {
      if (depth === 0 && start < 0) start = i;
      // To the closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        const j = b.indexOf(0x22, i + 1);
        if (j < 0) return undefined;
        let k = j - 1;
        while (b[k] === 0x5c) k--;
        i = j;
        if ((j - 1 - k) % 2 === 0) break;
      }
      continue;
    }
    if (depth === 0) {
      if (SPACE(c)) continue;
      if (c === 0x2c || c === 0x5d) {
        if (start < 0) {
          if (c === 0x2c || afterComma) return undefined;
        } else bounds.push(start, i);
        if (c === 0x5d) {
          for (i++; i < n; i++) if (!SPACE(b[i])) return undefined;
          return bounds;
        }
        start = -1;
        afterComma = true;
        continue;
      }
      if (start < 0) start = i;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}
