/**
 * The Elasticsearch side of access logs, as pure functions: the search request that reads
 * authentication events as aggregates — a composite aggregation per user, org-local day and index
 * with counts, the first and latest time per outcome and the successes per hour, paged with
 * `after_key` — and the mapping of its
 * buckets to AccessDayRecords. No document is pulled.
 *
 * What counts (KPIS.md leaver-activity-count): `event.category: authentication` with
 * `event.outcome` success / failure, and Windows 4624 / 4625 by `event.code` (old Winlogbeat
 * versions wrote neither category nor outcome).
 */
import type { AccessDayRecord } from '../../evidence/records.ts';
import { wallClockToEpoch } from '../access-log/time.ts';

export const AGG = 'by_user_day';

export interface CompositeKey {
  user: string;
  day: string;
  index: string;
  [k: string]: string;
}

/** The search body of one page. `from` is exclusive, `to` inclusive (ISO-8601). */
export function compositeSearch(opts: { from: string; to: string; zone: string; pageSize: number; after?: CompositeKey }): Record<string, unknown> {
  const success = { bool: { should: [{ term: { 'event.outcome': 'success' } }, { term: { 'event.code': '4624' } }], minimum_should_match: 1 } };
  const failure = { bool: { should: [{ term: { 'event.outcome': 'failure' } }, { term: { 'event.code': '4625' } }], minimum_should_match: 1 } };
  return {
    size: 0,
    track_total_hits: false,
    query: {
      bool: {
        filter: [
          { range: { '@timestamp': { gt: opts.from, lte: opts.to, format: 'strict_date_optional_time' } } },
          { bool: { should: [{ term: { 'event.category': 'authentication' } }, { terms: { 'event.code': ['4624', '4625'] } }], minimum_should_match: 1 } },
          { bool: { should: [success, failure], minimum_should_match: 1 } },
        ],
      },
    },
    aggs: {
      [AGG]: {
        composite: {
          size: opts.pageSize,
          sources: [
            { user: { terms: { field: 'user.name' } } },
            { day: { date_histogram: { field: '@timestamp', calendar_interval: '1d', time_zone: opts.zone, format: 'yyyy-MM-dd' } } },
            { index: { terms: { field: '_index' } } },
          ],
          ...(opts.after ? { after: opts.after } : {}),
        },
        aggs: {
          // First and last per outcome: a bound inside the day (a rolling period's start) is then
          // placed against them (src/kpi/access-days.ts) instead of guessed.
          // Successes by hour as well, so that a bound inside the day is placed hour by hour, as
          // for log files (AccessDayRecord.successesByHour); at most 25 buckets a day.
          success: {
            filter: success,
            aggs: {
              first: { min: { field: '@timestamp' } },
              last: { max: { field: '@timestamp' } },
              hours: { date_histogram: { field: '@timestamp', fixed_interval: '1h', time_zone: opts.zone, min_doc_count: 1 } },
            },
          },
          failure: { filter: failure, aggs: { first: { min: { field: '@timestamp' } }, last: { max: { field: '@timestamp' } } } },
        },
      },
    },
  };
}

/** One composite bucket as Elasticsearch returns it. */
export interface CompositeBucket {
  key: Record<string, unknown>;
  doc_count: number;
  success?: {
    doc_count: number;
    first?: { value: number | null };
    last?: { value: number | null; value_as_string?: string };
    hours?: { buckets: { key: number; doc_count: number }[] };
  };
  failure?: { doc_count: number; first?: { value: number | null }; last?: { value: number | null; value_as_string?: string } };
}

export interface CompositePage {
  buckets: CompositeBucket[];
  after_key?: CompositeKey;
}

/** The composite aggregation of a search response (empty when absent). */
export function pageOf(response: unknown): CompositePage {
  const agg = (response as { aggregations?: Record<string, unknown> } | undefined)?.aggregations?.[AGG] as CompositePage | undefined;
  return { buckets: agg?.buckets ?? [], ...(agg?.after_key ? { after_key: agg.after_key } : {}) };
}

/** A bucket as an aggregate of one account, day (in `zone`) and index (undefined when it has no outcome). */
export function bucketRecord(b: CompositeBucket, zone: string): AccessDayRecord | undefined {
  const user = b.key['user'];
  const day = b.key['day'];
  if (typeof user !== 'string' || typeof day !== 'string') return undefined;
  const successes = b.success?.doc_count ?? 0;
  const failures = b.failure?.doc_count ?? 0;
  if (successes + failures === 0) return undefined;
  const r: AccessDayRecord = { account: user, day, successes, failures };
  const fs = b.success?.first?.value;
  const ls = b.success?.last?.value;
  const ff = b.failure?.first?.value;
  const lf = b.failure?.last?.value;
  // A single event is its own first (see AccessDayRecord).
  if (successes > 1 && typeof fs === 'number') r.firstSuccessAt = new Date(fs).toISOString();
  if (successes > 0 && typeof ls === 'number') r.lastSuccessAt = new Date(ls).toISOString();
  if (failures > 1 && typeof ff === 'number') r.firstFailureAt = new Date(ff).toISOString();
  if (failures > 0 && typeof lf === 'number') r.lastFailureAt = new Date(lf).toISOString();
  if (successes > 0) {
    const hours = successesByHour(day, zone, b.success?.hours?.buckets, successes);
    if (hours) r.successesByHour = hours;
  }
  const index = b.key['index'];
  if (typeof index === 'string') r.where = index;
  return r;
}

/**
 * The hour counts of a day from its hourly buckets (index i: [day start + i h, + (i+1) h)), or
 * undefined when they do not account for every success (a cluster answering without them):
 * hours that place only some of the successes would claim a placement for all.
 */
function successesByHour(day: string, zone: string, buckets: readonly { key: number; doc_count: number }[] | undefined, successes: number): number[] | undefined {
  if (!buckets) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const start = wallClockToEpoch(y, m, d, 0, 0, 0, 0, zone);
  const out: number[] = [];
  let placed = 0;
  for (const h of buckets) {
    const i = Math.floor((h.key - start) / 3_600_000);
    if (!(i >= 0 && i < 25) || h.doc_count <= 0) return undefined;
    while (out.length <= i) out.push(0);
    out[i]! += h.doc_count;
    placed += h.doc_count;
  }
  return placed === successes ? out : undefined;
}
