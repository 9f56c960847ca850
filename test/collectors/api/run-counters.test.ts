/**
 * Through the job layer (runCollection, the one collection path): an API run records how many
 * requests it made and how long it waited for rate limits, on the run record and as metrics,
 * for failed runs too; a run that stops half-way stores nothing and names the page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../src/evidence/memory-store.ts';
import { runCollection } from '../../../src/jobs/run-collection.ts';
import { IsmsMetrics } from '../../../src/metrics/isms-metrics.ts';
import { apiContext } from './context.ts';
import { startOkta } from './doubles/okta.ts';
import type { Double } from './doubles/server.ts';

const USERS = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'idp', 'okta-real', 'list-users.json'), 'utf8')) as Record<string, unknown>[];
const TOKEN = 'okta-run-token-9876543210';
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const doubles: Double[] = [];
afterEach(async () => {
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});

function setup(url: string, token = TOKEN) {
  const t = apiContext({ sources: [{ id: 'okta', kind: 'idp', format: 'okta-api', baseUrl: url, tokenEnv: 'OKTA_TOKEN', pageSize: 50 }], secrets: { OKTA_TOKEN: token } });
  const store = createMemoryStore();
  const metrics = new IsmsMetrics({ objectives: [], sourceIds: ['okta'], apiSourceIds: ['okta'], timeZone: 'UTC', defaultMetrics: false });
  return { deps: { config: t.config, store, log: quiet, metrics }, store, metrics };
}

const series = async (m: IsmsMetrics, name: string) => {
  const line = (await m.render()).body.split('\n').find((l) => l.startsWith(`${name}{source="okta"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('API counters through runCollection', () => {
  it('requests and rate-limit waits on the run record and as isms_collector_* metrics', async () => {
    // 1 request a second: after each page remaining = 0, so the collector waits for the reset
    // before the next page (never after the last): 4 pages of 50, 3 waits of at most 1 s each.
    const d = await startOkta({ users: USERS, token: TOKEN, rateLimit: { limit: 1, windowSeconds: 1 } });
    doubles.push(d);
    const { deps, metrics, store } = setup(d.url);
    expect(await series(metrics, 'isms_collector_api_requests_total')).toBe(0);
    const run = await runCollection(deps, 'okta', { observedAt: new Date('2026-11-19T00:00:00Z') });
    expect(run).toMatchObject({ result: 'success', accepted: 161 });
    expect(run.api!.requests).toBe(4);
    expect(run.api!.rateLimitWaitSeconds).toBeGreaterThan(0);
    expect(run.api!.rateLimitWaitSeconds).toBeLessThanOrEqual(3);
    expect(await series(metrics, 'isms_collector_api_requests_total')).toBe(4);
    expect(await series(metrics, 'isms_collector_rate_limit_wait_seconds_total')).toBe(run.api!.rateLimitWaitSeconds);
    expect((await store.runs({ source: 'okta' }))[0]!.api).toEqual(run.api);
    await store.close();
  });

  it('a run refused half-way stores nothing, names the page, counts its requests, and shows no token', async () => {
    const d = await startOkta({ users: USERS, token: TOKEN, failPage: { page: 3, status: 400, times: 1 } });
    doubles.push(d);
    const { deps, metrics, store } = setup(d.url);
    const err = (await runCollection(deps, 'okta', { observedAt: new Date('2026-11-19T00:00:00Z') }).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('page 3 of /api/v1/users (100 users read before it): HTTP 400');
    const [run] = await store.runs({ source: 'okta' });
    expect(run).toMatchObject({ result: 'failure', accepted: 0, api: { requests: 3, rateLimitWaitSeconds: 0 } });
    expect(run!.error).toContain('page 3');
    expect(await store.observations('okta')).toEqual([]);
    expect(await series(metrics, 'isms_collector_api_requests_total')).toBe(3);

    const bad = setup(d.url, 'not-the-token-xyz');
    const e2 = (await runCollection(bad.deps, 'okta').catch((e: unknown) => e)) as Error;
    const [failed] = await bad.store.runs({ source: 'okta' });
    expect(failed!.error).toContain('E0000011 Invalid token provided');
    expect(`${e2.message}${failed!.error}`).not.toContain('not-the-token-xyz');
    await store.close();
    await bad.store.close();
  });
});
