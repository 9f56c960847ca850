/**
 * The cached /metrics exposition: rendered once per change and served as is until the next one
 * (or until the process metrics are `refreshMs` old), never stale after a change.
 */
import { bareContext } from '../../src/pages/pages.ts';
import { createMemoryStore } from '../../src/evidence/memory-store.ts';
import parse from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseObjective } from '../../src/config/schema.ts';
import { buildServer, listen } from '../../src/http/server.ts';
import type { KpiResult } from '../../src/kpi/types.ts';
import { IsmsMetrics } from '../../src/metrics/isms-metrics.ts';

const objectives = [
  parseObjective({ id: 'leavers', title: 'Leaver accounts removed', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter' }),
];

function result(numerator: number, denominator: number, evaluatedAt: string): KpiResult {
  return {
    objective: 'leavers', kpi: 'stale-account-deletion-rate', value: numerator / denominator, numerator, denominator, target: 1, direction: 'at_least',
    status: numerator === denominator ? 'met' : 'missed', period: { from: '2026-10-01T00:00:00Z', to: '2026-11-20T00:00:00Z' }, evaluatedAt, failing: [],
  };
}

function sample(body: string, name: string, labels: Record<string, string> = {}): string | undefined {
  const f = parse(body).find((x) => x.name === name);
  return f?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value;
}

/** Metrics with a clock the test moves, and a count of full renders. */
function setup(opts: { defaultMetrics?: boolean } = {}) {
  let clock = 1_000_000;
  const m = new IsmsMetrics({ objectives, sourceIds: ['okta'], timeZone: 'UTC', refreshMs: 5000, now: () => clock, ...opts });
  const renders = vi.spyOn(m.registry, 'metrics');
  return { m, renders, advance: (ms: number) => void (clock += ms) };
}

describe('cached exposition', () => {
  it('serves two scrapes without a change the identical text from one render', async () => {
    const { m, renders } = setup();
    m.setResults([result(3, 4, '2026-11-20T03:00:00.000Z')]);
    const a = await m.exposition();
    const b = await m.exposition();
    expect(b.body).toBe(a.body);
    expect(b.contentType).toBe(m.registry.contentType);
    expect(renders).toHaveBeenCalledTimes(1);
    // Process metrics are part of the text (rendered, not left out to make it cacheable).
    expect(sample(a.body, 'process_cpu_user_seconds_total')).toBeDefined();
  });

  it('reflects a new evaluation at the next scrape', async () => {
    const { m, renders } = setup();
    m.setResults([result(3, 4, '2026-11-20T03:00:00.000Z')]);
    // 3 of 4 leavers removed: 0.75.
    expect(sample((await m.exposition()).body, 'isms_objective_kpi_value', { objective: 'leavers' })).toBe('0.75');
    m.setResults([result(4, 4, '2026-11-20T04:00:00.000Z')]);
    const after = (await m.exposition()).body;
    // 4 of 4: 1, status met, evaluated at 04:00Z.
    expect(sample(after, 'isms_objective_kpi_value', { objective: 'leavers' })).toBe('1');
    expect(sample(after, 'isms_objective_status', { objective: 'leavers', status: 'met' })).toBe('1');
    expect(Number(sample(after, 'isms_objective_evaluated_timestamp_seconds', { objective: 'leavers' }))).toBe(Date.UTC(2026, 10, 20, 4) / 1000);
    expect(renders).toHaveBeenCalledTimes(2);
  });

  it('reflects runs, freshness, queue depths and notifications at the next scrape', async () => {
    const { m } = setup({ defaultMetrics: false });
    await m.exposition();
    m.observeRun({ source: 'okta', kind: 'account', startedAt: '', finishedAt: '2026-11-20T02:59:00.000Z', observedAt: '', result: 'success', accepted: 120, rejected: 2, rejections: [] }, 1.5);
    let body = (await m.exposition()).body;
    expect(sample(body, 'isms_collector_runs_total', { source: 'okta', result: 'success' })).toBe('1');
    expect(sample(body, 'isms_collector_records_total', { source: 'okta', outcome: 'accepted' })).toBe('120');
    m.setLastSuccess({ okta: '2026-11-20T05:00:00.000Z' });
    body = (await m.exposition()).body;
    expect(Number(sample(body, 'isms_collector_last_success_timestamp_seconds', { source: 'okta' }))).toBe(Date.UTC(2026, 10, 20, 5) / 1000);
    m.setQueueCounts([{ queue: 'collect', state: 'waiting', count: 4 }]);
    expect(sample((await m.exposition()).body, 'isms_queue_jobs', { queue: 'collect', state: 'waiting' })).toBe('4');
    m.notifications.inc({ notifier: 'chat', result: 'failed' });
    expect(sample((await m.exposition()).body, 'isms_notifications_total', { notifier: 'chat', result: 'failed' })).toBe('1');
  });

  it('does not render again for unchanged queue depths or older freshness', async () => {
    const { m, renders } = setup({ defaultMetrics: false });
    m.setQueueCounts([{ queue: 'collect', state: 'waiting', count: 4 }]);
    m.setLastSuccess({ okta: '2026-11-20T05:00:00.000Z' });
    await m.exposition();
    m.setQueueCounts([{ queue: 'collect', state: 'waiting', count: 4 }]);
    m.setLastSuccess({ okta: '2026-11-20T04:00:00.000Z' });
    await m.exposition();
    expect(renders).toHaveBeenCalledTimes(1);
  });

  it('renders again once the text is refreshMs old, so process metrics stay current', async () => {
    const { m, renders, advance } = setup();
    await m.exposition();
    advance(4999);
    await m.exposition();
    expect(renders).toHaveBeenCalledTimes(1);
    advance(1);
    await m.exposition();
    expect(renders).toHaveBeenCalledTimes(2);
  });

  it('shares one render among scrapes that arrive while it runs', async () => {
    const { m, renders } = setup();
    const texts = await Promise.all(Array.from({ length: 20 }, () => m.exposition()));
    expect(renders).toHaveBeenCalledTimes(1);
    expect(new Set(texts.map((t) => t.body)).size).toBe(1);
  });

  it('never keeps a render that started before a change', async () => {
    const { m } = setup({ defaultMetrics: false });
    m.setResults([result(3, 4, '2026-11-20T03:00:00.000Z')]);
    const before = m.exposition();
    m.setResults([result(1, 4, '2026-11-20T04:00:00.000Z')]);
    // A scrape while the earlier render runs does not get that render; nor does one after it.
    const during = m.exposition();
    await before;
    // 1 of 4: 0.25, whatever the earlier render held.
    expect(sample((await during).body, 'isms_objective_kpi_value', { objective: 'leavers' })).toBe('0.25');
    expect(sample((await m.exposition()).body, 'isms_objective_kpi_value', { objective: 'leavers' })).toBe('0.25');
  });
});

describe('cached exposition over HTTP', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('answers two scrapes with the same bytes and shows an evaluation at once', async () => {
    const m = new IsmsMetrics({ objectives, sourceIds: ['okta'], timeZone: 'UTC' });
    m.setResults([result(3, 4, '2026-11-20T03:00:00.000Z')]);
    const server = buildServer({ metrics: () => m.exposition(), health: async () => ({}), pages: bareContext(createMemoryStore(), { name: 'x', timeZone: 'UTC', fiscalYearStartMonth: 1, internalDomains: ['x'], language: 'en' }, () => undefined) });
    const { port } = await listen(server, '127.0.0.1', 0);
    close = () => server.close();
    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(m.registry.contentType);
      return res.text();
    };
    const a = await scrape();
    const b = await scrape();
    expect(b).toBe(a);
    m.setResults([result(2, 4, '2026-11-20T04:00:00.000Z')]);
    // 2 of 4: 0.5.
    expect(sample(await scrape(), 'isms_objective_kpi_value', { objective: 'leavers' })).toBe('0.5');
  });
});
