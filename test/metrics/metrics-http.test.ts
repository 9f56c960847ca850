import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import parse from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { parseObjective } from '../../src/config/schema.ts';
import { buildServer, listen } from '../../src/http/server.ts';
import type { KpiResult } from '../../src/kpi/types.ts';
import { IsmsMetrics } from '../../src/metrics/isms-metrics.ts';

const objectives = [
  parseObjective({ id: 'leavers', title: '退職者アカウント削除率', kpi: 'stale-account-deletion-rate', target: 1, direction: 'at_least', period: 'quarter', deadline: '2027-03-31' }),
  parseObjective({ id: 'phishing', title: '訓練クリック率', kpi: 'phishing-click-rate', target: 0.1, direction: 'at_most', period: 'year' }),
];

const leavers: KpiResult = {
  objective: 'leavers', kpi: 'stale-account-deletion-rate', value: 0.75, numerator: 3, denominator: 4, target: 1, direction: 'at_least',
  status: 'missed', period: { from: '2026-10-01T00:00:00+09:00', to: '2026-11-20T12:00:00+09:00' }, evaluatedAt: '2026-11-20T03:00:00.000Z',
  failing: [{ type: 'account', id: 'taro.yamada@example.co.jp', reason: 'still active 3 days after deadline', details: { owner: 'Taro Yamada' } }],
};
const phishingNoData: KpiResult = { ...leavers, objective: 'phishing', kpi: 'phishing-click-rate', value: null, numerator: 0, denominator: 0, target: 0.1, direction: 'at_most', status: 'no_data', failing: [] };

function serve(m: IsmsMetrics, token?: string) {
  const server = buildServer({ metrics: () => m.render(), results: () => [leavers], health: async () => ({}), token });
  return server;
}

describe('/metrics over HTTP', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  it('exposes the DESIGN.md metric names with the right values and no personal data', async () => {
    const m = new IsmsMetrics({ objectives, sourceIds: ['hr', 'okta'], timeZone: 'Asia/Tokyo' });
    m.setResults([leavers, phishingNoData]);
    m.observeRun({ source: 'okta', kind: 'account', startedAt: '', finishedAt: '2026-11-20T02:59:00.000Z', observedAt: '', result: 'success', accepted: 120, rejected: 2, rejections: [] }, 1.5);
    m.setQueueCounts([{ queue: 'collect', state: 'waiting', count: 4 }]);
    const server = serve(m);
    const { port } = await listen(server, '127.0.0.1', 0);
    close = () => server.close();

    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    const body = await res.text();
    const families = new Map(parse(body).map((f) => [f.name, f]));
    const one = (name: string, labels: Record<string, string>) =>
      families.get(name)?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));

    expect(one('isms_objective_kpi_value', { objective: 'leavers', kpi: 'stale-account-deletion-rate' })?.value).toBe('0.75');
    expect(one('isms_objective_kpi_numerator', { objective: 'leavers' })?.value).toBe('3');
    expect(one('isms_objective_kpi_denominator', { objective: 'leavers' })?.value).toBe('4');
    // no_data: no value series at all (never a silent 100 %), but the status says so.
    expect(one('isms_objective_kpi_value', { objective: 'phishing' })).toBeUndefined();
    expect(one('isms_objective_status', { objective: 'phishing', status: 'no_data' })?.value).toBe('1');
    expect(one('isms_objective_status', { objective: 'leavers', status: 'missed' })?.value).toBe('1');
    expect(one('isms_objective_status', { objective: 'leavers', status: 'met' })?.value).toBe('0');
    expect(one('isms_objective_target', { objective: 'phishing', direction: 'at_most' })?.value).toBe('0.1');
    // The deadline day 2027-03-31 ends at 2027-04-01T00:00+09:00 = 2027-03-31T15:00Z.
    expect(Number(one('isms_objective_deadline_timestamp_seconds', { objective: 'leavers' })?.value)).toBe(Date.UTC(2027, 2, 31, 15) / 1000);
    expect(Number(one('isms_objective_evaluated_timestamp_seconds', { objective: 'leavers' })?.value)).toBe(Date.UTC(2026, 10, 20, 3) / 1000);
    expect(Number(one('isms_collector_last_success_timestamp_seconds', { source: 'okta' })?.value)).toBe(Date.UTC(2026, 10, 20, 2, 59) / 1000);
    expect(one('isms_collector_runs_total', { source: 'okta', result: 'success' })?.value).toBe('1');
    expect(one('isms_collector_runs_total', { source: 'hr', result: 'failure' })?.value).toBe('0');
    expect(one('isms_collector_records_total', { source: 'okta', outcome: 'rejected' })?.value).toBe('2');
    expect(one('isms_collector_records_total', { source: 'okta', outcome: 'accepted' })?.value).toBe('120');
    expect(families.get('isms_collector_run_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(one('isms_queue_jobs', { queue: 'collect', state: 'waiting' })?.value).toBe('4');
    expect(families.has('process_cpu_user_seconds_total')).toBe(true);

    // Privacy: nothing of the failing subject reaches the exposition.
    expect(body).not.toMatch(/yamada|Taro|example\.co\.jp/i);
    const allowed = new Set(['objective', 'kpi', 'direction', 'status', 'source', 'result', 'outcome', 'queue', 'state', 'le', 'notifier']);
    for (const f of families.values()) {
      if (!f.name.startsWith('isms_')) continue;
      for (const s of f.metrics) for (const k of Object.keys(s.labels ?? {})) expect(allowed.has(k), `${f.name} label ${k}`).toBe(true);
    }

    // The real promtool lints our families clean (prom-client's own Node defaults, such as the
    // gauge nodejs_active_handles_total, are not ours to rename).
    const ours = body.split('\n').filter((l) => /^(# (HELP|TYPE) )?isms_/.test(l)).join('\n') + '\n';
    const check = spawnSync('promtool', ['check', 'metrics'], { input: ours, encoding: 'utf8' });
    expect(check.error).toBeUndefined();
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('requires the bearer token when one is configured, but not on /healthz', async () => {
    const m = new IsmsMetrics({ objectives, sourceIds: [], timeZone: 'UTC', defaultMetrics: false });
    const server = serve(m, 's3cret');
    await listen(server, '127.0.0.1', 0);
    const port = (server.address() as AddressInfo).port;
    close = () => server.close();
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer wrong!' } })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ev = await fetch(`http://127.0.0.1:${port}/objectives/leavers/evidence`, { headers: { authorization: 'Bearer s3cret' } });
    expect(((await ev.json()) as KpiResult).failing).toHaveLength(1);
  });

  it('/objectives serves the same JSON contract as `evaluate --format json` (README "JSON contract")', async () => {
    const m = new IsmsMetrics({ objectives, sourceIds: [], timeZone: 'UTC', defaultMetrics: false });
    const server = buildServer({ metrics: () => m.render(), results: () => [leavers, phishingNoData], health: async () => ({}) });
    await listen(server, '127.0.0.1', 0);
    const port = (server.address() as AddressInfo).port;
    close = () => server.close();
    const body = (await (await fetch(`http://127.0.0.1:${port}/objectives`)).json()) as Record<string, unknown>;
    // Written out from the two results above, key by key, as DESIGN.md's contract lists them.
    expect(body).toEqual({
      evaluatedAt: '2026-11-20T03:00:00.000Z',
      objectives: [
        { id: 'leavers', kpi: 'stale-account-deletion-rate', value: 0.75, numerator: 3, denominator: 4, target: 1, direction: 'at_least', status: 'missed', period: { from: '2026-10-01T00:00:00+09:00', to: '2026-11-20T12:00:00+09:00' } },
        { id: 'phishing', kpi: 'phishing-click-rate', value: null, numerator: 0, denominator: 0, target: 0.1, direction: 'at_most', status: 'no_data', period: { from: '2026-10-01T00:00:00+09:00', to: '2026-11-20T12:00:00+09:00' } },
      ],
    });
  });

  it('/objectives before the first evaluation: no instant, no objectives', async () => {
    const m = new IsmsMetrics({ objectives, sourceIds: [], timeZone: 'UTC', defaultMetrics: false });
    const server = buildServer({ metrics: () => m.render(), results: () => undefined, health: async () => ({}) });
    await listen(server, '127.0.0.1', 0);
    const port = (server.address() as AddressInfo).port;
    close = () => server.close();
    expect(await (await fetch(`http://127.0.0.1:${port}/objectives`)).json()).toEqual({ evaluatedAt: null, objectives: [] });
  });
});
