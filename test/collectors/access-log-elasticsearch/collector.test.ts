/**
 * The Elasticsearch access-log collector against @elastic/elasticsearch-mock, which replaces only
 * the client's HTTP connection. Responses follow the documented composite-aggregation shape
 * (https://www.elastic.co/docs/reference/aggregations/search-aggregations-bucket-composite-aggregation):
 * `aggregations.<name>.buckets[] { key, doc_count, <sub-aggs> }` and `after_key`, with an empty
 * page and no `after_key` at the end.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Client } from '@elastic/elasticsearch';
import MockModule from '@elastic/elasticsearch-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientOptions, createElasticsearchCollector, type ClientOptions } from '../../../src/collectors/access-log-elasticsearch/collector.ts';
import type { FactsOutput } from '../../../src/collectors/types.ts';
import type { SourceOf } from '../../../src/config/schema.ts';
import type { Config } from '../../../src/config/types.ts';
import { ConfigError, EvidenceInputError, TransientError } from '../../../src/errors.ts';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import type { EvidenceStore } from '../../../src/evidence/store.ts';
import { testConfig, testContext } from '../access-log/context.ts';

// The mock (CommonJS) recognises an error reply by its own copy of the client's error classes,
// so the test builds them from the CommonJS build; the client then throws its own ResponseError.
const { errors } = createRequire(import.meta.url)('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
const reply = (statusCode: number, body: object) => new errors.ResponseError({ body, statusCode, headers: {}, warnings: [], meta: {} as never });

// The package is CommonJS (`module.exports = Mock`) but its types declare an ES default export.
type ClientMock = InstanceType<typeof MockModule.default>;
const Mock = MockModule as unknown as new () => ClientMock;

const source: SourceOf<'access-log-elasticsearch'> = {
  id: 'es', kind: 'access-log-elasticsearch', index: 'filebeat-*,winlogbeat-*', urlEnv: 'ES_URL', apiKeyEnv: 'ES_KEY',
  lookbackDays: 10, pageSize: 2, shards: 1, encoding: 'auto', enabled: true,
};

let store: EvidenceStore;
let mock: ClientMock;
let requests: Record<string, any>[];
let slept: number[];
beforeEach(() => {
  store = createMemoryStore();
  mock = new Mock();
  requests = [];
  slept = [];
});
afterEach(async () => {
  await store.close();
});

function config(secrets: Record<string, string> = { ES_URL: 'http://es.example:9200', ES_KEY: 'a2V5' }): Config {
  const c = testConfig('/tmp', 'Asia/Tokyo');
  return { ...c, env: { secrets } };
}

function collector() {
  // The mock's connection predates transport 9's close(); the client calls it on close.
  const Base = mock.getConnection() as unknown as new (...a: unknown[]) => object;
  class Connection extends Base {
    async close(): Promise<void> {}
  }
  return createElasticsearchCollector({
    client: (o: ClientOptions) => new Client({ ...o, Connection: Connection as never }),
    sleep: async (ms) => void slept.push(ms),
    attempts: 3,
    backoffMs: 100,
  });
}

const ms = (iso: string) => Date.parse(iso);
function bucket(user: string, day: string, index: string, s: [number, string?], f: [number, string?]) {
  return {
    key: { user, day, index },
    doc_count: s[0] + f[0],
    success: { doc_count: s[0], last: { value: s[1] ? ms(s[1]) : null, ...(s[1] ? { value_as_string: s[1] } : {}) } },
    failure: { doc_count: f[0], last: { value: f[1] ? ms(f[1]) : null } },
  };
}

const PAGES = [
  {
    buckets: [
      bucket('aya', '2026-03-02', 'filebeat-2026.03.01', [0], [2, '2026-03-01T16:00:00.000Z']),
      bucket('ken.ito', '2026-03-01', 'filebeat-2026.03.01', [3, '2026-03-01T01:00:00.000Z'], [1, '2026-03-01T02:00:00.000Z']),
    ],
    after_key: { user: 'ken.ito', day: '2026-03-01', index: 'filebeat-2026.03.01' },
  },
  {
    buckets: [bucket('ken.ito', '2026-03-01', 'winlogbeat-2026.03.01', [1, '2026-03-01T05:00:00.000Z'], [0])],
    after_key: { user: 'ken.ito', day: '2026-03-01', index: 'winlogbeat-2026.03.01' },
  },
  { buckets: [] },
];

function servePages(): void {
  mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, (params: any) => {
    requests.push(params);
    const after = params.body?.aggs?.by_user_day?.composite?.after;
    const i = after === undefined ? 0 : after.index === 'filebeat-2026.03.01' ? 1 : 2;
    return { took: 1, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: { by_user_day: PAGES[i] } };
  });
}

describe('access-log-elasticsearch', () => {
  const observedAt = new Date('2026-03-05T00:00:00.000Z');

  it('pages the composite aggregation with after_key and folds indexes into one record per user and day', async () => {
    servePages();
    const ctx = testContext(config(), store, observedAt);
    const out = (await collector().collect(source, ctx)) as FactsOutput<'access-day'>;
    expect([...(out.facts as Iterable<unknown>)]).toEqual([
      { key: '2026-03-01 ken.ito', data: {
        account: 'ken.ito', day: '2026-03-01', successes: 4, failures: 1,
        lastSuccessAt: '2026-03-01T05:00:00.000Z', lastFailureAt: '2026-03-01T02:00:00.000Z', where: 'winlogbeat-2026.03.01',
      } },
      { key: '2026-03-02 aya', data: { account: 'aya', day: '2026-03-02', successes: 0, failures: 2, lastFailureAt: '2026-03-01T16:00:00.000Z', where: 'filebeat-2026.03.01' } },
    ]);
    expect(out.checkpoints).toEqual({ until: '2026-03-05T00:00:00.000Z' });
    expect(requests).toHaveLength(3);
    expect(requests[0]!.path).toBe('/filebeat-*,winlogbeat-*/_search');
    const body = requests[0]!.body;
    expect(body.size).toBe(0);
    // first run: lookbackDays (10) before observedAt
    expect(body.query.bool.filter[0]).toEqual({ range: { '@timestamp': { gt: '2026-02-23T00:00:00.000Z', lte: '2026-03-05T00:00:00.000Z', format: 'strict_date_optional_time' } } });
    expect(body.aggs.by_user_day.composite.size).toBe(2);
    expect(body.aggs.by_user_day.composite.sources[1]).toEqual({ day: { date_histogram: { field: '@timestamp', calendar_interval: '1d', time_zone: 'Asia/Tokyo', format: 'yyyy-MM-dd' } } });
    expect(requests[1]!.body.aggs.by_user_day.composite.after).toEqual(PAGES[0]!.after_key);
  });

  it('starts the next run at the checkpoint, and does nothing when it is already there', async () => {
    servePages();
    const ctx = testContext(config(), store, observedAt);
    const out = (await collector().collect(source, ctx)) as FactsOutput<'access-day'>;
    await store.writeFacts({ source: 'es', kind: 'access-day', observedAt, facts: out.facts, merge: out.merge, checkpoints: out.checkpoints });
    requests = [];
    const later = new Date('2026-03-06T00:00:00.000Z');
    await collector().collect(source, testContext(config(), store, later));
    expect(requests[0]!.body.query.bool.filter[0].range['@timestamp']).toMatchObject({ gt: '2026-03-05T00:00:00.000Z', lte: '2026-03-06T00:00:00.000Z' });
    requests = [];
    const same = (await collector().collect(source, testContext(config(), store, observedAt))) as FactsOutput<'access-day'>;
    expect([...(same.facts as Iterable<unknown>)]).toEqual([]);
    expect(requests).toHaveLength(0);
  });

  it('retries 429 and 5xx with doubling backoff', async () => {
    let calls = 0;
    mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, () => {
      calls++;
      if (calls === 1) return reply(429, { error: 'too many' });
      if (calls === 2) return reply(503, { error: 'unavailable' });
      return { aggregations: { by_user_day: { buckets: [] } } };
    });
    const out = (await collector().collect(source, testContext(config(), store, observedAt))) as FactsOutput<'access-day'>;
    expect([...(out.facts as Iterable<unknown>)]).toEqual([]);
    expect(calls).toBe(3);
    expect(slept).toEqual([100, 200]);
  });

  it('gives up with a TransientError when the cluster stays unavailable, and does not retry a 401', async () => {
    mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, () => reply(502, {}));
    await expect(collector().collect(source, testContext(config(), store, observedAt))).rejects.toBeInstanceOf(TransientError);
    expect(slept).toEqual([100, 200]);
    mock.clearAll();
    slept = [];
    mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, () => reply(401, { error: 'security_exception' }));
    await expect(collector().collect(source, testContext(config(), store, observedAt))).rejects.toBeInstanceOf(EvidenceInputError);
    expect(slept).toEqual([]);
  });
});

/**
 * An in-test double of the cluster that aggregates a list of events as the composite
 * aggregation would: only events in the requested (gt, lte] range, grouped by user, day in the
 * requested zone and index, in key order, a page at a time after `after`.
 */
type Ev = { user: string; at: string; index: string; outcome: 'success' | 'failure' };
function serveEvents(events: Ev[]): void {
  mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, (params: any) => {
    requests.push(params);
    const range = params.body.query.bool.filter[0].range['@timestamp'];
    const comp = params.body.aggs.by_user_day.composite;
    const zone = comp.sources[1].day.date_histogram.time_zone;
    const dayOf = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
    const groups = new Map<string, { key: { user: string; day: string; index: string }; s: number[]; f: number[] }>();
    for (const e of events) {
      if (!(ms(e.at) > ms(range.gt) && ms(e.at) <= ms(range.lte))) continue;
      const key = { user: e.user, day: dayOf(e.at), index: e.index };
      const k = `${key.user}\u0000${key.day}\u0000${key.index}`;
      const g = groups.get(k) ?? { key, s: [], f: [] };
      (e.outcome === 'success' ? g.s : g.f).push(ms(e.at));
      groups.set(k, g);
    }
    const after = comp.after ? `${comp.after.user}\u0000${comp.after.day}\u0000${comp.after.index}` : '';
    const page = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).filter(([k]) => k > after).slice(0, comp.size).map(([, g]) => g);
    const last = (xs: number[]) => (xs.length ? { value: Math.max(...xs), value_as_string: new Date(Math.max(...xs)).toISOString() } : { value: null });
    const first = (xs: number[]) => (xs.length ? { value: Math.min(...xs) } : { value: null });
    const buckets = page.map((g) => ({ key: g.key, doc_count: g.s.length + g.f.length, success: { doc_count: g.s.length, first: first(g.s), last: last(g.s) }, failure: { doc_count: g.f.length, first: first(g.f), last: last(g.f) } }));
    return { took: 1, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: { by_user_day: { buckets, ...(buckets.length ? { after_key: buckets.at(-1)!.key } : {}) } } };
  });
}

describe('access-log-elasticsearch: successes placed by hour', () => {
  // Tokyo: 2026-03-01 starts at 2026-02-28T15:00Z, so 00:00Z is hour 9 of the day and 01:00Z hour 10.
  const hourBuckets = (pairs: [string, number][]) => ({ buckets: pairs.map(([iso, n]) => ({ key: ms(iso), key_as_string: iso, doc_count: n })) });
  function withHours(hours: ReturnType<typeof hourBuckets>, successes: number) {
    const b = bucket('ken.ito', '2026-03-01', 'filebeat-2026.03.01', [successes, '2026-03-01T01:10:00.000Z'], [0]);
    return { ...b, success: { ...b.success, first: { value: ms('2026-03-01T00:05:00.000Z') }, hours } };
  }
  async function collectOne(b: object) {
    mock.clearAll();
    mock.add({ method: ['POST', 'GET'], path: '/:index/_search' }, (params: any) => {
      requests.push(params);
      const first = params.body?.aggs?.by_user_day?.composite?.after === undefined;
      return { took: 1, timed_out: false, hits: { total: { value: 0, relation: 'eq' }, hits: [] }, aggregations: { by_user_day: first ? { buckets: [b], after_key: { user: 'ken.ito', day: '2026-03-01', index: 'x' } } : { buckets: [] } } };
    });
    const out = (await collector().collect(source, testContext(config(), store, new Date('2026-03-05T00:00:00.000Z')))) as FactsOutput<'access-day'>;
    return [...(out.facts as Iterable<{ data: { successesByHour?: number[] } }>)].map((f) => f.data);
  }

  it('asks for the successes per hour in the organisation\'s zone, and keeps them as hour counts of the local day', async () => {
    const [r] = await collectOne(withHours(hourBuckets([['2026-03-01T00:00:00.000Z', 2], ['2026-03-01T01:00:00.000Z', 1]]), 3));
    expect(requests[0]!.body.aggs.by_user_day.aggs.success.aggs.hours).toEqual({ date_histogram: { field: '@timestamp', fixed_interval: '1h', time_zone: 'Asia/Tokyo', min_doc_count: 1 } });
    expect(r!.successesByHour).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1]);
  });

  it('hours that do not account for every success are not kept (they would place them all)', async () => {
    const [r] = await collectOne(withHours(hourBuckets([['2026-03-01T00:00:00.000Z', 2]]), 3));
    expect(r!.successesByHour).toBeUndefined();
    const [none] = await collectOne(withHours(undefined as never, 3));
    expect(none!.successesByHour).toBeUndefined();
  });
});

describe('access-log-elasticsearch in time slices (the queue flow)', () => {
  // Run at 2026-03-10T00:00Z with a 10-day lookback: (2026-02-28T00:00Z, 2026-03-10T00:00Z].
  const events: Ev[] = [
    { user: 'ken.ito', at: '2026-03-01T01:00:00.000Z', index: 'filebeat-a', outcome: 'success' },
    { user: 'ken.ito', at: '2026-03-01T02:00:00.000Z', index: 'filebeat-a', outcome: 'failure' },
    // 2026-03-05T00:00Z is the cut between slices 2 and 3 of 4: counted once, in slice 2.
    { user: 'ken.ito', at: '2026-03-05T00:00:00.000Z', index: 'filebeat-a', outcome: 'success' },
    { user: 'ken.ito', at: '2026-03-05T03:00:00.000Z', index: 'filebeat-a', outcome: 'success' },
    { user: 'aya', at: '2026-03-07T14:59:00.000Z', index: 'winlogbeat-b', outcome: 'success' },
    { user: 'aya', at: '2026-03-07T15:00:00.000Z', index: 'winlogbeat-b', outcome: 'failure' }, // 03-08 in Tokyo
    { user: 'aya', at: '2026-03-10T00:00:00.000Z', index: 'winlogbeat-b', outcome: 'success' }, // the run's end: included
    { user: 'aya', at: '2026-02-28T00:00:00.000Z', index: 'winlogbeat-b', outcome: 'success' }, // the start: excluded
  ];
  const sliced = { ...source, shards: 4 };
  const at = new Date('2026-03-10T00:00:00Z');

  it('cuts the interval into adjacent slices that cover it exactly', async () => {
    const { timeSlices } = await import('../../../src/collectors/access-log-elasticsearch/collector.ts');
    expect(timeSlices('2026-02-28T00:00:00.000Z', '2026-03-10T00:00:00.000Z', 4)).toEqual([
      { from: '2026-02-28T00:00:00.000Z', to: '2026-03-02T12:00:00.000Z' },
      { from: '2026-03-02T12:00:00.000Z', to: '2026-03-05T00:00:00.000Z' },
      { from: '2026-03-05T00:00:00.000Z', to: '2026-03-07T12:00:00.000Z' },
      { from: '2026-03-07T12:00:00.000Z', to: '2026-03-10T00:00:00.000Z' },
    ]);
  });

  it('gives the same facts and checkpoint as one read, counted by hand', async () => {
    serveEvents(events);
    const c = collector();
    const ctx = testContext(config(), store, at);
    const whole = (await c.collect(sliced, ctx)) as FactsOutput<'access-day'>;
    const shards = await c.shards!(sliced, ctx);
    expect(shards).toHaveLength(4);
    const partials = await Promise.all(shards.map((sh) => c.collectShard!(sliced, sh, ctx)));
    // Merged in any order: the same answer.
    const merged = (await c.mergeShards!(sliced, [...partials].reverse(), ctx)) as FactsOutput<'access-day'>;
    const facts = (o: FactsOutput<'access-day'>) => [...(o.facts as Iterable<{ key: string; data: unknown }>)].sort((a, b) => (a.key < b.key ? -1 : 1));
    expect(facts(merged)).toEqual(facts(whole));
    expect(merged.checkpoints).toEqual({ until: '2026-03-10T00:00:00.000Z' });
    expect(facts(merged).map((f) => f.data)).toEqual([
      // In key order (day, then account).
      { account: 'ken.ito', day: '2026-03-01', successes: 1, failures: 1, lastSuccessAt: '2026-03-01T01:00:00.000Z', lastFailureAt: '2026-03-01T02:00:00.000Z', where: 'filebeat-a' },
      { account: 'ken.ito', day: '2026-03-05', successes: 2, failures: 0, firstSuccessAt: '2026-03-05T00:00:00.000Z', lastSuccessAt: '2026-03-05T03:00:00.000Z', where: 'filebeat-a' },
      { account: 'aya', day: '2026-03-07', successes: 1, failures: 0, lastSuccessAt: '2026-03-07T14:59:00.000Z', where: 'winlogbeat-b' },
      { account: 'aya', day: '2026-03-08', successes: 0, failures: 1, lastFailureAt: '2026-03-07T15:00:00.000Z', where: 'winlogbeat-b' },
      { account: 'aya', day: '2026-03-10', successes: 1, failures: 0, lastSuccessAt: '2026-03-10T00:00:00.000Z', where: 'winlogbeat-b' },
    ]);
  });

  it('plans one shard (a plain collection) when the checkpoint is already at the run', async () => {
    await store.writeFacts({ source: 'es', kind: 'access-day', observedAt: at, facts: [], checkpoints: { until: at.toISOString() } });
    const shards = await collector().shards!(sliced, testContext(config(), store, at));
    expect(shards).toHaveLength(1);
  });
});

describe('clientOptions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'es-ca-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the URL, API key and CA from the variables the source names', async () => {
    await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const o = clientOptions({ ...source, caFileEnv: 'ES_CA' }, config({ ES_URL: 'https://es:9200', ES_KEY: 'a2V5', ES_CA: join(dir, 'ca.pem') }));
    expect(o).toMatchObject({ node: 'https://es:9200', auth: { apiKey: 'a2V5' }, tls: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }, maxRetries: 0 });
  });
  it('uses basic auth when there is no API key', () => {
    const o = clientOptions({ ...source, apiKeyEnv: undefined, usernameEnv: 'ES_USER', passwordEnv: 'ES_PASS' }, config({ ES_URL: 'https://es:9200', ES_USER: 'isms', ES_PASS: 'pw' }));
    expect(o.auth).toEqual({ username: 'isms', password: 'pw' });
  });
  it('fails clearly without a URL', () => {
    expect(() => clientOptions(source, config({}))).toThrow(ConfigError);
    expect(() => clientOptions(source, config({}))).toThrow(/ES_URL is not set/);
  });
});
