/**
 * Pages of raw API objects → keyed records, the way the file formats do it: each object is
 * parsed by the same pure parser as its file twin, a bad one is rejected (`endpoint:N` = its
 * 1-based position in the listing) and the run goes on, a key seen twice is rejected pointing at
 * the first. Records stream out as pages arrive, so memory does not grow with the page count;
 * an error while fetching a page ends the stream with that error, and the store (which reads a
 * snapshot's whole stream before it writes anything) then stores nothing.
 */
import { KeyGuard, type RowResult } from '../csv/source.ts';
import type { CollectContext } from '../types.ts';

export async function* apiRecords<T>(
  endpoint: string,
  pages: AsyncIterable<readonly unknown[]>,
  parse: (item: unknown) => RowResult<T> | null,
  ctx: Pick<CollectContext, 'reject' | 'progress'>,
  what: string,
): AsyncGenerator<{ key: string; data: T }> {
  const keys = new KeyGuard(endpoint, (r) => ctx.reject(r), what);
  let n = 0;
  for await (const page of pages) {
    for (const item of page) {
      const line = ++n;
      const r = parse(item);
      if (r === null) continue;
      if (!r.ok) ctx.reject({ file: endpoint, line, field: r.field, reason: r.reason });
      else if (keys.accept(r.key, line)) yield { key: r.key, data: r.data };
    }
    ctx.progress(n);
  }
  ctx.progress(n, n);
}
